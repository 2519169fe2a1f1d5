// Time: the monotonic clock moves forward, sleeps last at least as long as asked,
// the real-time clock says this century; interval timers and alarm send SIGALRM.
#include <signal.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "linux_test.h"

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000ll + t->tv_nsec; }

static volatile int alarms;
static void on_alarm(int sig) {
  (void)sig;
  alarms++;
}

static void itimers(void) {
  CHECK(signal(SIGALRM, on_alarm) != SIG_ERR);
  // SIGALRM blocked but while sigsuspend waits: none comes between a check and the wait.
  sigset_t block, unblocked;
  sigemptyset(&block);
  sigaddset(&block, SIGALRM);
  sigprocmask(SIG_BLOCK, &block, &unblocked);
  // One shot, 30 ms: the signal comes, not before.
  struct timespec a, b;
  struct itimerval once = {{0, 0}, {0, 30000}}, left;
  clock_gettime(CLOCK_MONOTONIC, &a);
  CHECK_EQ(setitimer(ITIMER_REAL, &once, NULL), 0);
  CHECK_EQ(getitimer(ITIMER_REAL, &left), 0);
  CHECK(left.it_value.tv_sec == 0 && left.it_value.tv_usec > 0 && left.it_value.tv_usec <= 30000);
  while (alarms == 0) sigsuspend(&unblocked);
  clock_gettime(CLOCK_MONOTONIC, &b);
  CHECK(ns(&b) - ns(&a) >= 30 * 1000000);
  CHECK_EQ(alarms, 1);
  CHECK_EQ(getitimer(ITIMER_REAL, &left), 0);
  CHECK(left.it_value.tv_sec == 0 && left.it_value.tv_usec == 0);  // disarmed
  // Every 10 ms until disarmed: three signals at least.
  struct itimerval every = {{0, 10000}, {0, 10000}}, off = {{0, 0}, {0, 0}};
  CHECK_EQ(setitimer(ITIMER_REAL, &every, NULL), 0);
  while (alarms < 4) sigsuspend(&unblocked);
  CHECK_EQ(setitimer(ITIMER_REAL, &off, &left), 0);
  CHECK_EQ(left.it_interval.tv_usec, 10000);
  sigprocmask(SIG_SETMASK, &unblocked, NULL);  // one sent before the disarm comes now
  int seen = alarms;
  struct timespec wait = {0, 40 * 1000000};
  nanosleep(&wait, NULL);
  CHECK_EQ(alarms, seen);  // none after disarming
  // alarm(): seconds, the old one's remainder, 0 cancels.
  CHECK_EQ(alarm(100), 0);
  CHECK(alarm(0) >= 99);
  // Errors: other timers, bad values, bad pointers.
  CHECK_EQ(setitimer(ITIMER_VIRTUAL, &once, NULL), -1);
  CHECK_EQ(errno, EINVAL);
  struct itimerval bad = {{0, 0}, {0, 1000000}};
  CHECK_EQ(setitimer(ITIMER_REAL, &bad, NULL), -1);
  CHECK_EQ(errno, EINVAL);
  CHECK_EQ(setitimer(ITIMER_REAL, (struct itimerval *)16, NULL), -1);
  CHECK_EQ(errno, EFAULT);
  CHECK_EQ(getitimer(ITIMER_REAL, (struct itimerval *)16), -1);
  CHECK_EQ(errno, EFAULT);
  signal(SIGALRM, SIG_DFL);
}

int main(void) {
  struct timespec a, b;
  CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &a), 0);
  struct timespec d = {0, 50 * 1000000};
  CHECK_EQ(nanosleep(&d, NULL), 0);
  CHECK_EQ(clock_gettime(CLOCK_MONOTONIC, &b), 0);
  CHECK(ns(&b) - ns(&a) >= 50 * 1000000);
  struct timeval tv;
  CHECK_EQ(gettimeofday(&tv, NULL), 0);
  CHECK(tv.tv_sec > 1700000000);
  CHECK(time(NULL) > 1700000000);
  CHECK_EQ(clock_gettime(12345, &a), -1);
  CHECK_EQ(errno, EINVAL);
  struct timespec bad = {0, 2000000000};
  CHECK_EQ(nanosleep(&bad, NULL), -1);
  CHECK_EQ(errno, EINVAL);
  itimers();
  return test_done();
}
