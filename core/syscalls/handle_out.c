#include "core/syscalls/handle_out.h"

#include <janus/arch.h>
#include "core/object/process.h"

zx_status_t handle_out(struct kobject *obj, zx_rights_t rights, user_out_ptr_t out,
                       zx_handle_t *handle) {
  struct handle_table *ht = process_current()->handles;
  zx_handle_t h;
  zx_status_t status = handle_table_add(ht, obj, rights, &h);
  if (status != ZX_OK) return status;
  if (arch_copy_to_user(out.addr, &h, sizeof h) != ZX_OK) {
    handle_table_close(ht, h);
    return ZX_ERR_INVALID_ARGS;
  }
  if (handle) *handle = h;
  return ZX_OK;
}

zx_status_t handle_pair_out(struct kobject *a, struct kobject *b, zx_rights_t rights,
                            user_out_ptr_t out0, user_out_ptr_t out1) {
  zx_handle_t h0;
  zx_status_t status = handle_out(a, rights, out0, &h0);
  if (status != ZX_OK) return status;
  status = handle_out(b, rights, out1, NULL);
  if (status != ZX_OK) handle_table_close(process_current()->handles, h0);
  return status;
}
