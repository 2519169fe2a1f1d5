#include "core/timer.h"

#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/spinlock.h>
#include <janus/thread.h>

static struct {
  spinlock_t lock;
  struct timer *head;
} timer_lists[MAX_CPUS];

void timer_arm(struct timer *timer, struct thread *thread, zx_time_t deadline) {
  timer->thread = thread;
  timer->deadline = deadline;
  timer->armed = deadline != ZX_TIME_INFINITE;
  if (!timer->armed) return;
  unsigned cpu = thread->cpu;
  irq_state_t state = spin_lock_irqsave(&timer_lists[cpu].lock);
  timer->next = timer_lists[cpu].head;
  timer_lists[cpu].head = timer;
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
  for (struct timer *t = timer_lists[cpu].head; t; t = t->next)
    if (t->deadline <= now) sched_wake(t->thread);
  spin_unlock(&timer_lists[cpu].lock);
}

zx_status_t thread_block_locked(spinlock_t *lock, irq_state_t *state, zx_time_t deadline) {
  struct thread *self = thread_current();
  if (arch_monotonic_ns() >= deadline) return ZX_ERR_TIMED_OUT;
  if (self->killed) return ZX_ERR_CANCELED;
  self->state = THREAD_BLOCKED;  // under the lock the waker takes to wake us
  spin_unlock_irqrestore(lock, *state);
  sched_block();
  *state = spin_lock_irqsave(lock);
  return ZX_OK;
}

void thread_sleep_until(zx_time_t deadline) {
  struct thread *self = thread_current();
  struct timer timer;
  timer_arm(&timer, self, deadline);
  while (arch_monotonic_ns() < deadline && !self->killed) {
    irq_state_t state = arch_irq_save();
    self->state = THREAD_BLOCKED;
    arch_irq_restore(state);
    sched_block();
  }
  timer_cancel(&timer);
}
