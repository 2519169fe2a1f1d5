// Checks for the Linux test programs (tests/linux): each program is one area; a
// failed check prints where and what, and the program exits 1 (tests/linux/run.sh
// turns exit statuses into PASS/FAIL lines).
#pragma once
#include <errno.h>
#include <stdint.h>
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

// A system call (number nr, arguments a0-a3) with q0-q31 loaded from in[64], FPCR from
// fp[0] and FPSR from fp[1] just before the svc, and stored to out[64], fp[2] and fp[3]
// just after (then both cleared): nothing but the kernel runs in between, so out must
// equal in. The call's result.
static inline long svc_keeping_fp(long nr, long a0, long a1, long a2, long a3,
                                  const uint64_t in[64], uint64_t out[64], uint64_t fp[4]) {
  register long x0 __asm__("x0") = a0;
  register long x1 __asm__("x1") = a1;
  register long x2 __asm__("x2") = a2;
  register long x3 __asm__("x3") = a3;
  register long x8 __asm__("x8") = nr;
  uint64_t fpcr_out, fpsr_out;
  __asm__ volatile(
      "ldp q0, q1, [%[in], #0]\n ldp q2, q3, [%[in], #32]\n ldp q4, q5, [%[in], #64]\n"
      "ldp q6, q7, [%[in], #96]\n ldp q8, q9, [%[in], #128]\n ldp q10, q11, [%[in], #160]\n"
      "ldp q12, q13, [%[in], #192]\n ldp q14, q15, [%[in], #224]\n"
      "ldp q16, q17, [%[in], #256]\n ldp q18, q19, [%[in], #288]\n"
      "ldp q20, q21, [%[in], #320]\n ldp q22, q23, [%[in], #352]\n"
      "ldp q24, q25, [%[in], #384]\n ldp q26, q27, [%[in], #416]\n"
      "ldp q28, q29, [%[in], #448]\n ldp q30, q31, [%[in], #480]\n"
      "msr fpcr, %[fpcr_in]\n msr fpsr, %[fpsr_in]\n"
      "svc #0\n"
      "stp q0, q1, [%[out], #0]\n stp q2, q3, [%[out], #32]\n stp q4, q5, [%[out], #64]\n"
      "stp q6, q7, [%[out], #96]\n stp q8, q9, [%[out], #128]\n stp q10, q11, [%[out], #160]\n"
      "stp q12, q13, [%[out], #192]\n stp q14, q15, [%[out], #224]\n"
      "stp q16, q17, [%[out], #256]\n stp q18, q19, [%[out], #288]\n"
      "stp q20, q21, [%[out], #320]\n stp q22, q23, [%[out], #352]\n"
      "stp q24, q25, [%[out], #384]\n stp q26, q27, [%[out], #416]\n"
      "stp q28, q29, [%[out], #448]\n stp q30, q31, [%[out], #480]\n"
      "mrs %[fpcr_out], fpcr\n mrs %[fpsr_out], fpsr\n msr fpcr, xzr\n msr fpsr, xzr\n"
      : "+r"(x0), [fpcr_out] "=&r"(fpcr_out), [fpsr_out] "=&r"(fpsr_out)
      : "r"(x1), "r"(x2), "r"(x3),
        "r"(x8), [in] "r"(in), [out] "r"(out), [fpcr_in] "r"(fp[0]), [fpsr_in] "r"(fp[1])
      : "memory", "v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7", "v8", "v9", "v10", "v11", "v12",
        "v13", "v14", "v15", "v16", "v17", "v18", "v19", "v20", "v21", "v22", "v23", "v24", "v25",
        "v26", "v27", "v28", "v29", "v30", "v31");
  fp[2] = fpcr_out;
  fp[3] = fpsr_out;
  return x0;
}
