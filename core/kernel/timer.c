// Each CPU's timers, in one list sorted by deadline: the nearest is the head (the
// hardware timer is programmed for it), the interrupt takes expired ones off the head,
// and a new one is placed by a walk from the tail, where a deadline a fixed time from
// now belongs (thousands of sleepers cost one step each, not one per timer).
#include "core/kernel/timer.h"

#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/spinlock.h>
#include <janus/thread.h>

#include "core/kernel/sched_internal.h"

// After an interrupt the next comes at least this much later: thousands of timers with
// deadlines a little apart (periodic sleepers) then share interrupts, at most this late,
// instead of taking one each (still far under the 10 ms tick).
#define TIMER_MIN_GAP_NS 100000

static struct timer_list {
  spinlock_t lock;
  struct timer *head, *tail;
} timer_lists[MAX_CPUS];

static zx_time_t earliest_locked(const struct timer_list *list) {
  return list->head ? list->head->deadline : ZX_TIME_INFINITE;
}

static void unlink_locked(struct timer_list *list, struct timer *t) {
  *(t->prev ? &t->prev->next : &list->head) = t->next;
  *(t->next ? &t->next->prev : &list->tail) = t->prev;
}

static void arm(struct timer *timer, unsigned cpu, zx_time_t deadline) {
  struct timer_list *list = &timer_lists[cpu];
  timer->deadline = deadline;
  timer->cpu = cpu;
  irq_state_t state = spin_lock_irqsave(&list->lock);
  struct timer *before = list->tail;
  while (before && before->deadline > deadline) before = before->prev;
  timer->prev = before;
  timer->next = before ? before->next : list->head;
  *(timer->next ? &timer->next->prev : &list->tail) = timer;
  *(before ? &before->next : &list->head) = timer;
  timer->armed = true;
  // Threads arm their own timers, so this is their CPU; another CPU's timer would
  // still be met on its next tick.
  if (!before && cpu == arch_cpu_index()) arch_timer_set_deadline(deadline);
  spin_unlock_irqrestore(&list->lock, state);
}

void timer_arm_deadline(struct timer *timer, struct thread *thread, zx_time_t deadline) {
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

bool timer_cancel_armed(struct timer *timer) {
  struct timer_list *list = &timer_lists[timer->cpu];
  bool pending = false;
  irq_state_t state = spin_lock_irqsave(&list->lock);
  if (timer->armed) {  // the interrupt may have taken it meanwhile
    unlink_locked(list, timer);
    timer->armed = false;
    pending = true;
  }
  spin_unlock_irqrestore(&list->lock, state);
  return pending;
}

void timer_tick(void) {
  struct timer_list *list = &timer_lists[arch_cpu_index()];
  zx_time_t now = arch_monotonic_ns();
  struct timer *calls = NULL, *t;
  spin_lock(&list->lock);  // interrupts are masked in the tick
  while ((t = list->head) && t->deadline <= now) {
    unlink_locked(list, t);
    struct thread *thread = t->thread;
    if (thread) {
      // Unarmed is the last touch: the owner's cancel may return and t go at once.
      __atomic_store_n(&t->armed, false, __ATOMIC_RELEASE);
      sched_wake(thread);
    } else {  // a call: run below without the lock; cancel_sync waits for it
      __atomic_add_fetch(&t->firing, 1, __ATOMIC_RELAXED);
      t->next_call = calls;
      calls = t;
      __atomic_store_n(&t->armed, false, __ATOMIC_RELEASE);
    }
  }
  zx_time_t next = earliest_locked(list);
  arch_timer_set_deadline(next - now < TIMER_MIN_GAP_NS ? now + TIMER_MIN_GAP_NS : next);
  spin_unlock(&list->lock);
  while (calls) {
    t = calls;
    calls = t->next_call;
    t->fire(t);
    __atomic_sub_fetch(&t->firing, 1, __ATOMIC_RELEASE);  // its last touch of t
  }
}

void timer_cancel_sync(struct timer *timer) {
  timer_cancel(timer);
  while (__atomic_load_n(&timer->firing, __ATOMIC_ACQUIRE)) arch_cpu_relax();
}

zx_status_t thread_block_locked(spinlock_t *lock, irq_state_t *state, zx_time_t deadline) {
  zx_status_t status = thread_block_unlock(lock, *state, deadline);
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
