// Errors a program can cause: bad pointers to system calls are EFAULT (and the
// personality survives them), unknown system calls ENOSYS.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "linux_test.h"

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
  CHECK_EQ(syscall(SYS_io_setup, 1, bad), -1);  // not implemented
  CHECK_EQ(errno, ENOSYS);
  CHECK_EQ(syscall(5000), -1);  // no such system call
  CHECK_EQ(errno, ENOSYS);
  CHECK_EQ(read(99, &fd, 1), -1);
  CHECK_EQ(errno, EBADF);
  return test_done();
}
