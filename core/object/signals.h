// Signals on kernel objects (ZX_*_TERMINATED, ...), the threads waiting for them, and
// the observers zx_object_wait_async leaves on them for a port (core/object/port.c).
#ifndef CORE_SIGNALS_H_
#define CORE_SIGNALS_H_

#include <stdbool.h>
#include <stddef.h>
#include <zircon/types.h>

#include <janus/object.h>

// A thread blocked in a wait (thread set; on the object's waiters), or a port's
// observer (thread NULL; on its observers). Linked under the object's signal_lock.
struct object_waiter {
  struct thread *thread;
  zx_signals_t mask;
  zx_signals_t observed;    // an observer: the signals when it fired
  volatile bool satisfied;  // a thread: one of mask's signals came
  struct object_waiter *next;
};

// Clears then sets signal bits, waking every waiter whose mask now matches and firing
// (once) every observer one of whose signals rose.
void object_signal(struct kobject *obj, zx_signals_t clear, zx_signals_t set);
// Blocks the current thread until obj has one of mask's signals (ZX_OK) or the
// monotonic deadline passes (ZX_ERR_TIMED_OUT); *observed gets the signals then.
// A killed thread stops waiting with ZX_ERR_CANCELED.
zx_status_t object_wait(struct kobject *obj, zx_signals_t mask, zx_time_t deadline,
                        zx_signals_t *observed);
// The same for n objects at once: returns when any objs[i] has one of masks[i]'s
// signals; observed[i] gets every object's signals then. waiters: n of them, the
// caller's (kept off the kernel stack: 64 would take 2 KiB of it).
zx_status_t object_wait_many(struct kobject *const *objs, const zx_signals_t *masks, size_t n,
                             zx_time_t deadline, zx_signals_t *observed,
                             struct object_waiter *waiters);

// Leaves observer w (mask set) on obj. Level-triggered (edge false): when obj already
// has one of its signals it is not linked and the call returns true (the caller fires
// it). Otherwise it fires from object_signal when one of its signals rises.
bool object_observe(struct kobject *obj, struct object_waiter *w, bool edge);
// Unlinks the observers for which match(w, ctx) holds and hands them to done(w) after
// the lock is dropped; returns how many.
size_t object_unobserve(struct kobject *obj, bool (*match)(struct object_waiter *w, void *ctx),
                        void *ctx, void (*done)(struct object_waiter *w));
// A handle to obj was closed (handle_table.c): the zx_object_wait_async waits made
// through it end (core/object/port.c).
void object_handle_closed(struct kobject *obj, const void *table, zx_handle_t h);
// From kobject_unref's last drop: obj's remaining observers go (no thread waits on an
// object nobody references).
void object_drop_observers(struct kobject *obj);

#endif  // CORE_SIGNALS_H_
