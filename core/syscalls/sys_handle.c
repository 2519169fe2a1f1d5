// zx_handle_duplicate and zx_handle_replace (zx_handle_close is in core/syscalls/sys_process.c).
#include <janus/arch.h>
#include "core/object/process.h"

#include "core/syscalls/syscall_table.h"

// Hands a new handle to user space; a faulting out pointer closes it again.
static zx_status_t copy_out_handle(struct handle_table *ht, user_out_ptr_t out, zx_handle_t h) {
  if (arch_copy_to_user(out.addr, &h, sizeof h) == ZX_OK) return ZX_OK;
  handle_table_close(ht, h);
  return ZX_ERR_INVALID_ARGS;
}

zx_status_t sys_handle_duplicate(zx_handle_t handle, zx_rights_t rights, user_out_ptr_t out) {
  struct handle_table *ht = process_current()->handles;
  zx_handle_t dup;
  zx_status_t status = handle_table_duplicate(ht, handle, rights, &dup);
  if (status != ZX_OK) return status;
  return copy_out_handle(ht, out, dup);
}

zx_status_t sys_handle_replace(zx_handle_t handle, zx_rights_t rights, user_out_ptr_t out) {
  struct handle_table *ht = process_current()->handles;
  zx_handle_t replacement;
  zx_status_t status = handle_table_replace(ht, handle, rights, &replacement);
  if (status != ZX_OK) return status;
  return copy_out_handle(ht, out, replacement);
}
