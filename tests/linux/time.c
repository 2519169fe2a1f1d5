// Time: the monotonic clock moves forward, sleeps last at least as long as asked,
// the real-time clock says this century.
#include <sys/time.h>
#include <time.h>

#include "linux_test.h"

static long long ns(const struct timespec *t) { return t->tv_sec * 1000000000ll + t->tv_nsec; }

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
  return test_done();
}
