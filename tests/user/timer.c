// zx_timer_create/_set/_cancel, and deadlines met with the timer's resolution: a wait
// for 2 ms ends well before the 10 ms tick would have ended it.
#include <stdint.h>
#include <stdio.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/port.h>

#include "user_test.h"

#define KERNEL_PTR ((void *)0xffff800040200000UL)
#define MS 1000000LL

static zx_signals_t signals_of(zx_handle_t h) {
  zx_signals_t seen = 0;
  zx_object_wait_one(h, ~0u, 0, &seen);
  return seen;
}

static void test_timer(void) {
  zx_handle_t t;
  EXPECT_EQ(zx_timer_create(3, ZX_CLOCK_MONOTONIC, &t), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_timer_create(0, 7, &t), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_timer_create(0, ZX_CLOCK_MONOTONIC, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_timer_create(0, ZX_CLOCK_MONOTONIC, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  for (uint32_t mode = ZX_TIMER_SLACK_CENTER; mode <= ZX_TIMER_SLACK_LATE; mode++) {
    EXPECT_EQ(zx_timer_create(mode, ZX_CLOCK_MONOTONIC, &t), ZX_OK);
    zx_time_t deadline = zx_clock_get_monotonic() + 3 * MS;
    EXPECT_EQ(zx_timer_set(t, deadline, 1 * MS), ZX_OK);
    // Not signalled yet, unless the host stalled this vCPU past the slack's start
    // (this image runs in real time): the clock, read after, then says so.
    zx_signals_t early = signals_of(t);
    EXPECT_EQ(early == 0 || zx_clock_get_monotonic() >= deadline - 1 * MS, 1);
    EXPECT_EQ(zx_object_wait_one(t, ZX_TIMER_SIGNALED, ZX_TIME_INFINITE, NULL), ZX_OK);
    EXPECT_EQ(zx_clock_get_monotonic() >= deadline - 1 * MS, 1);
    EXPECT_EQ(zx_handle_close(t), ZX_OK);
  }
  EXPECT_EQ(zx_timer_create(0, ZX_CLOCK_MONOTONIC, &t), ZX_OK);
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(t, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.type, ZX_OBJ_TYPE_TIMER);
  EXPECT_EQ(info.rights, ZX_DEFAULT_TIMER_RIGHTS);
  // A deadline already past (or 0) fires at once; set again deasserts first.
  EXPECT_EQ(zx_timer_set(t, 0, 0), ZX_OK);
  EXPECT_EQ(signals_of(t), ZX_TIMER_SIGNALED);
  EXPECT_EQ(zx_timer_set(t, zx_clock_get_monotonic() + 5000 * MS, 0), ZX_OK);
  EXPECT_EQ(signals_of(t), 0);
  // Set replaces a pending deadline; cancel disarms and deasserts.
  EXPECT_EQ(zx_timer_set(t, zx_clock_get_monotonic() + 2 * MS, 0), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(t, ZX_TIMER_SIGNALED, after_ms(1000), NULL), ZX_OK);
  EXPECT_EQ(zx_timer_cancel(t), ZX_OK);
  EXPECT_EQ(signals_of(t), 0);
  EXPECT_EQ(zx_timer_set(t, zx_clock_get_monotonic() + 5 * MS, 0), ZX_OK);
  EXPECT_EQ(zx_timer_cancel(t), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(t, ZX_TIMER_SIGNALED, after_ms(20), NULL), ZX_ERR_TIMED_OUT);
  EXPECT_EQ(zx_timer_cancel(t), ZX_OK);  // nothing pending: no effect
  // A port hears a timer through wait_async.
  zx_handle_t port;
  zx_port_packet_t packet;
  EXPECT_EQ(zx_port_create(0, &port), ZX_OK);
  EXPECT_EQ(zx_object_wait_async(t, port, 5, ZX_TIMER_SIGNALED, 0), ZX_OK);
  EXPECT_EQ(zx_timer_set(t, zx_clock_get_monotonic() + 1 * MS, 0), ZX_OK);
  EXPECT_EQ(zx_port_wait(port, after_ms(1000), &packet), ZX_OK);
  EXPECT_EQ(packet.key, 5);
  EXPECT_EQ(packet.signal.observed, ZX_TIMER_SIGNALED);
  // Errors.
  zx_handle_t ro, ev;
  EXPECT_EQ(zx_timer_set(t, 0, -1), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_timer_set(ZX_HANDLE_INVALID, 0, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_timer_cancel(ZX_HANDLE_INVALID), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  EXPECT_EQ(zx_timer_set(ev, 0, 0), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_timer_cancel(ev), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_handle_duplicate(t, ZX_RIGHT_WAIT, &ro), ZX_OK);
  EXPECT_EQ(zx_timer_set(ro, 0, 0), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_timer_cancel(ro), ZX_ERR_ACCESS_DENIED);
  // Closed while pending: the timer goes with its last handle.
  EXPECT_EQ(zx_timer_set(t, zx_clock_get_monotonic() + 10000 * MS, 0), ZX_OK);
  zx_handle_close(ro), zx_handle_close(ev), zx_handle_close(port), zx_handle_close(t);
}

// Waits end at their deadline with the timer's resolution, not on a 10 ms tick: the
// worst lateness over several 1-3 ms waits stays well under a tick.
static void test_resolution(void) {
  zx_handle_t ev;
  EXPECT_EQ(zx_event_create(0, &ev), ZX_OK);
  zx_duration_t worst = 0, total = 0;
  for (int i = 0; i < 10; i++) {
    zx_time_t deadline = zx_clock_get_monotonic() + (1 + i % 3) * MS;
    EXPECT_EQ(zx_object_wait_one(ev, ZX_EVENT_SIGNALED, deadline, NULL), ZX_ERR_TIMED_OUT);
    zx_duration_t late = zx_clock_get_monotonic() - deadline;
    EXPECT_EQ(late >= 0, 1);
    if (late > worst) worst = late;
    total += late;
  }
  zx_time_t deadline = zx_clock_get_monotonic() + 2 * MS;
  EXPECT_EQ(zx_nanosleep(deadline), ZX_OK);
  if (zx_clock_get_monotonic() - deadline > worst) worst = zx_clock_get_monotonic() - deadline;
  printf("timer: lateness of 1-3 ms waits: mean %lld us, worst %lld us (the tick is 10,000 us)\n",
         (long long)total / 10000, (long long)worst / 1000);
  zx_handle_close(ev);
}

int main(void) {
  test_timer();
  test_resolution();
  printf("timer: %d checks, %d failures\n", checks, failures);
  return failures;
}
