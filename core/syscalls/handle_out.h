// Handing new objects to the calling process: add handles, copy their values out,
// and undo both on a bad user pointer (ZX_ERR_INVALID_ARGS), as every create call does.
#ifndef CORE_SYSCALLS_HANDLE_OUT_H_
#define CORE_SYSCALLS_HANDLE_OUT_H_

#include <zircon/types.h>

#include <janus/object.h>
#include "core/syscalls/syscall_table.h"

// A handle to obj with rights, its value written to out (and to *handle if non-NULL).
// The caller keeps its own reference.
zx_status_t handle_out(struct kobject *obj, zx_rights_t rights, user_out_ptr_t out,
                       zx_handle_t *handle);
// The same for the two ends of a pair (channels, eventpairs): both or neither.
zx_status_t handle_pair_out(struct kobject *a, struct kobject *b, zx_rights_t rights,
                            user_out_ptr_t out0, user_out_ptr_t out1);

#endif  // CORE_SYSCALLS_HANDLE_OUT_H_
