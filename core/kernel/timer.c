#include "core/kernel/timer.h"

#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/spinlock.h>
#include <janus/thread.h>

static struct {
  spinlock_t lock;
  struct timer *head;
} timer_lists[MAX_CPUS];

// The nearest deadline of cpu's timers not yet fired (its list locked).
static zx_time_t earliest_locked(unsigned cpu) {
  zx_time_t earliest = ZX_TIME_INFINITE;
  for (struct timer *t = timer_lists[cpu].head; t; t = t->next)
    if (!t->fired && t->deadline < earliest) earliest = t->deadline;
  return earliest;
}

void timer_arm(struct timer *timer, struct thread *thread, zx_time_t deadline) {
  timer->thread = thread;
  timer->deadline = deadline;
  timer->fired = false;
  timer->armed = deadline != ZX_TIME_INFINITE;
  if (!timer->armed) return;
  unsigned cpu = thread->cpu;
  irq_state_t state = spin_lock_irqsave(&timer_lists[cpu].lock);
  timer->next = timer_lists[cpu].head;
  timer_lists[cpu].head = timer;
  // Threads arm their own timers, so this is their CPU; another CPU's timer would
  // still be met on its next tick.
  if (cpu == arch_cpu_index()) arch_timer_set_deadline(earliest_locked(cpu));
  spin_unlock_irqrestore(&timer_lists[cpu].lock, state);
}

void timer_cancel(struct timer *timer) {
  if (!timer->armed) return;
  unsigned cpu = timer->thread->cpu;
  irq_state_t state = spin_lock_irqsave(&timer_lists[cpu].lock);
  for (struct timer **link = &timer_lists[cpu].head; *link; link = &(*link)->next) {
    if (*link == timer) {
      *link = timer->next;
      break;
    }
  }
  timer->armed = false;
  spin_unlock_irqrestore(&timer_lists[cpu].lock, state);
}

void timer_tick(void) {
  unsigned cpu = arch_cpu_index();
  zx_time_t now = arch_monotonic_ns();
  spin_lock(&timer_lists[cpu].lock);  // interrupts are masked in the tick
  for (struct timer *t = timer_lists[cpu].head; t; t = t->next) {
    if (!t->fired && t->deadline <= now) {
      t->fired = true;
      sched_wake(t->thread);
    }
  }
  arch_timer_set_deadline(earliest_locked(cpu));
  spin_unlock(&timer_lists[cpu].lock);
}

zx_status_t thread_block_locked(spinlock_t *lock, irq_state_t *state, zx_time_t deadline) {
  struct thread *self = thread_current();
  // BLOCKED (under the lock the ordinary waker takes) before the checks, so a kill
  // or a timer, which wake without that lock, cannot slip between check and sleep.
  self->state = THREAD_BLOCKED;
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  zx_status_t status = arch_monotonic_ns() >= deadline ? ZX_ERR_TIMED_OUT
                       : self->killed                   ? ZX_ERR_CANCELED
                                                        : ZX_OK;
  if (status != ZX_OK) sched_wake(self);  // back to ready through the scheduler
  spin_unlock_irqrestore(lock, *state);
  sched_block();
  *state = spin_lock_irqsave(lock);
  return status;
}

void thread_sleep_until(zx_time_t deadline) {
  struct thread *self = thread_current();
  struct timer timer;
  timer_arm(&timer, self, deadline);
  for (;;) {
    // BLOCKED before the checks: a kill or the timer that comes after them sees it
    // and wakes us; one that came before is seen by them.
    irq_state_t state = arch_irq_save();
    self->state = THREAD_BLOCKED;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool done = arch_monotonic_ns() >= deadline || self->killed;
    if (done) sched_wake(self);  // back to ready through the scheduler: a waker may race us
    arch_irq_restore(state);
    sched_block();
    if (done) break;
  }
  timer_cancel(&timer);
}
