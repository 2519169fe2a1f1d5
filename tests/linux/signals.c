// Signals: handlers with siginfo, masks and pending signals, SIGCHLD, SIGTERM, SIGINT
// and SIGPIPE handlers, a SIGSEGV handler that escapes with siglongjmp, default actions.
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

static volatile int usr1, chld, last_sig;
static volatile pid_t sender;
static sigjmp_buf escape;
static volatile void *fault_addr;

static void on_usr1(int sig, siginfo_t *info, void *uc) {
  (void)uc;
  usr1++;
  last_sig = sig;
  sender = info->si_pid;
}
static void on_chld(int sig) {
  (void)sig;
  chld++;
}
static volatile int term, intr, piped;
static void on_other(int sig) {
  if (sig == SIGTERM) term++;
  if (sig == SIGINT) intr++;
  if (sig == SIGPIPE) piped++;
}
static void on_segv(int sig, siginfo_t *info, void *uc) {
  (void)sig, (void)uc;
  fault_addr = info->si_addr;
  siglongjmp(escape, 1);
}

int main(void) {
  struct sigaction sa = {0};
  sa.sa_sigaction = on_usr1;
  sa.sa_flags = SA_SIGINFO;
  CHECK_EQ(sigaction(SIGUSR1, &sa, NULL), 0);
  CHECK_EQ(kill(getpid(), SIGUSR1), 0);
  CHECK_EQ(usr1, 1);
  CHECK_EQ(last_sig, SIGUSR1);
  CHECK_EQ(raise(SIGUSR1), 0);
  CHECK_EQ(usr1, 2);

  sigset_t block, pending;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  CHECK_EQ(sigprocmask(SIG_BLOCK, &block, NULL), 0);
  raise(SIGUSR1);
  CHECK_EQ(usr1, 2);  // blocked
  CHECK_EQ(sigpending(&pending), 0);
  CHECK(sigismember(&pending, SIGUSR1));
  CHECK_EQ(sigprocmask(SIG_UNBLOCK, &block, NULL), 0);
  CHECK_EQ(usr1, 3);  // delivered on unblock

  signal(SIGCHLD, on_chld);
  pid_t c = fork();
  if (c == 0) _exit(0);
  int status;
  while (waitpid(c, &status, 0) < 0 && errno == EINTR) {}
  CHECK_EQ(chld, 1);

  // SIGTERM from another process (this one waits for it meanwhile), SIGINT, SIGPIPE.
  struct sigaction other = {0};
  other.sa_handler = on_other;
  other.sa_flags = SA_RESTART;
  CHECK_EQ(sigaction(SIGTERM, &other, NULL), 0);
  CHECK_EQ(sigaction(SIGINT, &other, NULL), 0);
  CHECK_EQ(sigaction(SIGPIPE, &other, NULL), 0);
  c = fork();
  if (c == 0) _exit(kill(getppid(), SIGTERM) == 0 ? 0 : 1);
  while (waitpid(c, &status, 0) < 0 && errno == EINTR) {}
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  CHECK_EQ(term, 1);
  CHECK_EQ(kill(getpid(), SIGINT), 0);
  CHECK_EQ(intr, 1);
  int p[2];
  CHECK_EQ(pipe(p), 0);
  close(p[0]);
  CHECK_EQ(write(p[1], "x", 1), -1);
  CHECK_EQ(errno, EPIPE);
  CHECK_EQ(piped, 1);
  close(p[1]);
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  signal(SIGPIPE, SIG_DFL);

  struct sigaction segv = {0};
  segv.sa_sigaction = on_segv;
  segv.sa_flags = SA_SIGINFO;
  CHECK_EQ(sigaction(SIGSEGV, &segv, NULL), 0);
  volatile int *bad = (volatile int *)0x10;
  if (sigsetjmp(escape, 1) == 0) {
    *bad = 1;
    CHECK(0);  // not reached
  }
  CHECK(fault_addr == (void *)0x10);
  // Floating-point registers survive a handler.
  volatile double x = 1.5;
  double y = x * 3.0;
  raise(SIGUSR1);
  CHECK(y == 4.5);

  c = fork();
  if (c == 0) {
    signal(SIGINT, SIG_DFL);
    raise(SIGINT);
    _exit(0);
  }
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT);
  c = fork();
  if (c == 0) {
    signal(SIGTERM, SIG_IGN);
    raise(SIGTERM);  // ignored
    _exit(5);
  }
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5);
  c = fork();
  if (c == 0) {
    for (;;) {}
  }
  CHECK_EQ(kill(c, SIGKILL), 0);  // a busy loop in restricted mode is reached too
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  return test_done();
}
