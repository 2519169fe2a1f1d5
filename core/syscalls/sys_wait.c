// zx_object_wait_one and zx_object_wait_many: block until handles' objects have one of
// the signals, or the deadline passes.
#include <janus/arch.h>
#include "core/object/process.h"
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/object/signals.h"
#include "core/syscalls/syscall_table.h"

zx_status_t sys_object_wait_one(zx_handle_t handle, zx_signals_t signals, zx_time_t deadline,
                                user_out_ptr_t observed) {
  struct kobject *obj;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_WAIT, &obj, NULL);
  if (status != ZX_OK) return status;
  zx_signals_t seen = 0;
  status = object_wait(obj, signals, deadline, &seen);
  kobject_unref(obj);
  if (observed.addr && arch_copy_to_user(observed.addr, &seen, sizeof seen) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  return status;
}

zx_status_t sys_object_wait_many(user_out_ptr_t user_items, size_t count, zx_time_t deadline) {
  if (count > ZX_WAIT_MANY_MAX_ITEMS) return ZX_ERR_OUT_OF_RANGE;
  zx_wait_item_t items[ZX_WAIT_MANY_MAX_ITEMS];
  if (count && arch_copy_from_user(items, user_items.addr, count * sizeof items[0]) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  struct kobject *objs[ZX_WAIT_MANY_MAX_ITEMS];
  zx_signals_t masks[ZX_WAIT_MANY_MAX_ITEMS], seen[ZX_WAIT_MANY_MAX_ITEMS];
  zx_status_t status = ZX_OK;
  size_t got = 0;
  for (; got < count; got++) {
    status = handle_get(items[got].handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_WAIT, &objs[got], NULL);
    if (status != ZX_OK) break;
    masks[got] = items[got].waitfor;
  }
  if (status == ZX_OK) status = object_wait_many(objs, masks, count, deadline, seen);
  for (size_t i = 0; i < got; i++) kobject_unref(objs[i]);
  if (status != ZX_OK && status != ZX_ERR_TIMED_OUT) return status;
  for (size_t i = 0; i < count; i++) items[i].pending = seen[i];
  if (count && arch_copy_to_user(user_items.addr, items, count * sizeof items[0]) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  return status;
}
