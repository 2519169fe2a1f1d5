// zx_object_wait_one: block until a handle's object has one of the signals, or the
// deadline passes.
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
