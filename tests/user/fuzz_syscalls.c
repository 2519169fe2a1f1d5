// Robustness: thousands of syscalls with random arguments — random numbers, wild and
// kernel pointers, stale and foreign handles. The kernel must answer every one with
// a status and survive; the test runner then checks that no page, object or ASID
// leaked. Calls that would end this very test (exiting, killing itself, starting
// threads at random addresses, writing its own memory) are left out, and every
// deadline is short. Seeded and reproducible: the seed is printed.
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>

#include "user_test.h"  // SYSCALL_COUNT

#define ITERATIONS 4000

#define SEED 0x6a616e7573ULL

static uint64_t rng_state = SEED;
static uint64_t rng(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static uint8_t scratch[8192] __attribute__((aligned(16)));
static zx_handle_t handles[16];

static uint64_t random_arg(void) {
  switch (rng() % 12) {
    case 0: return 0;
    case 1: return ~0ULL;
    case 2: return rng();
    case 3: return rng() % 4096;
    case 4: return (uint64_t)(uintptr_t)scratch + rng() % sizeof scratch;  // valid memory
    case 5: return 0xffff800040200000ULL + (rng() % 0x100000);             // the kernel
    case 6: return 0x0000ffffffffffffULL - rng() % 64;                     // end of user space
    case 7: return handles[rng() % 16];                                    // maybe stale
    case 8: return zx_process_self();
    case 9: return zx_thread_self();
    case 10: return handles[rng() % 16] ^ (1u << (rng() % 32));            // corrupted handle
    default: return rng() % 64;
  }
}

static int64_t raw_syscall(uint64_t n, const uint64_t a[8]) {
  register uint64_t x0 __asm__("x0") = a[0];
  register uint64_t x1 __asm__("x1") = a[1];
  register uint64_t x2 __asm__("x2") = a[2];
  register uint64_t x3 __asm__("x3") = a[3];
  register uint64_t x4 __asm__("x4") = a[4];
  register uint64_t x5 __asm__("x5") = a[5];
  register uint64_t x6 __asm__("x6") = a[6];
  register uint64_t x7 __asm__("x7") = a[7];
  register uint64_t x16 __asm__("x16") = n;
  __asm__ volatile("svc #0"
                   : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5), "+r"(x6), "+r"(x7),
                     "+r"(x16)
                   :
                   : "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15", "x17", "memory");
  return (int64_t)x0;
}

// Whether syscall n returns a zx_status_t (never positive); the others return values.
#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, args) [num] = __builtin_strcmp(#rtype, "zx_status_t") == 0,
static const char returns_status[] = {
#include <zircon/syscalls.def>
};

static int excluded(uint64_t n) {
  switch (n) {
    case SYSNUM_process_exit:
    case SYSNUM_process_write_memory:  // could rewrite this program
    case SYSNUM_thread_start:          // a thread at a random pc would crash the process
    case SYSNUM_thread_exit:
    case SYSNUM_task_kill:             // could kill this process
    case SYSNUM_restricted_enter:
    case SYSNUM_debug_read:            // waits for a key on the console: forever in a test
      return 1;
    default:
      return 0;
  }
}

int main(void) {
  printf("fuzz_syscalls: seed 0x%llx, %d calls\n", (unsigned long long)SEED, ITERATIONS);
  // Some real handles to play with (VMOs when the kernel has them).
  for (int i = 0; i < 8; i++) zx_vmo_create(4096 * (1 + i), 0, &handles[i]);
  long statuses[8] = {0};
  for (int i = 0; i < ITERATIONS; i++) {
    uint64_t n = rng() % SYSCALL_COUNT;
    if (excluded(n)) continue;
    uint64_t a[8];
    for (int k = 0; k < 8; k++) a[k] = random_arg();
    // Every deadline short: the waits end on their own.
    zx_time_t soon = zx_clock_get_monotonic() + 100000;
    if (n == SYSNUM_object_wait_one) a[2] = soon;
    if (n == SYSNUM_nanosleep) a[0] = soon;
    if (n == SYSNUM_futex_wait) a[3] = soon;
    if (n == SYSNUM_object_wait_many || n == SYSNUM_channel_call) a[2] = soon;
    if (n == SYSNUM_port_wait) a[1] = soon;
    int64_t status = raw_syscall(n, a);
    if (status > 0 && returns_status[n]) statuses[0]++;
    else if (status == 0) statuses[1]++;
    else statuses[2]++;
  }
  printf("fuzz_syscalls: %ld ok, %ld errors, %ld unexpected positive results\n", statuses[1],
         statuses[2], statuses[0]);
  return statuses[0] != 0;
}
