// Syscalls of VMOs and VMARs: handle and user-memory plumbing around core/vm/vmo.c and
// core/vm/vmar.c.
#include <janus/arch.h>
#include "core/object/process.h"
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/syscalls/handle_out.h"
#include "core/syscalls/syscall_table.h"
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

static zx_rights_t perm_rights(uint32_t options) {
  return (options & ZX_VM_PERM_READ ? ZX_RIGHT_READ : 0) |
         (options & ZX_VM_PERM_WRITE ? ZX_RIGHT_WRITE : 0) |
         (options & ZX_VM_PERM_EXECUTE ? ZX_RIGHT_EXECUTE : 0);
}

zx_status_t sys_vmo_create(uint64_t size, uint32_t options, user_out_ptr_t out) {
  struct vmo *vmo;
  zx_status_t status = vmo_create(size, options, &vmo);
  if (status != ZX_OK) return status;
  zx_rights_t rights = ZX_DEFAULT_VMO_RIGHTS | (options & ZX_VMO_RESIZABLE ? ZX_RIGHT_RESIZE : 0);
  status = handle_out(&vmo->obj, rights, out, NULL);
  kobject_unref(&vmo->obj);
  return status;
}

zx_status_t sys_vmo_read(zx_handle_t handle, user_out_ptr_t buffer, uint64_t offset,
                         size_t buffer_size) {
  struct vmo *vmo;
  zx_status_t status = handle_get_vmo(handle, ZX_RIGHT_READ, &vmo, NULL);
  if (status != ZX_OK) return status;
  status = vmo_read_user(vmo, buffer.addr, offset, buffer_size);
  kobject_unref(&vmo->obj);
  return status;
}

zx_status_t sys_vmo_write(zx_handle_t handle, user_in_ptr_t buffer, uint64_t offset,
                          size_t buffer_size) {
  struct vmo *vmo;
  zx_status_t status = handle_get_vmo(handle, ZX_RIGHT_WRITE, &vmo, NULL);
  if (status != ZX_OK) return status;
  status = vmo_write_user(vmo, buffer.addr, offset, buffer_size);
  kobject_unref(&vmo->obj);
  return status;
}

zx_status_t sys_vmo_get_size(zx_handle_t handle, user_out_ptr_t size) {
  struct vmo *vmo;
  zx_status_t status = handle_get_vmo(handle, ZX_RIGHT_NONE, &vmo, NULL);
  if (status != ZX_OK) return status;
  uint64_t value = vmo_get_size(vmo);
  kobject_unref(&vmo->obj);
  return arch_copy_to_user(size.addr, &value, sizeof value);
}

zx_status_t sys_vmo_set_size(zx_handle_t handle, uint64_t size) {
  struct vmo *vmo;
  zx_rights_t rights;
  zx_status_t status = handle_get_vmo(handle, ZX_RIGHT_WRITE, &vmo, &rights);
  if (status != ZX_OK) return status;
  // As Zircon: a non-resizable VMO is ZX_ERR_UNAVAILABLE (from vmo_set_size); a
  // resizable one also needs ZX_RIGHT_RESIZE.
  if ((vmo->options & ZX_VMO_RESIZABLE) && !(rights & ZX_RIGHT_RESIZE))
    status = ZX_ERR_ACCESS_DENIED;
  else
    status = vmo_set_size(vmo, size);
  kobject_unref(&vmo->obj);
  return status;
}

// As Zircon: the handle needs ZX_RIGHT_DUPLICATE and ZX_RIGHT_READ; the child's rights
// are the handle's plus GET/SET_PROPERTY (a child can be named); a snapshot gains
// ZX_RIGHT_WRITE and loses ZX_RIGHT_EXECUTE unless ZX_VMO_CHILD_NO_WRITE, which takes
// WRITE away from any child; ZX_RIGHT_RESIZE only for a resizable child.
zx_status_t sys_vmo_create_child(zx_handle_t handle, uint32_t options, uint64_t offset,
                                 uint64_t size, user_out_ptr_t out) {
  bool no_write = options & ZX_VMO_CHILD_NO_WRITE;
  options &= ~ZX_VMO_CHILD_NO_WRITE;
  struct vmo *parent;
  zx_rights_t rights;
  zx_status_t status =
      handle_get_vmo(handle, ZX_RIGHT_DUPLICATE | ZX_RIGHT_READ, &parent, &rights);
  if (status != ZX_OK) return status;
  const uint32_t snapshot = ZX_VMO_CHILD_SNAPSHOT | ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE;
  bool resizable = options & ZX_VMO_CHILD_RESIZABLE;
  enum vmo_child_kind kind = VMO_CHILD_SLICE;
  if (options & ZX_VMO_CHILD_SLICE) {
    if (options != ZX_VMO_CHILD_SLICE) status = ZX_ERR_INVALID_ARGS;  // nothing else goes
  } else if (options & snapshot) {
    // One snapshot flag (Janus's at-least-on-write is a full snapshot), maybe resizable.
    kind = VMO_CHILD_SNAPSHOT;
    uint32_t type = options & snapshot;
    if ((type & (type - 1)) || (options & ~(snapshot | ZX_VMO_CHILD_RESIZABLE)))
      status = ZX_ERR_INVALID_ARGS;
  } else {
    status = ZX_ERR_INVALID_ARGS;  // no child type
  }
  struct vmo *child = NULL;
  if (status == ZX_OK) status = vmo_create_child(parent, kind, resizable, offset, size, &child);
  kobject_unref(&parent->obj);
  if (status != ZX_OK) return status;
  rights |= ZX_RIGHT_GET_PROPERTY | ZX_RIGHT_SET_PROPERTY;
  if (no_write) {
    rights &= ~ZX_RIGHT_WRITE;
  } else if (kind == VMO_CHILD_SNAPSHOT) {
    rights &= ~ZX_RIGHT_EXECUTE;
    rights |= ZX_RIGHT_WRITE;
  }
  rights = resizable ? rights | ZX_RIGHT_RESIZE : rights & ~ZX_RIGHT_RESIZE;
  status = handle_out(&child->obj, rights, out, NULL);
  kobject_unref(&child->obj);
  return status;
}

// As Zircon: any VMO handle; each operation checks its own right (commit, decommit,
// zero and invalidate need ZX_RIGHT_WRITE; sync, clean and clean-invalidate
// ZX_RIGHT_READ; the lock operations either) before anything else. buffer and
// buffer_size are unused by every operation Janus has.
zx_status_t sys_vmo_op_range(zx_handle_t handle, uint32_t op, uint64_t offset, uint64_t size,
                             user_out_ptr_t buffer, size_t buffer_size) {
  (void)buffer;
  (void)buffer_size;
  struct vmo *vmo;
  zx_rights_t rights;
  zx_status_t status = handle_get_vmo(handle, ZX_RIGHT_NONE, &vmo, &rights);
  if (status != ZX_OK) return status;
  zx_rights_t need = 0;
  switch (op) {
    case ZX_VMO_OP_COMMIT:
    case ZX_VMO_OP_DECOMMIT:
    case ZX_VMO_OP_ZERO:
    case ZX_VMO_OP_CACHE_INVALIDATE:
      need = ZX_RIGHT_WRITE;
      break;
    case ZX_VMO_OP_CACHE_SYNC:
    case ZX_VMO_OP_CACHE_CLEAN:
    case ZX_VMO_OP_CACHE_CLEAN_INVALIDATE:
      need = ZX_RIGHT_READ;
      break;
    case ZX_VMO_OP_LOCK:
    case ZX_VMO_OP_TRY_LOCK:
    case ZX_VMO_OP_UNLOCK:
      if (!(rights & (ZX_RIGHT_READ | ZX_RIGHT_WRITE))) status = ZX_ERR_ACCESS_DENIED;
      break;
    default:
      break;
  }
  if (need & ~rights) status = ZX_ERR_ACCESS_DENIED;
  if (status == ZX_OK) status = vmo_op_range(vmo, op, offset, size);
  kobject_unref(&vmo->obj);
  return status;
}

zx_status_t sys_vmar_allocate(zx_handle_t parent_vmar, zx_vm_option_t options, size_t offset,
                              size_t size, user_out_ptr_t child_vmar, user_out_ptr_t child_addr) {
  struct vmar *parent;
  zx_rights_t rights;
  zx_status_t status = handle_get_vmar(parent_vmar, ZX_RIGHT_NONE, &parent, &rights);
  if (status != ZX_OK) return status;
  zx_rights_t need = (options & ZX_VM_CAN_MAP_READ ? ZX_RIGHT_READ : 0) |
                     (options & ZX_VM_CAN_MAP_WRITE ? ZX_RIGHT_WRITE : 0) |
                     (options & ZX_VM_CAN_MAP_EXECUTE ? ZX_RIGHT_EXECUTE : 0);
  struct vmar *child;
  uintptr_t addr;
  if (need & ~rights) status = ZX_ERR_ACCESS_DENIED;
  else status = vmar_allocate(parent, options, offset, size, &child, &addr);
  kobject_unref(&parent->obj);
  if (status != ZX_OK) return status;
  zx_handle_t h;
  status = handle_out(&child->obj, vmar_handle_rights(child), child_vmar, &h);
  if (status == ZX_OK) {
    status = arch_copy_to_user(child_addr.addr, &addr, sizeof addr);
    if (status != ZX_OK) handle_table_close(process_current()->handles, h);
  }
  if (status != ZX_OK) vmar_destroy(child);
  kobject_unref(&child->obj);
  return status;
}

zx_status_t sys_vmar_map(zx_handle_t handle, zx_vm_option_t options, size_t vmar_offset,
                         zx_handle_t vmo_handle, uint64_t vmo_offset, size_t len,
                         user_out_ptr_t mapped_addr) {
  struct vmar *vmar;
  zx_rights_t vmar_rights;
  zx_status_t status = handle_get_vmar(handle, ZX_RIGHT_NONE, &vmar, &vmar_rights);
  if (status != ZX_OK) return status;
  struct vmo *vmo;
  zx_rights_t vmo_rights;
  status = handle_get_vmo(vmo_handle, ZX_RIGHT_MAP, &vmo, &vmo_rights);
  if (status != ZX_OK) {
    kobject_unref(&vmar->obj);
    return status;
  }
  uintptr_t addr;
  if (perm_rights(options) & ~vmar_rights)
    status = ZX_ERR_ACCESS_DENIED;
  else
    status = vmar_map(vmar, options, vmar_offset, vmo, vmo_rights, vmo_offset, len, &addr);
  if (status == ZX_OK) {
    status = arch_copy_to_user(mapped_addr.addr, &addr, sizeof addr);
    if (status != ZX_OK) vmar_unmap_checked(vmar, addr, len, false);  // just our mapping
  }
  kobject_unref(&vmo->obj);
  kobject_unref(&vmar->obj);
  return status;
}

zx_status_t sys_vmar_unmap(zx_handle_t handle, zx_vaddr_t addr, size_t len) {
  struct vmar *vmar;
  zx_rights_t rights;
  zx_status_t status = handle_get_vmar(handle, ZX_RIGHT_NONE, &vmar, &rights);
  if (status != ZX_OK) return status;
  // As Zircon: destroying sub-VMARs in the range takes ZX_RIGHT_OP_CHILDREN.
  status = vmar_unmap_checked(vmar, addr, len, rights & ZX_RIGHT_OP_CHILDREN);
  kobject_unref(&vmar->obj);
  return status;
}

zx_status_t sys_vmar_protect(zx_handle_t handle, zx_vm_option_t options, zx_vaddr_t addr,
                             size_t len) {
  struct vmar *vmar;
  zx_rights_t rights;
  zx_status_t status = handle_get_vmar(handle, ZX_RIGHT_NONE, &vmar, &rights);
  if (status != ZX_OK) return status;
  if (perm_rights(options) & ~rights) status = ZX_ERR_ACCESS_DENIED;
  else status = vmar_protect(vmar, options, addr, len);
  kobject_unref(&vmar->obj);
  return status;
}

zx_status_t sys_vmar_destroy(zx_handle_t handle) {
  struct vmar *vmar;
  zx_status_t status = handle_get_vmar(handle, ZX_RIGHT_OP_CHILDREN, &vmar, NULL);
  if (status != ZX_OK) return status;
  status = vmar_destroy(vmar);
  kobject_unref(&vmar->obj);
  return status;
}

// Zircon semantics: handle is always consumed; the new handle has its rights plus
// ZX_RIGHT_EXECUTE. Janus has no resource objects and lets every job map code
// (Zircon's ambient ZX_POL_AMBIENT_MARK_VMO_EXEC allowed), so vmex must be
// ZX_HANDLE_INVALID; any other value is looked up and is never a VMEX resource.
zx_status_t sys_vmo_replace_as_executable(zx_handle_t handle, zx_handle_t vmex,
                                          user_out_ptr_t out) {
  struct handle_table *ht = process_current()->handles;
  struct kobject *obj = NULL, *resource = NULL;
  zx_rights_t rights = 0;
  zx_status_t status = ZX_OK;
  if (vmex != ZX_HANDLE_INVALID) {
    status = handle_get(vmex, ZX_OBJ_TYPE_NONE, 0, &resource, NULL);
    if (status == ZX_OK) status = ZX_ERR_WRONG_TYPE;
  }
  zx_status_t removed = handle_table_remove(ht, handle, &obj, &rights);
  if (status == ZX_OK) status = removed;
  if (status == ZX_OK && obj->type != ZX_OBJ_TYPE_VMO) status = ZX_ERR_WRONG_TYPE;
  if (status == ZX_OK) status = handle_out(obj, rights | ZX_RIGHT_EXECUTE, out, NULL);
  if (obj) kobject_unref(obj);
  if (resource) kobject_unref(resource);
  return status;
}
