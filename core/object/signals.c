// Signals and waiting. A waiter lives on the waiting thread's stack; whoever
// satisfies it (object_signal) or times it out (the tick, timer.c) wakes the
// thread, which then unlinks itself. Threads stay on their CPU, so a wakeup
// racing with the thread going to sleep is harmless (see sched.c).
#include "core/object/signals.h"
#include <janus/testing.h>

#include <janus/arch.h>
#include <janus/thread.h>

#include "core/kernel/timer.h"

struct object_waiter {
  struct thread *thread;
  zx_signals_t mask;
  volatile bool satisfied;
  struct object_waiter *next;
};

zx_signals_t object_signals(struct kobject *obj) {
  return __atomic_load_n(&obj->signals, __ATOMIC_ACQUIRE);
}

void object_signal(struct kobject *obj, zx_signals_t clear, zx_signals_t set) {
  irq_state_t state = spin_lock_irqsave(&obj->signal_lock);
  zx_signals_t signals = (obj->signals & ~clear) | set;
  __atomic_store_n(&obj->signals, signals, __ATOMIC_RELEASE);
  for (struct object_waiter *w = obj->waiters; w; w = w->next) {
    if (!w->satisfied && signals & w->mask) {
      w->satisfied = true;
      sched_wake(w->thread);
    }
  }
  spin_unlock_irqrestore(&obj->signal_lock, state);
}

static void unlink_waiter(struct kobject *obj, struct object_waiter *waiter) {
  for (struct object_waiter **link = &obj->waiters; *link; link = &(*link)->next) {
    if (*link == waiter) {
      *link = waiter->next;
      return;
    }
  }
}

zx_status_t object_wait(struct kobject *obj, zx_signals_t mask, zx_time_t deadline,
                        zx_signals_t *observed) {
  struct thread *self = thread_current();
  struct object_waiter waiter = {.thread = self, .mask = mask};
  struct timer timer;
  irq_state_t state = spin_lock_irqsave(&obj->signal_lock);
  waiter.next = obj->waiters;
  obj->waiters = &waiter;
  timer_arm(&timer, self, deadline);
  zx_status_t status = ZX_OK;
  while (!(obj->signals & mask) && status == ZX_OK)
    status = thread_block_locked(&obj->signal_lock, &state, deadline);
  unlink_waiter(obj, &waiter);
  if (observed) *observed = obj->signals;
  spin_unlock_irqrestore(&obj->signal_lock, state);
  timer_cancel(&timer);
  return status;
}
