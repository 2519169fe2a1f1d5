// Deadlines for blocked threads: each CPU keeps the timers of its own threads and
// checks them on every tick (so a deadline is met within one tick, 10 ms).
#ifndef CORE_TIMER_H_
#define CORE_TIMER_H_

#include <stdbool.h>
#include <zircon/types.h>

struct thread;

struct timer {
  struct thread *thread;
  zx_time_t deadline;
  struct timer *next;
  bool armed;
};

// Wakes thread at deadline (ZX_TIME_INFINITE: never). Cancel before the timer's
// memory goes away.
void timer_arm(struct timer *timer, struct thread *thread, zx_time_t deadline);
void timer_cancel(struct timer *timer);
void timer_tick(void);  // from the tick interrupt
// Sleeps the current thread until deadline (or until it is killed).
void thread_sleep_until(zx_time_t deadline);

#endif  // CORE_TIMER_H_
