// zx_timer_create, zx_timer_set, zx_timer_cancel.
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/object/timer_object.h"
#include "core/syscalls/handle_out.h"
#include "core/syscalls/syscall_table.h"

zx_status_t sys_timer_create(uint32_t options, zx_clock_t clock_id, user_out_ptr_t out) {
  if (options > ZX_TIMER_SLACK_LATE ||
      (clock_id != ZX_CLOCK_MONOTONIC && clock_id != ZX_CLOCK_BOOT))
    return ZX_ERR_INVALID_ARGS;
  struct timer_object *t;
  zx_status_t status = timer_object_create(options, &t);
  if (status != ZX_OK) return status;
  status = handle_out((struct kobject *)t, ZX_DEFAULT_TIMER_RIGHTS, out, NULL);
  kobject_unref((struct kobject *)t);
  return status;
}

zx_status_t sys_timer_set(zx_handle_t handle, zx_time_t deadline, zx_duration_t slack) {
  struct timer_object *t;
  zx_status_t status = handle_get_timer_object(handle, ZX_RIGHT_WRITE, &t, NULL);
  if (status != ZX_OK) return status;
  if (slack < 0) status = ZX_ERR_OUT_OF_RANGE;
  else timer_object_set(t, deadline, slack);
  kobject_unref((struct kobject *)t);
  return status;
}

zx_status_t sys_timer_cancel(zx_handle_t handle) {
  struct timer_object *t;
  zx_status_t status = handle_get_timer_object(handle, ZX_RIGHT_WRITE, &t, NULL);
  if (status != ZX_OK) return status;
  timer_object_cancel(t);
  kobject_unref((struct kobject *)t);
  return status;
}
