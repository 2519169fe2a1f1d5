// Kernel object lifetime: atomic reference counts and koid assignment.
#include <janus/object.h>

#include "core/object/signals.h"

static zx_koid_t next_koid = KOBJECT_FIRST_KOID;
static uint64_t live_objects;

void kobject_init(struct kobject *obj, zx_obj_type_t type, const struct kobject_ops *ops) {
  obj->type = type;
  obj->ops = ops;
  obj->koid = __atomic_fetch_add(&next_koid, 1, __ATOMIC_RELAXED);
  __atomic_store_n(&obj->refcount, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&live_objects, 1, __ATOMIC_RELAXED);
}

void kobject_ref(struct kobject *obj) {
  // Relaxed is enough: a new reference is always made from an existing one.
  __atomic_fetch_add(&obj->refcount, 1, __ATOMIC_RELAXED);
}

bool kobject_ref_unless_zero(struct kobject *obj) {
  uint32_t n = __atomic_load_n(&obj->refcount, __ATOMIC_RELAXED);
  while (n != 0)
    if (__atomic_compare_exchange_n(&obj->refcount, &n, n + 1, true, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED))
      return true;
  return false;
}

void kobject_unref(struct kobject *obj) {
  // Release orders this holder's writes before destroy; the acquire fence on the
  // last drop makes every other holder's writes visible to destroy.
  if (__atomic_fetch_sub(&obj->refcount, 1, __ATOMIC_RELEASE) != 1) return;
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  __atomic_fetch_sub(&live_objects, 1, __ATOMIC_RELAXED);
  // zx_object_wait_async's observers outlive no object (a waiting thread holds a
  // reference, so none is left).
  if (obj->observers) object_drop_observers(obj);
  obj->ops->destroy(obj);
}

uint64_t kobject_live_count(void) { return __atomic_load_n(&live_objects, __ATOMIC_RELAXED); }
