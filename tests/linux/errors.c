// Errors a program can cause: bad pointers to system calls are EFAULT (and the
// personality survives them), also pointers into pages whose protections forbid the
// access, unknown system calls ENOSYS (logged once per number: tools/test.sh counts
// the lines).
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/random.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "linux_test.h"

// Every file system call with a bad pointer in each pointer argument: -1 and EFAULT.
static void bad_file_pointers(void *bad) {
#define EFAULT_FROM(call)       \
  do {                          \
    errno = 0;                  \
    CHECK_EQ((long)(call), -1); \
    CHECK_EQ(errno, EFAULT);    \
  } while (0)
  int file = open("/tmp/efault", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(file >= 0);
  CHECK_EQ(write(file, "data", 4), 4);
  int dir = open("/", O_RDONLY | O_DIRECTORY);
  CHECK(dir >= 0);
  int con = open("/dev/console", O_RDWR);
  CHECK(con >= 0);
  int fd[2];
  CHECK_EQ(pipe(fd), 0);
  CHECK_EQ(write(fd[1], "abc", 3), 3);
  struct iovec bad_iov = {bad, 3};
  char buf[64];
  struct stat st;
  EFAULT_FROM(readv(fd[0], bad, 1));
  EFAULT_FROM(readv(fd[0], &bad_iov, 1));
  EFAULT_FROM(pread(file, bad, 4, 0));
  EFAULT_FROM(pwrite(file, bad, 4, 0));
  EFAULT_FROM(syscall(SYS_getdents64, dir, bad, 4096));
  EFAULT_FROM(fstat(file, bad));
  EFAULT_FROM(fstatat(AT_FDCWD, bad, &st, 0));
  EFAULT_FROM(fstatat(AT_FDCWD, "/tmp/efault", bad, 0));
  EFAULT_FROM(syscall(SYS_statx, AT_FDCWD, bad, 0, 0x7ff, buf));
  EFAULT_FROM(syscall(SYS_statx, AT_FDCWD, "/tmp/efault", 0, 0x7ff, bad));
  EFAULT_FROM(readlinkat(AT_FDCWD, bad, buf, sizeof buf));
  EFAULT_FROM(readlinkat(AT_FDCWD, "/proc/self/exe", bad, sizeof buf));
  EFAULT_FROM(faccessat(AT_FDCWD, bad, F_OK, 0));
  EFAULT_FROM(unlinkat(AT_FDCWD, bad, 0));
  EFAULT_FROM(renameat(AT_FDCWD, bad, AT_FDCWD, "/tmp/efault2"));
  EFAULT_FROM(renameat(AT_FDCWD, "/tmp/efault", AT_FDCWD, bad));
  EFAULT_FROM(symlinkat(bad, AT_FDCWD, "/tmp/efault-link"));
  EFAULT_FROM(symlinkat("/tmp/efault", AT_FDCWD, bad));
  EFAULT_FROM(linkat(AT_FDCWD, bad, AT_FDCWD, "/tmp/efault-hard", 0));
  EFAULT_FROM(linkat(AT_FDCWD, "/tmp/efault", AT_FDCWD, bad, 0));
  EFAULT_FROM(chdir(bad));
  EFAULT_FROM(fchmodat(AT_FDCWD, bad, 0644, 0));
  EFAULT_FROM(fchownat(AT_FDCWD, bad, 0, 0, 0));
  EFAULT_FROM(utimensat(AT_FDCWD, bad, NULL, 0));
  EFAULT_FROM(ioctl(con, TCGETS, bad));
  EFAULT_FROM(ioctl(con, TIOCGWINSZ, bad));
  EFAULT_FROM(ioctl(fd[0], FIONREAD, bad));
  EFAULT_FROM(fcntl(file, F_GETLK, bad));
  EFAULT_FROM(fcntl(file, F_SETLK, bad));
  EFAULT_FROM(statfs(bad, (struct statfs *)buf));
  EFAULT_FROM(statfs("/", bad));
  EFAULT_FROM(fstatfs(file, bad));
  EFAULT_FROM(poll(bad, 1, 0));
  EFAULT_FROM(select(1, bad, NULL, NULL, NULL));
  // And others: time, randomness, identity, waiting, signals.
  EFAULT_FROM(nanosleep(bad, NULL));
  EFAULT_FROM(getrandom(bad, 16, 0));
  EFAULT_FROM(uname(bad));
  EFAULT_FROM(syscall(SYS_rt_sigaction, SIGUSR1, bad, NULL, 8));  // glibc would read them itself
  EFAULT_FROM(syscall(SYS_rt_sigprocmask, SIG_BLOCK, bad, NULL, 8));
  pid_t c = fork();
  if (c == 0) _exit(0);
  EFAULT_FROM(wait4(c, bad, 0, NULL));
  CHECK_EQ(waitpid(c, NULL, 0), -1);  // as Linux: the failed wait4 reaped it
  CHECK_EQ(errno, ECHILD);
  // Still working after all that.
  CHECK_EQ(pread(file, buf, 4, 0), 4);
  CHECK(memcmp(buf, "data", 4) == 0);
  CHECK_EQ(fstat(file, &st), 0);
  CHECK_EQ(st.st_size, 4);
  close(file), close(dir), close(con), close(fd[0]), close(fd[1]);
  CHECK_EQ(unlink("/tmp/efault"), 0);
}

// Mapped memory the access is not allowed to: a PROT_NONE page fails every pointer as
// an unmapped one does; a read-only page fails what a call writes (Linux's copy_to_user
// fault), gives what a call reads, and is left as it was.
static void protections(void) {
  char *none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(none != MAP_FAILED);
  bad_file_pointers(none);
  char *ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(ro != MAP_FAILED);
  memset(ro, 'x', 4096);
  CHECK_EQ(mprotect(ro, 4096, PROT_READ), 0);
  int fd[2];
  CHECK_EQ(pipe2(fd, O_NONBLOCK), 0);  // a read that lost the bytes fails, not hangs
  CHECK_EQ(write(fd[1], "abc", 3), 3);
  EFAULT_FROM(read(fd[0], ro, 3));
  EFAULT_FROM(read(fd[0], ro + 4094, 3));  // the last 2 bytes of ro, then unmapped or not ro
  char buf[8];
  CHECK_EQ(read(fd[0], buf, 3), 3);  // the failed reads took nothing
  CHECK(memcmp(buf, "abc", 3) == 0);
  CHECK_EQ(write(fd[1], ro, 3), 3);  // reading a read-only page is allowed
  CHECK_EQ(read(fd[0], buf, 3), 3);
  CHECK(memcmp(buf, "xxx", 3) == 0);
  int file = open("/tmp/efault-ro", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(file >= 0);
  CHECK_EQ(pwrite(file, ro, 4, 0), 4);
  EFAULT_FROM(pread(file, ro, 4, 0));
  struct iovec iov = {ro, 4};
  EFAULT_FROM(preadv(file, &iov, 1, 0));
  CHECK_EQ(pwritev(file, &iov, 1, 0), 4);
  EFAULT_FROM(fstat(file, (struct stat *)ro));
  int zero = open("/dev/zero", O_RDONLY), urandom = open("/dev/urandom", O_RDONLY);
  CHECK(zero >= 0 && urandom >= 0);
  EFAULT_FROM(read(zero, ro, 16));
  EFAULT_FROM(read(urandom, ro, 16));
  EFAULT_FROM(getrandom(ro, 16, 0));
  EFAULT_FROM(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, ro));
  EFAULT_FROM(uname((struct utsname *)ro));
  EFAULT_FROM(syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, ro, 8));
  EFAULT_FROM(syscall(SYS_getcwd, ro, 100));
  for (int i = 0; i < 4096; i++) CHECK_EQ(ro[i], 'x');
  close(file), close(zero), close(urandom), close(fd[0]), close(fd[1]);
  CHECK_EQ(unlink("/tmp/efault-ro"), 0);
  CHECK_EQ(munmap(none, 4096), 0);
  CHECK_EQ(munmap(ro, 4096), 0);
}

int main(void) {
  // Through a volatile: the compiler must not see that these point nowhere.
  void *volatile bad = (void *)16, *volatile kernel = (void *)0xffff000000400000ul;
  CHECK_EQ(write(1, bad, 10), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(write(1, kernel, 10), -1);  // the personality's own memory is not Linux's
  CHECK_EQ(errno, EFAULT);
  int fd[2];
  CHECK_EQ(pipe(fd), 0);
  CHECK_EQ(write(fd[1], "abc", 3), 3);
  CHECK_EQ(read(fd[0], bad, 3), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(open(bad, O_RDONLY), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(syscall(SYS_openat, AT_FDCWD, kernel, O_RDONLY), -1);
  CHECK_EQ(errno, EFAULT);
  struct stat *st = bad;
  CHECK_EQ(stat("/bin/busybox", st), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(syscall(SYS_pipe2, bad, 0), -1);
  CHECK_EQ(errno, EFAULT);
  struct iovec iov = {bad, 5};
  CHECK_EQ(writev(1, &iov, 1), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(syscall(SYS_getcwd, bad, 100), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(syscall(SYS_mkdirat, AT_FDCWD, bad, 0755), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(syscall(SYS_execve, bad, NULL, NULL), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(syscall(SYS_clock_gettime, 0, bad), -1);
  CHECK_EQ(errno, EFAULT);
  for (int i = 0; i < 3; i++) {                   // logged once each
    CHECK_EQ(syscall(SYS_io_setup, 1, bad), -1);  // not implemented
    CHECK_EQ(errno, ENOSYS);
    CHECK_EQ(syscall(5000), -1);  // no such system call
    CHECK_EQ(errno, ENOSYS);
  }
  bad_file_pointers(bad);
  protections();
  CHECK_EQ(read(99, &fd, 1), -1);
  CHECK_EQ(errno, EBADF);
  return test_done();
}
