// A fork bomb meets the personality's process limit: fork fails with EAGAIN, and
// when the children end everything is given back (fork works again).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

int main(void) {
  int made = 0;
  pid_t kids[1000];
  for (;;) {
    pid_t c = fork();
    if (c == 0) {
      pause();
      _exit(0);
    }
    if (c < 0) break;
    kids[made++] = c;
    if (made == 1000) break;
  }
  CHECK(made > 0 && made < 1000);
  CHECK_EQ(errno, EAGAIN);
  for (int i = 0; i < made; i++) kill(kids[i], SIGKILL);
  int status, reaped = 0;
  while (wait(&status) > 0) reaped++;
  CHECK_EQ(reaped, made);
  pid_t c = fork();
  if (c == 0) _exit(3);
  CHECK(c > 0);
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 3);
  printf("forkbomb: %d processes before EAGAIN\n", made);
  return test_done();
}
