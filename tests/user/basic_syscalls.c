// User-space tests of the first syscalls: success paths and documented errors,
// wild pointers, unknown syscall numbers, and FP state surviving context switches.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

static int64_t raw_syscall(uint64_t number) {
  register uint64_t x0 __asm__("x0") = 0;
  register uint64_t x16 __asm__("x16") = number;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x16) : "memory");
  return (int64_t)x0;
}

static void test_debug_write(void) {
  EXPECT_EQ(zx_debug_write("debug_write ok\n", 15), ZX_OK);
  EXPECT_EQ(zx_debug_write(NULL, 4), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_debug_write(NULL, 0), ZX_OK);
  // A kernel address is not user memory.
  EXPECT_EQ(zx_debug_write((const char *)0xffff800040200000UL, 8), ZX_ERR_INVALID_ARGS);
  // Unmapped user memory, and a range that wraps.
  EXPECT_EQ(zx_debug_write((const char *)0x70000000UL, 8), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_debug_write((const char *)~0UL, 2), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_debug_write("x", 1 << 20), ZX_ERR_INVALID_ARGS);
}

static void test_handles(void) {
  EXPECT_EQ(zx_handle_close(ZX_HANDLE_INVALID), ZX_OK);
  EXPECT_EQ(zx_handle_close(0x12345677), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_process_self() != ZX_HANDLE_INVALID, 1);
  EXPECT_EQ(zx_process_self() & 3, 3);
}

static void test_unknown_syscall(void) {
  EXPECT_EQ(raw_syscall(100000), ZX_ERR_BAD_SYSCALL);
  EXPECT_EQ(raw_syscall(~0UL), ZX_ERR_BAD_SYSCALL);
}

static void test_clock_and_fp_across_switches(void) {
  zx_time_t start = zx_clock_get_monotonic();
  volatile double sum = 0.0;
  for (int i = 1; i <= 20; i++) {
    sum += 1.0 / i;
    EXPECT_EQ(zx_nanosleep(zx_clock_get_monotonic() + 1000000), ZX_OK);  // 1 ms: other threads run
  }
  EXPECT_EQ(zx_clock_get_monotonic() - start >= 20000000, 1);
  EXPECT_EQ((long long)(sum * 1e9), 3597739657LL);  // H(20), exact in doubles
}

int main(void) {
  test_debug_write();
  test_handles();
  test_unknown_syscall();
  test_clock_and_fp_across_switches();
  printf("basic_syscalls: %d failures\n", failures);
  return failures;
}
