// zx_object_get_info's output conventions (see info_out.h).
#include "core/syscalls/info_out.h"

#include <janus/arch.h>
#include <stdlib.h>

zx_status_t info_copy_out_optional(user_out_ptr_t out, size_t value) {
  if (!out.addr) return ZX_OK;
  return arch_copy_to_user(out.addr, &value, sizeof value) == ZX_OK ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

zx_status_t info_single_record(user_out_ptr_t buffer, size_t buffer_size, user_out_ptr_t actual,
                               user_out_ptr_t avail, const void *record, size_t size) {
  size_t n = 1;
  if (buffer_size >= size) {
    if (arch_copy_to_user(buffer.addr, record, size) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  } else {
    n = 0;
  }
  zx_status_t status = info_copy_out_optional(actual, n);
  if (status == ZX_OK) status = info_copy_out_optional(avail, 1);
  if (status != ZX_OK) return status;
  return n ? ZX_OK : ZX_ERR_BUFFER_TOO_SMALL;
}

zx_status_t info_koid_list(void *obj, size_t (*list)(void *obj, zx_koid_t *koids, size_t max),
                           user_out_ptr_t buffer, size_t buffer_size, user_out_ptr_t actual,
                           user_out_ptr_t avail) {
  size_t max = buffer_size / sizeof(zx_koid_t);
  size_t count = list(obj, NULL, 0);
  size_t cap = count + 8 < max ? count + 8 : max;  // room for a few newcomers
  zx_koid_t *koids = cap ? malloc(cap * sizeof *koids) : NULL;
  if (cap && !koids) return ZX_ERR_NO_MEMORY;
  size_t total = list(obj, koids, cap);
  size_t n = total < cap ? total : cap;
  zx_status_t status = ZX_OK;
  if (n && arch_copy_to_user(buffer.addr, koids, n * sizeof *koids) != ZX_OK)
    status = ZX_ERR_INVALID_ARGS;
  free(koids);
  if (status == ZX_OK) status = info_copy_out_optional(actual, n);
  if (status == ZX_OK) status = info_copy_out_optional(avail, total);
  return status;
}
