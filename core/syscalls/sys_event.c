// zx_event_create and zx_object_signal, with Zircon's semantics: any waitable object
// takes the user signals (ZX_USER_SIGNAL_0..7); an event also ZX_EVENT_SIGNALED.
#include <janus/arch.h>
#include "core/object/process.h"
#include <stdlib.h>
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/object/event.h"
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
  struct handle_table *handles = process_current()->handles;
  zx_handle_t h;
  status = handle_table_add(handles, event, ZX_DEFAULT_EVENT_RIGHTS, &h);
  kobject_unref(event);  // the handle holds its own reference
  if (status != ZX_OK) return status;
  if (arch_copy_to_user(out.addr, &h, sizeof h) != ZX_OK) {
    handle_table_close(handles, h);
    return ZX_ERR_INVALID_ARGS;
  }
  return ZX_OK;
}

zx_status_t sys_object_signal(zx_handle_t handle, uint32_t clear_mask, uint32_t set_mask) {
  struct kobject *obj;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SIGNAL, &obj, NULL);
  if (status != ZX_OK) return status;
  zx_signals_t allowed = ZX_USER_SIGNAL_ALL | (obj->type == ZX_OBJ_TYPE_EVENT ? ZX_EVENT_SIGNALED : 0);
  if (obj->type == ZX_OBJ_TYPE_VMAR)  // the one object without signals (Zircon's !is_waitable)
    status = ZX_ERR_NOT_SUPPORTED;
  else if ((clear_mask | set_mask) & ~allowed)
    status = ZX_ERR_INVALID_ARGS;
  else
    object_signal(obj, clear_mask, set_mask);
  kobject_unref(obj);
  return status;
}
