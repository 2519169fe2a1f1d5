// The calls the personality answers first, without its lock and without saving
// FP/SIMD (user/linux/fastcall.c): getpid, gettid, getppid (also after the parent
// ended: init's pid), the uid/gid calls and sched_yield; FP/SIMD registers survive
// them, also while another process yields with its own; and a signal reaches a thread
// that does nothing but these calls.
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linux_test.h"

static pid_t thread_tid;
static void *thread_ids(void *arg) {
  (void)arg;
  thread_tid = (pid_t)syscall(SYS_gettid);
  CHECK_EQ(syscall(SYS_getpid), getpid());
  return NULL;
}

static volatile sig_atomic_t got;
static void on_usr1(int sig) { got = sig; }
static pid_t main_tid;
static void *send_usr1(void *arg) {
  (void)arg;
  CHECK_EQ(syscall(SYS_tgkill, getpid(), main_tid, SIGUSR1), 0);
  return NULL;
}

// 2,000 sched_yield calls with `value` and its complement in d8 and d31 throughout;
// true if both came back every time.
static bool yield_keeps_fpsimd(unsigned long value) {
  unsigned long bad = 0;
  __asm__ volatile(
      "fmov d8, %1\n fmov d31, %2\n mov x9, #2000\n"
      "1: mov x8, %3\n svc #0\n fmov x10, d8\n fmov x11, d31\n"
      "cmp x10, %1\n ccmp x11, %2, #0, eq\n cinc %0, %0, ne\n subs x9, x9, #1\n b.ne 1b"
      : "+r"(bad)
      : "r"(value), "r"(~value), "i"(SYS_sched_yield)
      : "x0", "x8", "x9", "x10", "x11", "d8", "d31", "cc", "memory");
  return bad == 0;
}

int main(void) {
  pid_t me = getpid();
  CHECK(me > 0);
  CHECK_EQ(syscall(SYS_gettid), me);  // the first thread's tid is the pid
  CHECK_EQ(syscall(SYS_getuid), 0);
  CHECK_EQ(syscall(SYS_geteuid), 0);
  CHECK_EQ(syscall(SYS_getgid), 0);
  CHECK_EQ(syscall(SYS_getegid), 0);
  pthread_t th;
  CHECK_EQ(pthread_create(&th, NULL, thread_ids, NULL), 0);
  CHECK_EQ(pthread_join(th, NULL), 0);
  CHECK(thread_tid > 0 && thread_tid != me);

  // The Linux program's vector registers are its own across the calls (the svcs in
  // the asm, so no compiled code between them touches the registers).
  unsigned long v8 = 0x1234567890abcdefUL, v31 = 0xfedcba0987654321UL, got8, got31;
  __asm__ volatile(
      "fmov d8, %2\n fmov d31, %3\n mov x8, %4\n svc #0\n mov x8, %5\n svc #0\n"
      "mov x8, %6\n svc #0\n fmov %0, d8\n fmov %1, d31"
      : "=&r"(got8), "=&r"(got31)
      : "r"(v8), "r"(v31), "i"(SYS_getppid), "i"(SYS_getpid), "i"(SYS_sched_yield)
      : "x0", "x8", "d8", "d31", "memory");
  CHECK(got8 == v8 && got31 == v31);
  CHECK_EQ(sched_yield(), 0);

  // Two processes yielding to each other, each with its own values in d8 and d31 the
  // whole time: neither sees the other's.
  pid_t yielder = fork();
  if (yielder == 0) _exit(yield_keeps_fpsimd(0x1111111122222222UL) ? 0 : 1);
  bool mine_kept = yield_keeps_fpsimd(0x3333333344444444UL);
  int yielder_status;
  CHECK_EQ(waitpid(yielder, &yielder_status, 0), yielder);
  CHECK(mine_kept);
  CHECK(WIFEXITED(yielder_status) && WEXITSTATUS(yielder_status) == 0);

  // A child sees this process as its parent; a grandchild whose parent ended sees
  // init (pid 1) and says so through a pipe.
  int fds[2];
  CHECK_EQ(pipe(fds), 0);
  pid_t c = fork();
  if (c == 0) {
    if (getppid() != me) _exit(1);
    pid_t mid = getpid();
    if (fork() == 0) {
      long ppid = mid;
      for (long i = 0; i < 1000000 && ppid == mid; i++)
        if ((ppid = syscall(SYS_getppid)) == mid) sched_yield();
      write(fds[1], &ppid, sizeof ppid);
      _exit(0);
    }
    _exit(42);
  }
  int status;
  CHECK_EQ(waitpid(c, &status, 0), c);
  CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 42);
  long orphan_ppid = 0;
  CHECK_EQ(read(fds[0], &orphan_ppid, sizeof orphan_ppid), sizeof orphan_ppid);
  CHECK_EQ(orphan_ppid, 1);

  // A signal from another thread reaches this one while it loops on getppid.
  main_tid = me;
  CHECK(signal(SIGUSR1, on_usr1) != SIG_ERR);
  CHECK_EQ(pthread_create(&th, NULL, send_usr1, NULL), 0);
  for (long i = 0; i < 10000000 && !got; i++) syscall(SYS_getppid);
  CHECK_EQ(got, SIGUSR1);
  CHECK_EQ(pthread_join(th, NULL), 0);
  // And while it loops on sched_yield.
  got = 0;
  CHECK_EQ(pthread_create(&th, NULL, send_usr1, NULL), 0);
  for (long i = 0; i < 10000000 && !got; i++) sched_yield();
  CHECK_EQ(got, SIGUSR1);
  CHECK_EQ(pthread_join(th, NULL), 0);
  return test_done();
}
