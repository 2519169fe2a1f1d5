// Deadlines for blocked threads: each CPU keeps the timers of its own threads and
// programs its hardware timer for the nearest one (arch_timer_set_deadline), so a
// deadline is met with the timer's resolution, not the 10 ms tick's.
#ifndef CORE_TIMER_H_
#define CORE_TIMER_H_

#include <janus/spinlock.h>
#include <janus/timer.h>  // timer_tick, from the tick interrupt
#include <stdbool.h>
#include <zircon/types.h>

struct thread;

struct timer {
  struct thread *thread;             // wakes this thread, or
  void (*fire)(struct timer *self);  // calls this (from the interrupt, no lock held)
  zx_time_t deadline;
  struct timer *next;
  unsigned cpu;  // whose list it is on
  bool armed;
  bool fired;            // its thread was woken; it no longer counts for the next deadline
  volatile bool firing;  // a call timer's fire is running
};

// Wakes thread at deadline (ZX_TIME_INFINITE: never). Cancel before the timer's
// memory goes away.
void timer_arm(struct timer *timer, struct thread *thread, zx_time_t deadline);
// Calls fire(timer) once at deadline, from this CPU's timer interrupt (zx_timer).
void timer_arm_call(struct timer *timer, zx_time_t deadline, void (*fire)(struct timer *));
// True when the timer was still pending (for timer_arm_call: fire will not run).
bool timer_cancel(struct timer *timer);
// timer_cancel, then waits for a fire already running on another CPU to return:
// afterwards the timer's memory may go.
void timer_cancel_sync(struct timer *timer);
// With lock held (interrupt state *state) and a timer armed for deadline: gives up the
// CPU until a wakeup, the deadline, or a kill. ZX_OK: woken (recheck the condition);
// ZX_ERR_TIMED_OUT or ZX_ERR_CANCELED: stop waiting. Returns with lock held again.
zx_status_t thread_block_locked(spinlock_t *lock, irq_state_t *state, zx_time_t deadline);
// Sleeps the current thread until deadline (or until it is killed).
void thread_sleep_until(zx_time_t deadline);

#endif  // CORE_TIMER_H_
