// Deadlines for blocked threads: each CPU keeps the timers of its own threads and
// checks them on every tick (so a deadline is met within one tick, 10 ms).
#ifndef CORE_TIMER_H_
#define CORE_TIMER_H_

#include <janus/spinlock.h>
#include <janus/timer.h>  // timer_tick, from the tick interrupt
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
// With lock held (interrupt state *state) and a timer armed for deadline: gives up the
// CPU until a wakeup, the deadline, or a kill. ZX_OK: woken (recheck the condition);
// ZX_ERR_TIMED_OUT or ZX_ERR_CANCELED: stop waiting. Returns with lock held again.
zx_status_t thread_block_locked(spinlock_t *lock, irq_state_t *state, zx_time_t deadline);
// Sleeps the current thread until deadline (or until it is killed).
void thread_sleep_until(zx_time_t deadline);

#endif  // CORE_TIMER_H_
