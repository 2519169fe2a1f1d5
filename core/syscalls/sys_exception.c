// zx_task_create_exception_channel, zx_exception_get_thread/_process, and
// zx_thread_read_state/_write_state (general registers of a thread stopped in an
// exception).
#include <janus/arch.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <zircon/rights.h>
#include <zircon/syscalls/debug.h>

#include "core/object/exception.h"
#include "core/object/handle_get.h"
#include "core/syscalls/handle_out.h"
#include "core/syscalls/syscall_table.h"

// What the user's end of an exception channel may do: read it and wait on it.
#define EXCEPTION_CHANNEL_RIGHTS (ZX_RIGHT_TRANSFER | ZX_RIGHT_WAIT | ZX_RIGHT_READ)
#define TASK_RIGHTS \
  (ZX_RIGHT_INSPECT | ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_MANAGE_THREAD)

zx_status_t sys_task_create_exception_channel(zx_handle_t handle, uint32_t options,
                                              user_out_ptr_t out) {
  if (options & ~ZX_EXCEPTION_CHANNEL_DEBUGGER) return ZX_ERR_INVALID_ARGS;
  struct kobject *task;
  zx_rights_t rights;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, 0, &task, &rights);
  if (status != ZX_OK) return status;
  bool thread = task->type == ZX_OBJ_TYPE_THREAD;
  zx_rights_t needed = TASK_RIGHTS | (thread ? 0 : ZX_RIGHT_ENUMERATE);
  if (!thread && task->type != ZX_OBJ_TYPE_PROCESS && task->type != ZX_OBJ_TYPE_JOB)
    status = ZX_ERR_WRONG_TYPE;
  else if ((rights & needed) != needed) status = ZX_ERR_ACCESS_DENIED;
  else if (options && task->type != ZX_OBJ_TYPE_PROCESS)
    status = ZX_ERR_INVALID_ARGS;  // the debugger channel is a process's
  struct kobject *user_end = NULL;
  if (status == ZX_OK) status = exception_channel_create(task, options != 0, &user_end);
  if (status == ZX_OK) {
    status = handle_out(user_end, EXCEPTION_CHANNEL_RIGHTS, out, NULL);
    kobject_unref(user_end);  // closing it unbinds the slot
  }
  kobject_unref(task);
  return status;
}

static zx_status_t get_task(zx_handle_t handle, user_out_ptr_t out, bool process) {
  struct exception *e;
  zx_status_t status = handle_get_exception(handle, 0, &e, NULL);
  if (status != ZX_OK) return status;
  struct kobject *task;
  zx_rights_t rights;
  if (process) {
    struct process *p = NULL;
    status = exception_get_process(e, &p);
    task = p ? &p->obj : NULL;
    rights = ZX_DEFAULT_PROCESS_RIGHTS;
  } else {
    struct thread *t = NULL;
    status = exception_get_thread(e, &t);
    task = t ? &t->obj : NULL;
    rights = ZX_DEFAULT_THREAD_RIGHTS;
  }
  if (status == ZX_OK) {
    status = handle_out(task, rights, out, NULL);
    kobject_unref(task);
  }
  kobject_unref((struct kobject *)e);
  return status;
}

zx_status_t sys_exception_get_thread(zx_handle_t handle, user_out_ptr_t out) {
  return get_task(handle, out, false);
}

zx_status_t sys_exception_get_process(zx_handle_t handle, user_out_ptr_t out) {
  return get_task(handle, out, true);
}

// What both state calls check, in Zircon's order: the handle (with right), the kind,
// the buffer's size.
static zx_status_t state_thread(zx_handle_t handle, zx_rights_t right, uint32_t kind,
                                size_t buffer_size, struct thread **out) {
  zx_status_t status = handle_get_thread(handle, right, out, NULL);
  if (status != ZX_OK) return status;
  if (kind != ZX_THREAD_STATE_GENERAL_REGS) status = ZX_ERR_INVALID_ARGS;
  else if (buffer_size < sizeof(zx_thread_state_general_regs_t)) status = ZX_ERR_BUFFER_TOO_SMALL;
  if (status != ZX_OK) kobject_unref(&(*out)->obj);
  return status;
}

zx_status_t sys_thread_read_state(zx_handle_t handle, uint32_t kind, user_out_ptr_t buffer,
                                  size_t buffer_size) {
  struct thread *t;
  zx_status_t status = state_thread(handle, ZX_RIGHT_READ, kind, buffer_size, &t);
  if (status != ZX_OK) return status;
  zx_thread_state_general_regs_t regs;
  status = exception_read_regs(t, &regs);
  kobject_unref(&t->obj);
  if (status == ZX_OK && arch_copy_to_user(buffer.addr, &regs, sizeof regs) != ZX_OK)
    status = ZX_ERR_INVALID_ARGS;
  return status;
}

zx_status_t sys_thread_write_state(zx_handle_t handle, uint32_t kind, user_in_ptr_t buffer,
                                   size_t buffer_size) {
  struct thread *t;
  zx_status_t status = state_thread(handle, ZX_RIGHT_WRITE, kind, buffer_size, &t);
  if (status != ZX_OK) return status;
  zx_thread_state_general_regs_t regs;
  if (arch_copy_from_user(&regs, buffer.addr, sizeof regs) != ZX_OK) status = ZX_ERR_INVALID_ARGS;
  else status = exception_write_regs(t, &regs);
  kobject_unref(&t->obj);
  return status;
}
