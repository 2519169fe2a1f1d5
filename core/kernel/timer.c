#include "core/kernel/timer.h"

#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/spinlock.h>
#include <janus/thread.h>

#include "core/kernel/sched_internal.h"

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

static void arm(struct timer *timer, unsigned cpu, zx_time_t deadline) {
  timer->deadline = deadline;
  timer->fired = false;
  timer->cpu = cpu;
  timer->armed = deadline != ZX_TIME_INFINITE;
  if (!timer->armed) return;
  irq_state_t state = spin_lock_irqsave(&timer_lists[cpu].lock);
  timer->next = timer_lists[cpu].head;
  timer_lists[cpu].head = timer;
  // Threads arm their own timers, so this is their CPU; another CPU's timer would
  // still be met on its next tick.
  if (cpu == arch_cpu_index()) arch_timer_set_deadline(earliest_locked(cpu));
  spin_unlock_irqrestore(&timer_lists[cpu].lock, state);
}

void timer_arm(struct timer *timer, struct thread *thread, zx_time_t deadline) {
  timer->thread = thread;
  timer->fire = NULL;
  arm(timer, thread->cpu, deadline);
}

void timer_arm_call(struct timer *timer, zx_time_t deadline, void (*fire)(struct timer *)) {
  timer->thread = NULL;
  timer->fire = fire;
  irq_state_t state = arch_irq_save();  // stay on this CPU while choosing it
  arm(timer, arch_cpu_index(), deadline);
  arch_irq_restore(state);
}

bool timer_cancel(struct timer *timer) {
  // Only the interrupt clears armed behind the owner's back, and never sets it: a
  // timer seen unarmed stays so (the common case: a wait without a deadline).
  if (!__atomic_load_n(&timer->armed, __ATOMIC_ACQUIRE)) return false;
  unsigned cpu = timer->cpu;
  bool pending = false;
  irq_state_t state = spin_lock_irqsave(&timer_lists[cpu].lock);
  if (timer->armed) {
    for (struct timer **link = &timer_lists[cpu].head; *link; link = &(*link)->next) {
      if (*link == timer) {
        *link = timer->next;
        break;
      }
    }
    pending = !timer->fired;
    timer->armed = false;
  }
  spin_unlock_irqrestore(&timer_lists[cpu].lock, state);
  return pending;
}

void timer_tick(void) {
  unsigned cpu = arch_cpu_index();
  zx_time_t now = arch_monotonic_ns();
  struct timer *calls = NULL;
  spin_lock(&timer_lists[cpu].lock);  // interrupts are masked in the tick
  for (struct timer **link = &timer_lists[cpu].head, *t; (t = *link);) {
    if (t->fired || t->deadline > now) {
      link = &t->next;
    } else if (t->thread) {
      t->fired = true;  // stays listed until its thread cancels it
      sched_wake(t->thread);
      link = &t->next;
    } else {  // a call: off the list, run below without the lock
      *link = t->next;
      t->armed = false;
      t->firing = true;
      t->next = calls;
      calls = t;
    }
  }
  arch_timer_set_deadline(earliest_locked(cpu));
  spin_unlock(&timer_lists[cpu].lock);
  while (calls) {
    struct timer *t = calls;
    calls = t->next;
    t->fire(t);
    __atomic_store_n(&t->firing, false, __ATOMIC_RELEASE);  // its last touch of t
  }
}

void timer_cancel_sync(struct timer *timer) {
  timer_cancel(timer);
  while (__atomic_load_n(&timer->firing, __ATOMIC_ACQUIRE)) arch_cpu_relax();
}

zx_status_t thread_block_locked(spinlock_t *lock, irq_state_t *state, zx_time_t deadline) {
  struct thread *self = thread_current();
  // BLOCKED (under the lock the ordinary waker takes) before the checks, so a kill
  // or a timer, which wake without that lock, cannot slip between check and sleep.
  thread_set_state(self, THREAD_BLOCKED);
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
    thread_set_state(self, THREAD_BLOCKED);
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool done = arch_monotonic_ns() >= deadline || self->killed;
    if (done) sched_wake(self);  // back to ready through the scheduler: a waker may race us
    arch_irq_restore(state);
    sched_block();
    if (done) break;
  }
  timer_cancel(&timer);
}
