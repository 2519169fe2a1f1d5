// zx_handle_close_many and zx_object_get_child.
#include <janus/arch.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/object/job.h"
#include "core/syscalls/syscall_table.h"

#define CLOSE_MANY_CHUNK 64u  // handles read from user memory at a time

// As Zircon: every valid handle in the array is closed; ZX_HANDLE_INVALID entries are
// skipped; any other value that names no handle (including a repeat of one closed
// earlier in the array) makes the result ZX_ERR_BAD_HANDLE, after the rest are closed.
zx_status_t sys_handle_close_many(user_in_ptr_t handles, size_t num_handles) {
  struct handle_table *ht = process_current()->handles;
  zx_status_t result = ZX_OK;
  if (num_handles > SIZE_MAX / sizeof(zx_handle_t)) return ZX_ERR_INVALID_ARGS;
  for (size_t done = 0; done < num_handles;) {
    zx_handle_t chunk[CLOSE_MANY_CHUNK];
    size_t n = num_handles - done < CLOSE_MANY_CHUNK ? num_handles - done : CLOSE_MANY_CHUNK;
    if (arch_copy_from_user(chunk, handles.addr + done * sizeof chunk[0], n * sizeof chunk[0]) !=
        ZX_OK)
      return ZX_ERR_INVALID_ARGS;
    for (size_t i = 0; i < n; i++)
      if (chunk[i] != ZX_HANDLE_INVALID && handle_table_close(ht, chunk[i]) != ZX_OK)
        result = ZX_ERR_BAD_HANDLE;
    done += n;
  }
  return result;
}

// A reference to p's live thread with that koid, or NULL.
static struct kobject *process_find_thread(struct process *p, zx_koid_t koid) {
  struct kobject *found = NULL;
  irq_state_t state = spin_lock_irqsave(&p->lock);
  for (struct thread *t = p->threads; t && !found; t = t->process_next)
    if (t->obj.koid == koid && kobject_ref_unless_zero(&t->obj)) found = &t->obj;
  spin_unlock_irqrestore(&p->lock, state);
  return found;
}

// As Zircon: the parent handle needs ZX_RIGHT_ENUMERATE; the child's handle gets
// `rights` (ZX_RIGHT_SAME_RIGHTS: the parent handle's), which must all be the
// parent handle's. A process's children are its (started, live) threads, a job's its
// child jobs and processes.
zx_status_t sys_object_get_child(zx_handle_t handle, uint64_t koid, zx_rights_t rights,
                                 user_out_ptr_t out) {
  struct kobject *parent;
  zx_rights_t parent_rights;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, 0, &parent, &parent_rights);
  if (status != ZX_OK) return status;
  struct kobject *child = NULL;
  if (!(parent_rights & ZX_RIGHT_ENUMERATE)) {
    status = ZX_ERR_ACCESS_DENIED;
  } else if (rights != ZX_RIGHT_SAME_RIGHTS && (rights & ~parent_rights)) {
    status = ZX_ERR_ACCESS_DENIED;
  } else if (parent->type == ZX_OBJ_TYPE_PROCESS) {
    child = process_find_thread((struct process *)parent, koid);
  } else if (parent->type == ZX_OBJ_TYPE_JOB) {
    child = job_find_child((struct job *)parent, koid);
  } else {
    status = ZX_ERR_WRONG_TYPE;
  }
  kobject_unref(parent);
  if (status != ZX_OK) return status;
  if (!child) return ZX_ERR_NOT_FOUND;
  if (rights == ZX_RIGHT_SAME_RIGHTS) rights = parent_rights;
  struct handle_table *ht = process_current()->handles;
  zx_handle_t h;
  status = handle_table_add(ht, child, rights, &h);
  kobject_unref(child);
  if (status != ZX_OK) return status;
  if (arch_copy_to_user(out.addr, &h, sizeof h) != ZX_OK) {
    handle_table_close(ht, h);
    return ZX_ERR_INVALID_ARGS;
  }
  return ZX_OK;
}
