// zx_status_t handle_get(zx_handle_t h, zx_obj_type_t type, zx_rights_t required,
//                        struct kobject **out, zx_rights_t *out_rights);
#include "core/object/handle_get.h"

#include "core/object/process.h"

#include "core/object/handle_table.h"

zx_status_t handle_get(zx_handle_t h, zx_obj_type_t type, zx_rights_t required,
                       struct kobject **out, zx_rights_t *out_rights) {
  return handle_table_get(process_current()->handles, h, type, required, out, out_rights);
}
