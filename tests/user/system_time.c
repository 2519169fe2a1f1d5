// <zircon/time.h>, zx_deadline_after, zx_clock_get_boot, zx_system_get_num_cpus /
// _page_size / _physmem and the CPRNG (zx_cprng_draw and zx_cprng_draw_once).
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls/janus.h>
#include <zircon/time.h>

#include "user_test.h"

#define MAX_CPUS 8

static void test_time_helpers(void) {
  EXPECT_EQ(ZX_NSEC(5), 5);
  EXPECT_EQ(ZX_USEC(5), 5000);
  EXPECT_EQ(ZX_MSEC(5), 5000000);
  EXPECT_EQ(ZX_SEC(5), 5000000000LL);
  EXPECT_EQ(ZX_MIN(2), 120000000000LL);
  EXPECT_EQ(ZX_HOUR(1), 3600000000000LL);
  EXPECT_EQ(zx_time_add_duration(10, 5), 15);
  EXPECT_EQ(zx_time_add_duration(INT64_MAX - 1, 5), ZX_TIME_INFINITE);
  EXPECT_EQ(zx_time_add_duration(INT64_MIN + 1, -5), ZX_TIME_INFINITE_PAST);
  EXPECT_EQ(zx_time_sub_duration(10, 5), 5);
  EXPECT_EQ(zx_time_sub_duration(INT64_MIN + 1, 5), ZX_TIME_INFINITE_PAST);
  EXPECT_EQ(zx_time_sub_duration(INT64_MAX - 1, -5), ZX_TIME_INFINITE);
  EXPECT_EQ(zx_time_sub_time(10, 15), -5);
  EXPECT_EQ(zx_time_sub_time(INT64_MIN, 1), ZX_TIME_INFINITE_PAST);
  EXPECT_EQ(zx_duration_add_duration(ZX_SEC(1), ZX_MSEC(1)), 1001000000LL);
  EXPECT_EQ(zx_duration_add_duration(INT64_MAX, 1), ZX_TIME_INFINITE);
  EXPECT_EQ(zx_duration_sub_duration(ZX_SEC(1), ZX_MSEC(1)), 999000000LL);
  EXPECT_EQ(zx_duration_sub_duration(INT64_MIN, 1), ZX_TIME_INFINITE_PAST);
  EXPECT_EQ(zx_duration_mul_int64(ZX_SEC(2), 3), ZX_SEC(6));
  EXPECT_EQ(zx_duration_mul_int64(INT64_MAX / 2, 3), ZX_TIME_INFINITE);
  EXPECT_EQ(zx_duration_mul_int64(INT64_MAX / 2, -3), ZX_TIME_INFINITE_PAST);
  EXPECT_EQ(zx_duration_mul_int64(-(INT64_MAX / 2), -3), ZX_TIME_INFINITE);
  EXPECT_EQ(zx_nsec_from_duration(ZX_SEC(2)), 2000000000LL);
  EXPECT_EQ(zx_usec_from_duration(ZX_SEC(2)), 2000000);
  EXPECT_EQ(zx_msec_from_duration(ZX_SEC(2)), 2000);
  EXPECT_EQ(zx_sec_from_duration(ZX_MIN(2)), 120);
  EXPECT_EQ(zx_min_from_duration(ZX_HOUR(2)), 120);
  EXPECT_EQ(zx_hour_from_duration(ZX_HOUR(3) + ZX_MIN(59)), 3);
  EXPECT_EQ(zx_duration_from_nsec(7), 7);
  EXPECT_EQ(zx_duration_from_usec(7), ZX_USEC(7));
  EXPECT_EQ(zx_duration_from_msec(7), ZX_MSEC(7));
  EXPECT_EQ(zx_duration_from_sec(7), ZX_SEC(7));
  EXPECT_EQ(zx_duration_from_min(7), ZX_MIN(7));
  EXPECT_EQ(zx_duration_from_hour(7), ZX_HOUR(7));
  EXPECT_EQ(zx_duration_from_hour(INT64_MAX / 1000), ZX_TIME_INFINITE);
}

static void test_clocks(void) {
  zx_time_t before = zx_clock_get_monotonic();
  zx_time_t deadline = zx_deadline_after(ZX_MSEC(30));
  zx_time_t after = zx_clock_get_monotonic();
  EXPECT_EQ(deadline >= before + ZX_MSEC(30) && deadline <= after + ZX_MSEC(30), 1);
  EXPECT_EQ(zx_deadline_after(ZX_TIME_INFINITE), ZX_TIME_INFINITE);  // saturates
  EXPECT_EQ(zx_nanosleep(deadline), ZX_OK);
  EXPECT_EQ(zx_clock_get_monotonic() >= deadline, 1);
  // The boot clock: Janus never suspends, so it keeps pace with the monotonic one.
  zx_time_t b1 = zx_clock_get_boot();
  zx_time_t m = zx_clock_get_monotonic();
  zx_time_t b2 = zx_clock_get_boot();
  EXPECT_EQ(b1 > 0 && b1 <= m && m <= b2, 1);
}

static void test_system(void) {
  janus_info_asid_counters_t c[MAX_CPUS];
  size_t cpus = 0;
  EXPECT_EQ(
      zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, c, sizeof c, &cpus, NULL),
      ZX_OK);
  EXPECT_EQ(zx_system_get_num_cpus(), cpus);
  EXPECT_EQ(zx_system_get_page_size(), 4096);
  uint64_t physmem = zx_system_get_physmem();
  EXPECT_EQ(physmem > 64ull << 20 && physmem <= 8ull << 30 && physmem % 4096 == 0, 1);
}

static void test_cprng(void) {
  uint8_t a[1000], b[1000];
  memset(a, 0, sizeof a);
  memset(b, 0, sizeof b);
  zx_cprng_draw(a, sizeof a);  // several draws of at most 256
  zx_cprng_draw(b, sizeof b);
  EXPECT_EQ(memcmp(a, b, sizeof a) != 0, 1);
  // Every bit position is set about half the time: 1000 bytes give 1000 samples each.
  for (int bit = 0; bit < 8; bit++) {
    int ones = 0;
    for (size_t i = 0; i < sizeof a; i++) ones += a[i] >> bit & 1;
    EXPECT_EQ(ones > 400 && ones < 600, 1);
  }
  uint8_t small[ZX_CPRNG_DRAW_MAX_LEN + 1];
  memset(small, 0, sizeof small);
  EXPECT_EQ(zx_cprng_draw_once(small, ZX_CPRNG_DRAW_MAX_LEN), ZX_OK);
  EXPECT_EQ(small[ZX_CPRNG_DRAW_MAX_LEN], 0);  // not a byte more
  EXPECT_EQ(zx_cprng_draw_once(small, 0), ZX_OK);
  EXPECT_EQ(zx_cprng_draw_once(small, ZX_CPRNG_DRAW_MAX_LEN + 1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_cprng_draw_once(NULL, 16), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_cprng_draw_once((void *)0xffff800000000000ull, 16), ZX_ERR_INVALID_ARGS);
}

int main(void) {
  test_time_helpers();
  test_clocks();
  test_system();
  test_cprng();
  printf("system_time: %d checks, %d failures\n", checks, failures);
  return failures;
}
