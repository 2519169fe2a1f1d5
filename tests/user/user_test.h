// What every user-space test program shares: EXPECT_EQ records a failure with its
// values and goes on; main returns the failure count (0 = pass) to the suite's runner
// (tests/user/runner/init.c).
#ifndef TESTS_USER_USER_TEST_H_
#define TESTS_USER_USER_TEST_H_

#include <stdio.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/janus.h>
#include <zircon/syscalls/object.h>

static int failures __attribute__((unused)), checks __attribute__((unused));

#define EXPECT_EQ(a, b)                                                                   \
  do {                                                                                    \
    long long a_ = (long long)(a), b_ = (long long)(b);                                   \
    checks++;                                                                             \
    if (a_ != b_) {                                                                       \
      printf("  %s:%d: %s == %s (%lld vs %lld)\n", __FILE__, __LINE__, #a, #b, a_, b_);  \
      failures++;                                                                         \
    }                                                                                     \
  } while (0)

// What a raw svc changes besides x0 and x16 (its operands): a syscall follows the C
// calling convention of the stubs, so x1-x17 come back as they were or 0.
#define SVC_CLOBBERS                                                                       \
  "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", \
      "x15", "x17", "memory"

// Syscall numbers (SYSNUM_<name>) and their count, from the one list, for tests that
// write machine code or call numbers directly.
enum {
#define SYSCALL(num, name, rtype, nargs, args) SYSNUM_##name = num,
#define ARG(type, name)
#define USER_IN(type, name)
#define USER_OUT(type, name)
#include <zircon/syscalls.def>
};
enum {
  SYSCALL_COUNT = 0
#define SYSCALL(num, name, rtype, nargs, args) +1
#define ARG(type, name)
#define USER_IN(type, name)
#define USER_OUT(type, name)
#include <zircon/syscalls.def>
};

// A deadline ms milliseconds from now.
static inline zx_time_t after_ms(int ms) { return zx_clock_get_monotonic() + (zx_time_t)ms * 1000000; }

// Where a VMAR starts (ZX_INFO_VMAR): ZX_VM_SPECIFIC offsets count from there.
static inline zx_vaddr_t vmar_base(zx_handle_t vmar) {
  zx_info_vmar_t info = {0};
  zx_object_get_info(vmar, ZX_INFO_VMAR, &info, sizeof info, NULL, NULL);
  return info.base;
}

// The one record of a Janus topic about the whole kernel (JANUS_INFO_KERNEL_COUNTS,
// JANUS_INFO_KMEM_STATS), read through the default job.
static inline void kernel_record(uint32_t topic, void *out, size_t size) {
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), topic, out, size, &actual, &avail), ZX_OK);
  EXPECT_EQ(actual, 1);
  EXPECT_EQ(avail, 1);
}

// Starts fn(arg) in a new thread of this process pinned to cpu (JANUS_PROP_THREAD_CPU),
// on the stack [stack, stack + size); returns its handle (0 on failure).
static inline __attribute__((unused)) zx_handle_t start_on_cpu(uint32_t cpu,
                                                               void (*fn)(uintptr_t, uintptr_t),
                                                               uintptr_t arg, void *stack,
                                                               size_t size) {
  zx_handle_t t = ZX_HANDLE_INVALID;
  if (zx_thread_create(zx_process_self(), "worker", 6, 0, &t) != ZX_OK) return ZX_HANDLE_INVALID;
  zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu);
  if (zx_thread_start(t, (uintptr_t)fn, (uintptr_t)stack + size, arg, t) != ZX_OK) {
    zx_handle_close(t);
    return ZX_HANDLE_INVALID;
  }
  return t;
}

#endif  // TESTS_USER_USER_TEST_H_
