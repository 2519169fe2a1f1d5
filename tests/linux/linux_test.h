// Checks for the Linux test programs (tests/linux): each program is one area; a
// failed check prints where and what, and the program exits 1 (tests/linux/run.sh
// turns exit statuses into PASS/FAIL lines).
#pragma once
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int test_failures;

#define CHECK(cond)                                                                       \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      printf("  %s:%d: CHECK(%s) failed (errno %d)\n", __FILE__, __LINE__, #cond, errno); \
      fflush(stdout);                                                                     \
      test_failures++;                                                                    \
    }                                                                                     \
  } while (0)

#define CHECK_EQ(a, b)                                                                          \
  do {                                                                                          \
    long long _a = (long long)(a), _b = (long long)(b);                                         \
    if (_a != _b) {                                                                             \
      printf("  %s:%d: %s == %lld, expected %s == %lld\n", __FILE__, __LINE__, #a, _a, #b, _b); \
      fflush(stdout);                                                                           \
      test_failures++;                                                                          \
    }                                                                                           \
  } while (0)

static inline int test_done(void) {
  fflush(stdout);
  return test_failures ? 1 : 0;
}
