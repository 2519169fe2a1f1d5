// A fault in one process ends it with SIGSEGV; its siblings and parent carry on.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

int main(void) {
  int fd[2];
  CHECK_EQ(pipe(fd), 0);
  pid_t worker = fork();
  if (worker == 0) {  // keeps working while its sibling dies
    close(fd[1]);
    char c;
    long sum = 0;
    for (int i = 0; i < 1000000; i++) sum += i;
    ssize_t n = read(fd[0], &c, 1);
    _exit(n == 0 && sum == 499999500000l ? 0 : 1);
  }
  pid_t victim = fork();
  if (victim == 0) {
    int *volatile nowhere = (int *)8;
    *nowhere = 1;
    _exit(0);
  }
  int status;
  CHECK_EQ(waitpid(victim, &status, 0), victim);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV);
  victim = fork();
  if (victim == 0) {
    __asm__ volatile(".inst 0x00000000");  // undefined instruction
    _exit(0);
  }
  CHECK_EQ(waitpid(victim, &status, 0), victim);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGILL);
  close(fd[0]);
  close(fd[1]);
  CHECK_EQ(waitpid(worker, &status, 0), worker);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  return test_done();
}
