// zx_thread_create and zx_thread_start.
#include <janus/arch.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <string.h>
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/syscalls/syscall_table.h"

zx_status_t sys_thread_create(zx_handle_t process, user_in_ptr_t name, size_t name_size,
                              uint32_t options, user_out_ptr_t out) {
  if (options) return ZX_ERR_INVALID_ARGS;
  char thread_name[ZX_MAX_NAME_LEN] = {0};
  size_t n = name_size < sizeof thread_name - 1 ? name_size : sizeof thread_name - 1;
  if (!name.addr || arch_copy_from_user(thread_name, name.addr, n) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  struct process *self = process_current();
  struct process *p;
  zx_status_t status = handle_get_process(process, ZX_RIGHT_MANAGE_THREAD, &p, NULL);
  if (status != ZX_OK) return status;
  struct thread *t = NULL;
  if (p->state == PROCESS_DYING || p->state == PROCESS_DEAD)
    status = ZX_ERR_BAD_STATE;
  else
    status = thread_create_user(p, thread_name, &t);
  zx_handle_t handle = ZX_HANDLE_INVALID;
  if (status == ZX_OK) status = handle_table_add(self->handles, &t->obj, ZX_DEFAULT_THREAD_RIGHTS, &handle);
  if (status == ZX_OK && arch_copy_to_user(out.addr, &handle, sizeof handle) != ZX_OK) {
    handle_table_close(self->handles, handle);
    status = ZX_ERR_INVALID_ARGS;
  }
  if (t) kobject_unref(&t->obj);
  kobject_unref(&p->obj);
  return status;
}

zx_status_t sys_thread_start(zx_handle_t handle, zx_vaddr_t entry, zx_vaddr_t stack,
                             uintptr_t arg1, uintptr_t arg2) {
  struct thread *t;
  zx_status_t status = handle_get_thread(handle, ZX_RIGHT_WRITE, &t, NULL);
  if (status != ZX_OK) return status;
  if (!process_user_address(t->process, entry) ||
      (stack >= USER_ASPACE_END && !process_user_address(t->process, stack)))
    status = ZX_ERR_INVALID_ARGS;
  else  // zx_process_start starts a process's first thread
    status = process_start_thread(t->process, t, entry, stack, arg1, arg2, false);
  kobject_unref(&t->obj);
  return status;
}
