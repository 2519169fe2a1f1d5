// User-space tests of the first syscalls: success paths and documented errors,
// wild pointers, unknown syscall numbers, which registers survive syscalls (and that
// none brings a kernel value back), FP state across context switches.
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

static int64_t raw_syscall(uint64_t number) {
  register uint64_t x0 __asm__("x0") = 0;
  register uint64_t x16 __asm__("x16") = number;
  __asm__ volatile("svc #0" : "+r"(x0), "+r"(x16) : : SVC_CLOBBERS);
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

// Sets x1-x15 and x17-x30 to 0x5a5a_00nn_0000_00nn (nn: the register's number) and
// NZCV to 0b1010, makes syscall `number` with x0 = arg0, and stores x0-x30 and NZCV
// to out[0..31].
uint64_t syscall_with_patterns(uint64_t number, uint64_t arg0, uint64_t out[33]);
__asm__(
    ".global syscall_with_patterns\n"
    "syscall_with_patterns:\n"
    "  stp x29, x30, [sp, #-112]!\n"
    "  stp x19, x20, [sp, #16]\n"
    "  stp x21, x22, [sp, #32]\n"
    "  stp x23, x24, [sp, #48]\n"
    "  stp x25, x26, [sp, #64]\n"
    "  stp x27, x28, [sp, #80]\n"
    "  str x2, [sp, #96]\n"
    "  mov x16, x0\n"
    "  mov x0, x1\n"
    "  mov x9, #0xa0000000\n"
    "  msr nzcv, x9\n"
    "  .irp n,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,17,18,19,20,21,22,23,24,25,26,27,28,29,30\n"
    "  movz x\\n, #0x5a5a, lsl #48\n"
    "  movk x\\n, #\\n, lsl #32\n"
    "  movk x\\n, #\\n\n"
    "  .endr\n"
    "  svc #0\n"
    "  sub sp, sp, #272\n"
    "  stp x0, x1, [sp, #0]\n"
    "  stp x2, x3, [sp, #16]\n"
    "  stp x4, x5, [sp, #32]\n"
    "  stp x6, x7, [sp, #48]\n"
    "  stp x8, x9, [sp, #64]\n"
    "  stp x10, x11, [sp, #80]\n"
    "  stp x12, x13, [sp, #96]\n"
    "  stp x14, x15, [sp, #112]\n"
    "  stp x16, x17, [sp, #128]\n"
    "  stp x18, x19, [sp, #144]\n"
    "  stp x20, x21, [sp, #160]\n"
    "  stp x22, x23, [sp, #176]\n"
    "  stp x24, x25, [sp, #192]\n"
    "  stp x26, x27, [sp, #208]\n"
    "  stp x28, x29, [sp, #224]\n"
    "  str x30, [sp, #240]\n"
    "  mrs x9, nzcv\n"
    "  str x9, [sp, #248]\n"
    "  ldr x10, [sp, #272 + 96]\n"  // out
    "  mov x11, #0\n"
    "1:ldr x12, [sp, x11, lsl #3]\n"
    "  str x12, [x10, x11, lsl #3]\n"
    "  add x11, x11, #1\n"
    "  cmp x11, #32\n"
    "  b.ne 1b\n"
    "  add sp, sp, #272\n"
    "  ldp x19, x20, [sp, #16]\n"
    "  ldp x21, x22, [sp, #32]\n"
    "  ldp x23, x24, [sp, #48]\n"
    "  ldp x25, x26, [sp, #64]\n"
    "  ldp x27, x28, [sp, #80]\n"
    "  ldp x29, x30, [sp], #112\n"
    "  ret\n");

#define ANY_RESULT INT64_MIN  // a syscall that returns a value, not a status

// x1-x17 are caller-saved in the C calling convention the stubs follow: after a
// syscall each is the caller's value or 0, never anything of the kernel's. x18 (the
// platform register), x19-x30 and NZCV survive.
static void expect_registers_survive(uint64_t number, uint64_t arg0, int64_t status) {
  uint64_t out[33] = {0};
  syscall_with_patterns(number, arg0, out);
  if (status != ANY_RESULT) EXPECT_EQ((int64_t)out[0], status);
  int wrong = 0;
  for (uint64_t n = 1; n <= 30; n++) {
    uint64_t want = n == 16 ? number : 0x5a5a000000000000ull | n << 32 | n;
    if (out[n] != want && !(n <= 17 && out[n] == 0)) {
      printf("  syscall %lu: x%lu = %#lx, want %#lx\n", (unsigned long)number, (unsigned long)n,
             (unsigned long)out[n], (unsigned long)want);
      wrong++;
    }
  }
  EXPECT_EQ(wrong, 0);
  EXPECT_EQ(out[31], 0xa0000000ull);  // NZCV
}

// On every path: the fast path (handle_close), a yield, a sleep that blocks and
// switches to another thread, the slow path (a bad number), syscalls that return a
// value (64 and 32 bits), and zx_restricted_enter's C path (an error).
static void test_registers_survive_syscalls(void) {
  expect_registers_survive(SYSNUM_handle_close, ZX_HANDLE_INVALID, ZX_OK);
  expect_registers_survive(SYSNUM_nanosleep, 0, ZX_OK);
  expect_registers_survive(SYSNUM_nanosleep, (uint64_t)zx_clock_get_monotonic() + 2000000, ZX_OK);
  expect_registers_survive(SYSCALL_COUNT, 0, ZX_ERR_BAD_SYSCALL);
  expect_registers_survive(SYSNUM_handle_close, 0x12345677, ZX_ERR_BAD_HANDLE);
  expect_registers_survive(SYSNUM_clock_get_monotonic, 0, ANY_RESULT);
  expect_registers_survive(SYSNUM_system_get_num_cpus, 0, zx_system_get_num_cpus());
  expect_registers_survive(SYSNUM_restricted_enter, 0, ZX_ERR_INVALID_ARGS);
}

// The kernel reads only a 32-bit argument's low half, and a status comes back
// sign-extended to 64 bits; a 64-bit value comes back whole.
static void test_register_widths(void) {
  uint64_t out[33];
  syscall_with_patterns(SYSNUM_handle_close, 0xffffffff00000000ull | ZX_HANDLE_INVALID, out);
  EXPECT_EQ(out[0], 0);
  syscall_with_patterns(SYSNUM_handle_close, 0x0000000112345677ull, out);
  EXPECT_EQ(out[0], (uint64_t)(int64_t)ZX_ERR_BAD_HANDLE);
  syscall_with_patterns(SYSNUM_system_get_num_cpus, 0, out);
  EXPECT_EQ(out[0], zx_system_get_num_cpus());
  syscall_with_patterns(SYSNUM_system_get_physmem, 0, out);
  EXPECT_EQ(out[0], zx_system_get_physmem());
  EXPECT_EQ(out[0] > 0, 1);
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
  test_registers_survive_syscalls();
  test_register_widths();
  test_clock_and_fp_across_switches();
  printf("basic_syscalls: %d failures\n", failures);
  return failures;
}
