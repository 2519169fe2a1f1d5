// zx_ticks_get and zx_ticks_per_second: the system counter read at EL0 without a
// syscall, on every CPU (threads pinned with JANUS_PROP_THREAD_CPU). It advances, and
// it is the counter zx_clock_get_monotonic converts: a monotonic reading taken between
// two counter readings falls between them, within the rounding of one conversion.
// Nothing here depends on how fast the host runs: every bound is in the counter's own
// (virtual) time.
#include <stdint.h>
#include <zircon/syscalls/janus.h>

#include "user_test.h"

#define MAX_CPUS 8
#define STACK_SIZE 8192
#define NS_PER_SEC 1000000000LL
#define ROUNDS 1000

static uint8_t stacks[MAX_CPUS][STACK_SIZE] __attribute__((aligned(16)));
static volatile int bad[MAX_CPUS];  // per CPU: readings that broke a rule

// ns -> ticks, rounded down, without overflow for any uptime of this test.
static int64_t ns_to_ticks(zx_time_t ns, zx_ticks_t hz) {
  return (int64_t)((__int128)ns * hz / NS_PER_SEC);
}

// The checks one thread makes; returns how many failed.
static int check_counter(void) {
  int failed = 0;
  zx_ticks_t hz = zx_ticks_per_second();
  failed += hz < 1000000 || hz > 1000000000;  // the Arm generic timer: 1 MHz .. 1 GHz
  // Rounding: the kernel's ns (q48 fixed point, floor) and our floor each lose under a
  // tick; one more for the two readings' own granularity.
  const int64_t slack = 2;
  for (int i = 0; i < ROUNDS; i++) {
    zx_ticks_t before = zx_ticks_get();
    zx_time_t mono = zx_clock_get_monotonic();
    zx_ticks_t after = zx_ticks_get();
    int64_t mono_ticks = ns_to_ticks(mono, hz);
    failed += after < before;
    failed += mono_ticks < before - slack || mono_ticks > after + slack;
  }
  // It advances: a 20 ms sleep (virtual time) moves it at least 20 ms worth.
  zx_ticks_t t0 = zx_ticks_get();
  zx_nanosleep(zx_clock_get_monotonic() + 20 * 1000000LL);
  zx_ticks_t t1 = zx_ticks_get();
  failed += t1 - t0 < ns_to_ticks(20 * 1000000LL, hz) - slack;
  return failed;
}

static void on_cpu(uintptr_t cpu, uintptr_t b) {
  (void)b;
  bad[cpu] = check_counter();
  zx_thread_exit();
}

int main(void) {
  EXPECT_EQ(check_counter(), 0);
  janus_info_asid_counters_t counters[MAX_CPUS];
  size_t cpus = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, counters,
                               sizeof counters, &cpus, &avail),
            ZX_OK);
  EXPECT_EQ(cpus >= 1, 1);
  for (uint32_t cpu = 0; cpu < cpus; cpu++) {
    zx_handle_t t;
    bad[cpu] = -1;
    EXPECT_EQ(zx_thread_create(zx_process_self(), "ticks", 5, 0, &t), ZX_OK);
    EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu), ZX_OK);
    EXPECT_EQ(zx_thread_start(t, (uintptr_t)on_cpu, (uintptr_t)(stacks[cpu] + STACK_SIZE), cpu, 0),
              ZX_OK);
    EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
    EXPECT_EQ(bad[cpu], 0);
    zx_handle_close(t);
  }
  printf("ticks: %lld per second, %d checks, %d failures\n", (long long)zx_ticks_per_second(),
         checks, failures);
  return failures;
}
