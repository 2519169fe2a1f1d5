// The one way from a handle value to the object behind it, as Zircon's
// GetDispatcherWithRights: looks h up in the calling process's handle table and
// checks, in Zircon's order, that it is valid (ZX_ERR_BAD_HANDLE), of the type asked
// for (ZX_ERR_WRONG_TYPE; ZX_OBJ_TYPE_NONE takes any) and holds every right in
// `required` (ZX_ERR_ACCESS_DENIED). On ZX_OK the caller owns a new reference to the
// object and drops it with kobject_unref; out_rights may be NULL. Inline: every
// syscall's first step, it costs no more than the table lookup itself.
#ifndef CORE_OBJECT_HANDLE_GET_H_
#define CORE_OBJECT_HANDLE_GET_H_

#include <janus/object.h>
#include <zircon/types.h>

#include "core/object/handle_table.h"
#include "core/object/process.h"

static inline zx_status_t handle_get(zx_handle_t h, zx_obj_type_t type, zx_rights_t required,
                                     struct kobject **out, zx_rights_t *out_rights) {
  return handle_table_get(process_current()->handles, h, type, required, out, out_rights);
}

// handle_get_<name>(h, required, &typed, &rights): the same for one object type. Every
// object embeds struct kobject first, so the typed pointer is the object's address.
#define HANDLE_GET_TYPED(name, obj_type)                                                    \
  struct name;                                                                              \
  static inline zx_status_t handle_get_##name(zx_handle_t h, zx_rights_t required,          \
                                              struct name **out, zx_rights_t *out_rights) { \
    struct kobject *obj;                                                                    \
    zx_status_t status = handle_get(h, obj_type, required, &obj, out_rights);               \
    if (status == ZX_OK) *out = (struct name *)obj;                                         \
    return status;                                                                          \
  }

HANDLE_GET_TYPED(process, ZX_OBJ_TYPE_PROCESS)
HANDLE_GET_TYPED(thread, ZX_OBJ_TYPE_THREAD)
HANDLE_GET_TYPED(job, ZX_OBJ_TYPE_JOB)
HANDLE_GET_TYPED(vmo, ZX_OBJ_TYPE_VMO)
HANDLE_GET_TYPED(vmar, ZX_OBJ_TYPE_VMAR)
HANDLE_GET_TYPED(port, ZX_OBJ_TYPE_PORT)
HANDLE_GET_TYPED(channel, ZX_OBJ_TYPE_CHANNEL)
HANDLE_GET_TYPED(timer_object, ZX_OBJ_TYPE_TIMER)
HANDLE_GET_TYPED(exception, ZX_OBJ_TYPE_EXCEPTION)

#undef HANDLE_GET_TYPED

#endif  // CORE_OBJECT_HANDLE_GET_H_
