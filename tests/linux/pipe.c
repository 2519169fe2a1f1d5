// Pipes between processes: a megabyte through a pipe with its checksum, end of file
// when the writer closes, SIGPIPE and EPIPE when the reader has gone.
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

int main(void) {
  int fd[2];
  CHECK_EQ(pipe(fd), 0);
  enum { TOTAL = 1 << 20 };
  pid_t c = fork();
  if (c == 0) {
    close(fd[0]);
    static unsigned char buf[8192];
    uint32_t sum = 0;
    for (int done = 0; done < TOTAL; done += (int)sizeof buf) {
      for (size_t i = 0; i < sizeof buf; i++) buf[i] = (unsigned char)(done + i * 7), sum += buf[i];
      if (write(fd[1], buf, sizeof buf) != (ssize_t)sizeof buf) _exit(2);
    }
    if (write(fd[1], &sum, sizeof sum) != sizeof sum) _exit(3);
    _exit(0);
  }
  close(fd[1]);
  static unsigned char all[TOTAL + 4];
  size_t got = 0;
  ssize_t n;
  while ((n = read(fd[0], all + got, sizeof all - got)) > 0) got += (size_t)n;
  CHECK_EQ(n, 0);  // end of file: the writer is gone
  CHECK_EQ(got, TOTAL + 4);
  uint32_t sum = 0, theirs;
  for (size_t i = 0; i < TOTAL; i++) sum += all[i];
  memcpy(&theirs, all + TOTAL, 4);
  CHECK_EQ(sum, theirs);
  int status;
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  close(fd[0]);

  CHECK_EQ(pipe(fd), 0);
  close(fd[0]);
  signal(SIGPIPE, SIG_IGN);
  CHECK_EQ(write(fd[1], "x", 1), -1);
  CHECK_EQ(errno, EPIPE);
  signal(SIGPIPE, SIG_DFL);
  c = fork();
  if (c == 0) {
    (void)write(fd[1], "x", 1);
    _exit(0);
  }
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGPIPE);
  return test_done();
}
