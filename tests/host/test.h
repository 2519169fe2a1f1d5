// A tiny unit-test harness for portable code built on the host (with ASan/UBSan).
// TEST(name) { ... } registers a test; EXPECT* record a failure and go on;
// ASSERT* record it and leave the test.
#ifndef TESTS_HOST_TEST_H_
#define TESTS_HOST_TEST_H_

#include <stdint.h>
#include <stdio.h>

typedef void (*test_fn)(void);

// xorshift64: seeded, reproducible randomness for tests (state must be non-zero).
static inline uint64_t test_rng_next(uint64_t *state) {
  *state ^= *state << 13;
  *state ^= *state >> 7;
  *state ^= *state << 17;
  return *state;
}
void test_register(const char *name, test_fn fn);
void test_fail(const char *file, int line, const char *what);
extern int test_current_failed;

#define TEST(name)                                                     \
  static void name(void);                                              \
  __attribute__((constructor)) static void register_##name(void) {     \
    test_register(#name, name);                                        \
  }                                                                    \
  static void name(void)

#define EXPECT(cond) \
  ((cond) ? (void)0 : test_fail(__FILE__, __LINE__, #cond))
#define ASSERT(cond)                                \
  do {                                              \
    if (!(cond)) {                                  \
      test_fail(__FILE__, __LINE__, #cond);         \
      return;                                       \
    }                                               \
  } while (0)
#define EXPECT_EQ(a, b)                                                          \
  do {                                                                           \
    long long a_ = (long long)(a), b_ = (long long)(b);                          \
    if (a_ != b_) {                                                              \
      char what_[256];                                                           \
      snprintf(what_, sizeof what_, "%s == %s (%lld vs %lld)", #a, #b, a_, b_);  \
      test_fail(__FILE__, __LINE__, what_);                                      \
    }                                                                            \
  } while (0)

#endif  // TESTS_HOST_TEST_H_
