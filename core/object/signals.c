// Signals and waiting. A thread's waiter lives on its stack; whoever satisfies it
// (object_signal) or times it out (timer.c) wakes the thread, which then unlinks
// itself. Threads stay on their CPU, so a wakeup racing with the thread going to
// sleep is harmless (see sched.c). A port's observer is unlinked by whoever fires it
// and handed to the port only after the object's lock is dropped.
#include "core/object/signals.h"
#include <janus/testing.h>

#include <janus/arch.h>
#include <janus/thread.h>

#include "core/kernel/timer.h"
#include "core/object/port.h"

zx_signals_t object_signals(struct kobject *obj) {
  return __atomic_load_n(&obj->signals, __ATOMIC_ACQUIRE);
}

// Unlinks the observers of obj (locked) one of whose signals rose from old to signals;
// returns them, to be fired once the lock is dropped.
static struct object_waiter *take_risen_locked(struct kobject *obj, zx_signals_t old,
                                               zx_signals_t signals) {
  struct object_waiter *risen = NULL;
  for (struct object_waiter **link = &obj->observers, *w; (w = *link);) {
    if (signals & ~old & w->mask) {
      *link = w->next;
      w->observed = signals;
      w->next = risen;
      risen = w;
    } else {
      link = &w->next;
    }
  }
  return risen;
}

void object_signal(struct kobject *obj, zx_signals_t clear, zx_signals_t set) {
  struct object_waiter *risen = NULL;
  irq_state_t state = spin_lock_irqsave(&obj->signal_lock);
  zx_signals_t old = obj->signals;
  zx_signals_t signals = (old & ~clear) | set;
  __atomic_store_n(&obj->signals, signals, __ATOMIC_RELEASE);
  for (struct object_waiter *w = obj->waiters; w; w = w->next) {
    if (!w->satisfied && signals & w->mask) {
      w->satisfied = true;
      sched_wake(w->thread);
    }
  }
  if (__builtin_expect(obj->observers != NULL, 0)) risen = take_risen_locked(obj, old, signals);
  spin_unlock_irqrestore(&obj->signal_lock, state);
  while (__builtin_expect(risen != NULL, 0)) {
    struct object_waiter *w = risen;
    risen = w->next;
    port_observer_fire(w);
  }
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

// Whether any object has a signal it is waited for; every lock is taken in turn, so a
// signal set before its lock was taken here is seen, and one set after sees the
// thread BLOCKED and wakes it.
static bool any_satisfied(struct kobject *const *objs, const zx_signals_t *masks, size_t n) {
  bool any = false;
  for (size_t i = 0; i < n && !any; i++) {
    spin_lock(&objs[i]->signal_lock);
    any = objs[i]->signals & masks[i];
    spin_unlock(&objs[i]->signal_lock);
  }
  return any;
}

zx_status_t object_wait_many(struct kobject *const *objs, const zx_signals_t *masks, size_t n,
                             zx_time_t deadline, zx_signals_t *observed,
                             struct object_waiter *waiters) {
  struct thread *self = thread_current();
  if (n > ZX_WAIT_MANY_MAX_ITEMS) return ZX_ERR_OUT_OF_RANGE;
  for (size_t i = 0; i < n; i++) {
    waiters[i] = (struct object_waiter){.thread = self, .mask = masks[i]};
    irq_state_t state = spin_lock_irqsave(&objs[i]->signal_lock);
    waiters[i].next = objs[i]->waiters;
    objs[i]->waiters = &waiters[i];
    spin_unlock_irqrestore(&objs[i]->signal_lock, state);
  }
  struct timer timer;
  timer_arm(&timer, self, deadline);
  zx_status_t status = ZX_OK;
  for (;;) {
    irq_state_t state = arch_irq_save();
    self->state = THREAD_BLOCKED;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    bool done = true;
    if (any_satisfied(objs, masks, n)) status = ZX_OK;
    else if (arch_monotonic_ns() >= deadline) status = ZX_ERR_TIMED_OUT;
    else if (self->killed) status = ZX_ERR_CANCELED;
    else done = false;
    if (done) sched_wake(self);  // back to ready through the scheduler: a waker may race us
    arch_irq_restore(state);
    sched_block();
    if (done) break;
  }
  timer_cancel(&timer);
  for (size_t i = 0; i < n; i++) {
    irq_state_t state = spin_lock_irqsave(&objs[i]->signal_lock);
    unlink_waiter(objs[i], &waiters[i]);
    observed[i] = objs[i]->signals;
    spin_unlock_irqrestore(&objs[i]->signal_lock, state);
  }
  return status;
}

bool object_observe(struct kobject *obj, struct object_waiter *w, bool edge) {
  w->thread = NULL;
  irq_state_t state = spin_lock_irqsave(&obj->signal_lock);
  bool now = !edge && (obj->signals & w->mask);
  if (now) {
    w->observed = obj->signals;
  } else {
    w->next = obj->observers;
    obj->observers = w;
  }
  spin_unlock_irqrestore(&obj->signal_lock, state);
  return now;
}

size_t object_unobserve(struct kobject *obj, bool (*match)(struct object_waiter *w, void *ctx),
                        void *ctx, void (*done)(struct object_waiter *w)) {
  struct object_waiter *removed = NULL;
  size_t count = 0;
  irq_state_t state = spin_lock_irqsave(&obj->signal_lock);
  for (struct object_waiter **link = &obj->observers, *w; (w = *link);) {
    if (match(w, ctx)) {
      *link = w->next;
      w->next = removed;
      removed = w;
      count++;
    } else {
      link = &w->next;
    }
  }
  spin_unlock_irqrestore(&obj->signal_lock, state);
  while (removed) {
    struct object_waiter *w = removed;
    removed = w->next;
    done(w);
  }
  return count;
}

static bool match_all(struct object_waiter *w, void *ctx) {
  (void)w, (void)ctx;
  return true;
}

void object_drop_observers(struct kobject *obj) {
  object_unobserve(obj, match_all, NULL, port_observer_discard);
}
