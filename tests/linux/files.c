// Files and folders in the writable file system, and the read-only image below it.
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include "linux_test.h"

int main(void) {
  int fd = open("/tmp/a.txt", O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK_EQ(write(fd, "hello world\n", 12), 12);
  CHECK_EQ(close(fd), 0);
  char buf[64] = {0};
  fd = open("/tmp/a.txt", O_RDONLY);
  CHECK_EQ(read(fd, buf, sizeof buf), 12);
  CHECK(!memcmp(buf, "hello world\n", 12));
  CHECK_EQ(lseek(fd, 6, SEEK_SET), 6);
  CHECK_EQ(read(fd, buf, 5), 5);
  CHECK(!memcmp(buf, "world", 5));
  struct stat st;
  CHECK_EQ(fstat(fd, &st), 0);
  CHECK_EQ(st.st_size, 12);
  CHECK(S_ISREG(st.st_mode));
  CHECK_EQ(pread(fd, buf, 5, 0), 5);
  CHECK(!memcmp(buf, "hello", 5));
  // preadv and pwritev: at the offset, across the vectors, the file position unmoved.
  char one[3], two[4];
  struct iovec iov[2] = {{one, 3}, {two, 4}};
  CHECK_EQ(preadv(fd, iov, 2, 2), 7);
  CHECK(!memcmp(one, "llo", 3) && !memcmp(two, " wor", 4));
  CHECK_EQ(lseek(fd, 0, SEEK_CUR), 11);
  CHECK_EQ(preadv(fd, iov, 2, -1), -1);
  CHECK_EQ(errno, EINVAL);
  CHECK_EQ(pwritev(fd, iov, 2, 0), -1);  // opened read-only
  CHECK_EQ(errno, EBADF);
  close(fd);
  fd = open("/tmp/a.txt", O_RDWR);
  iov[0] = (struct iovec){"HE", 2}, iov[1] = (struct iovec){"LLO", 3};
  CHECK_EQ(pwritev(fd, iov, 2, 0), 5);
  CHECK_EQ(pread(fd, buf, 12, 0), 12);
  CHECK(!memcmp(buf, "HELLO world\n", 12));
  int p[2];
  CHECK_EQ(pipe(p), 0);
  iov[0] = (struct iovec){one, 3}, iov[1] = (struct iovec){two, 4};
  CHECK_EQ(preadv(p[0], iov, 2, 0), -1);
  CHECK_EQ(errno, ESPIPE);
  close(p[0]), close(p[1]);
  close(fd);
  CHECK_EQ(open("/tmp/a.txt", O_CREAT | O_EXCL | O_WRONLY, 0644), -1);
  CHECK_EQ(errno, EEXIST);
  fd = open("/tmp/a.txt", O_WRONLY | O_APPEND);
  CHECK_EQ(write(fd, "more\n", 5), 5);
  close(fd);
  CHECK_EQ(stat("/tmp/a.txt", &st), 0);
  CHECK_EQ(st.st_size, 17);

  CHECK_EQ(mkdir("/tmp/d", 0755), 0);
  CHECK_EQ(mkdir("/tmp/d", 0755), -1);
  CHECK_EQ(errno, EEXIST);
  CHECK_EQ(rename("/tmp/a.txt", "/tmp/d/b.txt"), 0);
  CHECK_EQ(access("/tmp/a.txt", F_OK), -1);
  CHECK_EQ(errno, ENOENT);
  CHECK_EQ(symlink("/tmp/d/b.txt", "/tmp/link"), 0);
  CHECK_EQ(readlink("/tmp/link", buf, sizeof buf), 12);
  CHECK(!memcmp(buf, "/tmp/d/b.txt", 12));
  CHECK_EQ(stat("/tmp/link", &st), 0);
  CHECK_EQ(st.st_size, 17);
  CHECK_EQ(chdir("/tmp/d"), 0);
  CHECK(getcwd(buf, sizeof buf) && !strcmp(buf, "/tmp/d"));
  CHECK_EQ(access("b.txt", R_OK), 0);
  DIR *d = opendir(".");
  CHECK(d != NULL);
  int found = 0;
  for (struct dirent *e; d && (e = readdir(d));) found += !strcmp(e->d_name, "b.txt");
  if (d) closedir(d);
  CHECK_EQ(found, 1);
  CHECK_EQ(rmdir("/tmp/d"), -1);
  CHECK_EQ(errno, ENOTEMPTY);
  CHECK_EQ(unlink("b.txt"), 0);
  CHECK_EQ(chdir("/"), 0);
  CHECK_EQ(rmdir("/tmp/d"), 0);
  CHECK_EQ(unlink("/tmp/link"), 0);

  // The image: read-only files copied on first write; folders; devices.
  CHECK_EQ(stat("/bin/busybox", &st), 0);
  CHECK(st.st_size > 100000 && (st.st_mode & 0111));
  CHECK_EQ(lstat("/bin/ls", &st), 0);
  CHECK(S_ISLNK(st.st_mode));
  fd = open("/etc/passwd", O_RDWR);
  CHECK(fd >= 0);
  CHECK_EQ(read(fd, buf, 5), 5);
  CHECK(!memcmp(buf, "root:", 5));
  CHECK_EQ(pwrite(fd, "ROOT", 4, 0), 4);
  CHECK_EQ(pread(fd, buf, 5, 0), 5);
  CHECK(!memcmp(buf, "ROOT:", 5));
  close(fd);
  fd = open("/dev/null", O_RDWR);
  CHECK_EQ(write(fd, "x", 1), 1);
  CHECK_EQ(read(fd, buf, 1), 0);
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  memset(buf, 1, 8);
  CHECK_EQ(read(fd, buf, 8), 8);
  CHECK(buf[0] == 0 && buf[7] == 0);
  close(fd);
  int n = (int)readlink("/proc/self/exe", buf, sizeof buf - 1);
  CHECK(n > 0);
  buf[n > 0 ? n : 0] = 0;
  CHECK(!strcmp(buf, "/tests/files"));
  int dupfd = dup2(1, 10);
  CHECK_EQ(dupfd, 10);
  CHECK_EQ(write(10, "", 0), 0);
  CHECK_EQ(fcntl(10, F_GETFD), 0);
  CHECK_EQ(fcntl(10, F_SETFD, FD_CLOEXEC), 0);
  CHECK_EQ(fcntl(10, F_GETFD), FD_CLOEXEC);
  close(10);
  CHECK_EQ(close(10), -1);
  CHECK_EQ(errno, EBADF);
  return test_done();
}
