// Deadlines for blocked threads: each CPU keeps the timers of its own threads and
// programs its hardware timer for the nearest one (arch_timer_set_deadline), so a
// deadline is met with the timer's resolution, not the 10 ms tick's.
#ifndef CORE_TIMER_H_
#define CORE_TIMER_H_

#include <janus/arch.h>
#include <janus/spinlock.h>
#include <janus/thread.h>
#include <janus/timer.h>  // timer_tick, from the tick interrupt
#include <stdbool.h>
#include <zircon/types.h>

#include "core/kernel/sched_internal.h"  // thread_set_state

struct timer {
  struct thread *thread;             // wakes this thread, or
  void (*fire)(struct timer *self);  // calls this (from the interrupt, no lock held)
  zx_time_t deadline;
  struct timer *next, *prev;  // its CPU's list, in deadline order
  struct timer *next_call;    // the interrupt's list of calls to make
  unsigned cpu;               // whose list it is on
  bool armed;                 // on that list (only the interrupt clears it behind the owner)
  volatile unsigned firing;   // call timers: fires running now
};

// Out of line: the waits with a deadline (timer_arm's slow path) and the cancels of a
// timer still armed.
void timer_arm_deadline(struct timer *timer, struct thread *thread, zx_time_t deadline);
bool timer_cancel_armed(struct timer *timer);

// Wakes thread at deadline (ZX_TIME_INFINITE: never, and nothing to do: most waits).
// Cancel before the timer's memory goes away.
static inline void timer_arm(struct timer *timer, struct thread *thread, zx_time_t deadline) {
  timer->armed = false;
  if (deadline != ZX_TIME_INFINITE) timer_arm_deadline(timer, thread, deadline);
}
// Calls fire(timer) once at deadline, from this CPU's timer interrupt (zx_timer).
void timer_arm_call(struct timer *timer, zx_time_t deadline, void (*fire)(struct timer *));
// True when the timer was still pending (for timer_arm_call: fire will not run). A
// timer seen unarmed stays so until its owner arms it: no lock for those.
static inline bool timer_cancel(struct timer *timer) {
  return __atomic_load_n(&timer->armed, __ATOMIC_ACQUIRE) && timer_cancel_armed(timer);
}
// timer_cancel, then waits for a fire already running on another CPU to return:
// afterwards the timer's memory may go.
void timer_cancel_sync(struct timer *timer);
// With lock held (interrupt state *state) and a timer armed for deadline: gives up the
// CPU until a wakeup, the deadline, or a kill. ZX_OK: woken (recheck the condition);
// ZX_ERR_TIMED_OUT or ZX_ERR_CANCELED: stop waiting. Returns with lock held again.
zx_status_t thread_block_locked(spinlock_t *lock, irq_state_t *state, zx_time_t deadline);
// The same, but returns with lock released (interrupts as in state): for a waiter that
// can tell without the lock that its waker is done with it (the futex's), and so needs
// the lock again only when it cannot. Inline: it is on every futex wait.
static inline zx_status_t thread_block_unlock(spinlock_t *lock, irq_state_t state,
                                              zx_time_t deadline) {
  struct thread *self = thread_current();
  // BLOCKED (under the lock the ordinary waker takes) before the checks, so a kill
  // or a timer, which wake without that lock, cannot slip between check and sleep.
  thread_set_state(self, THREAD_BLOCKED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  // An infinite deadline (most waits) needs no clock.
  zx_status_t status = ZX_OK;
  if (deadline != ZX_TIME_INFINITE && arch_monotonic_ns() >= deadline) status = ZX_ERR_TIMED_OUT;
  else if (self->killed) status = ZX_ERR_CANCELED;
  if (status != ZX_OK) sched_wake(self);  // back to ready through the scheduler
  spin_unlock_irqrestore(lock, state);
  sched_block();
  return status;
}
// Sleeps the current thread until deadline (or until it is killed).
void thread_sleep_until(zx_time_t deadline);

#endif  // CORE_TIMER_H_
