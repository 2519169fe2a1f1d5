// fork and wait: exit statuses, deaths by signal, WNOHANG, the child's own memory,
// getppid, many children.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

static int value = 1;

int main(void) {
  pid_t me = getpid();
  pid_t c = fork();
  if (c == 0) {
    value = 2;  // the parent's copy must not change
    _exit(getppid() == me ? 42 : 1);
  }
  CHECK(c > 0);
  int status;
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status));
  CHECK_EQ(WEXITSTATUS(status), 42);
  CHECK_EQ(value, 1);

  c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  CHECK_EQ(waitpid(c, &status, WNOHANG), 0);  // still running
  CHECK_EQ(kill(c, SIGTERM), 0);
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFSIGNALED(status));
  CHECK_EQ(WTERMSIG(status), SIGTERM);

  enum { KIDS = 10 };
  for (int i = 0; i < KIDS; i++)
    if (fork() == 0) _exit(i);
  int seen = 0;
  for (int i = 0; i < KIDS; i++) {
    CHECK(wait(&status) > 0);
    seen |= 1 << WEXITSTATUS(status);
  }
  CHECK_EQ(seen, (1 << KIDS) - 1);
  CHECK_EQ(wait(&status), -1);
  CHECK_EQ(errno, ECHILD);
  return test_done();
}
