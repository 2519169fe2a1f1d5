// The base of every kernel object: a type, a koid and a reference count. Concrete
// objects embed struct kobject first and free themselves in ops->destroy, which runs
// exactly once, when the last reference goes.
#ifndef JANUS_OBJECT_H_
#define JANUS_OBJECT_H_

#include <janus/spinlock.h>
#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

struct kobject;

struct kobject_ops {
  void (*destroy)(struct kobject *obj);
};

struct kobject {
  zx_obj_type_t type;  // never ZX_OBJ_TYPE_NONE
  zx_koid_t koid;      // unique for the kernel's lifetime, never reused
  uint32_t refcount;   // touched only through __atomic builtins
  const struct kobject_ops *ops;
  // Signals, the threads waiting on them, and zx_object_wait_async's observers (a
  // list of their own, so that a signal with none pays one test: core/object/signals.c).
  spinlock_t signal_lock;
  zx_signals_t signals;
  struct object_waiter *waiters;
  struct object_waiter *observers;
};

// First koid handed out; lower values stay free for fixed ids (ZX_KOID_INVALID = 0).
#define KOBJECT_FIRST_KOID 1024u

// Sets up obj with one reference (the caller's) and a fresh koid.
void kobject_init(struct kobject *obj, zx_obj_type_t type, const struct kobject_ops *ops);
void kobject_ref(struct kobject *obj);
// A new reference unless the last one is already gone (the object is being
// destroyed): for objects found in a list that holds no reference.
bool kobject_ref_unless_zero(struct kobject *obj);
// Drops a reference; the last one calls ops->destroy. Never call it with a spinlock
// held: destroy may free memory or drop references to other objects.
void kobject_unref(struct kobject *obj);
// Objects initialized and not yet destroyed (leak checks in tests).
uint64_t kobject_live_count(void);

#endif  // JANUS_OBJECT_H_
