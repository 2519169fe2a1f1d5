// How zx_object_get_info hands its answers out (core/syscalls/sys_object.c and
// core/syscalls/sys_info_tasks.c share these).
#ifndef CORE_SYSCALLS_INFO_OUT_H_
#define CORE_SYSCALLS_INFO_OUT_H_

#include <stddef.h>
#include <zircon/types.h>

#include "core/syscalls/syscall_table.h"

// *out = value when out is not NULL; ZX_ERR_INVALID_ARGS when it cannot be written.
zx_status_t info_copy_out_optional(user_out_ptr_t out, size_t value);
// A topic with exactly one record: Zircon's single_record_result.
zx_status_t info_single_record(user_out_ptr_t buffer, size_t buffer_size, user_out_ptr_t actual,
                               user_out_ptr_t avail, const void *record, size_t size);
// A koid-list topic: list(obj, koids, max) writes up to max koids and returns how
// many there are; as many as fit go out (a buffer too small is not an error: actual
// < avail).
zx_status_t info_koid_list(void *obj, size_t (*list)(void *obj, zx_koid_t *koids, size_t max),
                           user_out_ptr_t buffer, size_t buffer_size, user_out_ptr_t actual,
                           user_out_ptr_t avail);

#endif  // CORE_SYSCALLS_INFO_OUT_H_
