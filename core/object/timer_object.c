// The last reference cancels a pending deadline (and waits out a fire running on
// another CPU); the generation tells a fire that raced a set or cancel to do nothing.
#include "core/object/timer_object.h"

#include <janus/arch.h>
#include <janus/spinlock.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/kernel/timer.h"
#include "core/object/signals.h"

struct timer_object {
  struct kobject obj;
  spinlock_t lock;
  struct timer timer;
  uint32_t options;     // the slack mode (ZX_TIMER_SLACK_*)
  uint64_t generation;  // advances with every set and cancel
  uint64_t armed_generation;
};

static void timer_object_destroy(struct kobject *obj) {
  struct timer_object *t = (struct timer_object *)obj;
  timer_cancel_sync(&t->timer);
  free(t);
}

static const struct kobject_ops timer_object_ops = {.destroy = timer_object_destroy};

zx_status_t timer_object_create(uint32_t options, struct timer_object **out) {
  struct timer_object *t = calloc(1, sizeof *t);
  if (!t) return ZX_ERR_NO_MEMORY;
  kobject_init(&t->obj, ZX_OBJ_TYPE_TIMER, &timer_object_ops);
  t->options = options;
  *out = t;
  return ZX_OK;
}

static void fire(struct timer *timer) {
  struct timer_object *t =
      (struct timer_object *)((char *)timer - offsetof(struct timer_object, timer));
  irq_state_t state = spin_lock_irqsave(&t->lock);
  if (t->armed_generation == t->generation) object_signal(&t->obj, 0, ZX_TIMER_SIGNALED);
  spin_unlock_irqrestore(&t->lock, state);
}

static void disarm_locked(struct timer_object *t) {
  t->generation++;
  object_signal(&t->obj, ZX_TIMER_SIGNALED, 0);
  timer_cancel(&t->timer);
}

void timer_object_set(struct timer_object *t, zx_time_t deadline, zx_duration_t slack) {
  (void)slack;  // firing at the deadline satisfies every slack mode
  irq_state_t state = spin_lock_irqsave(&t->lock);
  disarm_locked(t);
  if (deadline <= arch_monotonic_ns()) {
    object_signal(&t->obj, 0, ZX_TIMER_SIGNALED);
  } else {
    t->armed_generation = t->generation;
    timer_arm_call(&t->timer, deadline, fire);
  }
  spin_unlock_irqrestore(&t->lock, state);
}

void timer_object_cancel(struct timer_object *t) {
  irq_state_t state = spin_lock_irqsave(&t->lock);
  disarm_locked(t);
  spin_unlock_irqrestore(&t->lock, state);
}
