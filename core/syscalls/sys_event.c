// zx_event_create, zx_eventpair_create, zx_object_signal and zx_object_signal_peer, with Zircon's semantics: any waitable object
// takes the user signals (ZX_USER_SIGNAL_0..7); an event also ZX_EVENT_SIGNALED.
#include <janus/arch.h>
#include "core/object/process.h"
#include <stdlib.h>
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/syscalls/handle_out.h"
#include "core/object/event.h"
#include "core/object/eventpair.h"
#include "core/object/signals.h"
#include "core/syscalls/syscall_table.h"
#include "core/vm/slab.h"

static struct slab_cache event_cache = SLAB_CACHE("event", sizeof(struct kobject));

static void event_destroy(struct kobject *obj) { slab_free(&event_cache, obj); }

static const struct kobject_ops event_ops = {.destroy = event_destroy};

zx_status_t event_create(struct kobject **out) {
  struct kobject *event = slab_alloc(&event_cache);  // an event is a bare object
  if (!event) return ZX_ERR_NO_MEMORY;
  kobject_init(event, ZX_OBJ_TYPE_EVENT, &event_ops);
  *out = event;
  return ZX_OK;
}

zx_status_t sys_event_create(uint32_t options, user_out_ptr_t out) {
  if (options) return ZX_ERR_INVALID_ARGS;
  struct kobject *event;
  zx_status_t status = event_create(&event);
  if (status != ZX_OK) return status;
  status = handle_out(event, ZX_DEFAULT_EVENT_RIGHTS, out, NULL);
  kobject_unref(event);  // the handle holds its own reference
  return status;
}

// The signals zx_object_signal(_peer) may change on obj: the user signals, and the
// SIGNALED bit of events and eventpairs. A VMAR (Zircon's one object that is not
// waitable) and a port have none.
static zx_status_t settable_signals(const struct kobject *obj, zx_signals_t *allowed) {
  if (obj->type == ZX_OBJ_TYPE_VMAR || obj->type == ZX_OBJ_TYPE_PORT) return ZX_ERR_NOT_SUPPORTED;
  bool signaled = obj->type == ZX_OBJ_TYPE_EVENT || obj->type == ZX_OBJ_TYPE_EVENTPAIR;
  *allowed = ZX_USER_SIGNAL_ALL | (signaled ? ZX_EVENT_SIGNALED : 0);
  return ZX_OK;
}

zx_status_t sys_object_signal(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
  struct kobject *obj;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SIGNAL, &obj, NULL);
  if (status != ZX_OK) return status;
  zx_signals_t allowed;
  status = settable_signals(obj, &allowed);
  if (status == ZX_OK && (clear_mask | set_mask) & ~allowed) status = ZX_ERR_INVALID_ARGS;
  if (status == ZX_OK) object_signal(obj, clear_mask, set_mask);
  kobject_unref(obj);
  return status;
}

// Channels and eventpairs have peers (core/object/peer.c); other objects do not.
zx_status_t sys_object_signal_peer(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
  struct kobject *obj;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SIGNAL_PEER, &obj, NULL);
  if (status != ZX_OK) return status;
  zx_signals_t allowed;
  if (obj->type != ZX_OBJ_TYPE_CHANNEL && obj->type != ZX_OBJ_TYPE_EVENTPAIR)
    status = ZX_ERR_NOT_SUPPORTED;
  else if ((status = settable_signals(obj, &allowed)) == ZX_OK && (clear_mask | set_mask) & ~allowed)
    status = ZX_ERR_INVALID_ARGS;
  if (status == ZX_OK) status = peered_signal_peer((struct peered *)obj, clear_mask, set_mask);
  kobject_unref(obj);
  return status;
}

zx_status_t sys_eventpair_create(uint32_t options, user_out_ptr_t out0, user_out_ptr_t out1) {
  if (options) return ZX_ERR_INVALID_ARGS;
  struct peered *a, *b;
  zx_status_t status = eventpair_create(&a, &b);
  if (status != ZX_OK) return status;
  status = handle_pair_out(&a->obj, &b->obj, ZX_DEFAULT_EVENTPAIR_RIGHTS, out0, out1);
  kobject_unref(&a->obj);
  kobject_unref(&b->obj);
  return status;
}
