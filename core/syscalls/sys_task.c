// Jobs, processes and task control: zx_job_create, zx_process_create,
// zx_process_start, zx_task_kill, zx_process_read_memory, zx_process_write_memory.
#include <janus/arch.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/janus.h>

#include "core/object/handle_get.h"
#include "core/object/job.h"
#include "core/object/shared_group.h"
#include "core/syscalls/debugging.h"
#include "core/syscalls/syscall_table.h"
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

#define DEBUG_MEMORY_MAX (64UL << 20)  // Zircon's kMaxDebugReadBlock / kMaxDebugWriteBlock
#define DEBUG_MEMORY_CHUNK 512


zx_status_t sys_job_create(zx_handle_t parent_job, uint32_t options, user_out_ptr_t out) {
  if (options != 0) return ZX_ERR_INVALID_ARGS;
  struct handle_table *ht = process_current()->handles;
  struct job *parent, *job;
  zx_status_t status = handle_get_job(parent_job, ZX_RIGHT_MANAGE_JOB, &parent, NULL);
  if (status != ZX_OK) return status;
  status = job_create(parent, &job);
  kobject_unref(&parent->obj);
  if (status != ZX_OK) return status;
  zx_handle_t h;
  status = handle_table_add(ht, &job->obj, ZX_DEFAULT_JOB_RIGHTS, &h);
  kobject_unref(&job->obj);  // the handle holds it now (or nothing does)
  if (status != ZX_OK) return status;
  if (arch_copy_to_user(out.addr, &h, sizeof h) != ZX_OK) {
    handle_table_close(ht, h);
    return ZX_ERR_INVALID_ARGS;
  }
  return ZX_OK;
}

// A name argument as Zircon reads it: NULL or a bad pointer is ZX_ERR_INVALID_ARGS,
// longer than ZX_MAX_NAME_LEN - 1 is silently truncated.
static zx_status_t copy_name(user_in_ptr_t name, size_t name_size, char buf[ZX_MAX_NAME_LEN]) {
  memset(buf, 0, ZX_MAX_NAME_LEN);
  size_t n = name_size < ZX_MAX_NAME_LEN - 1 ? name_size : ZX_MAX_NAME_LEN - 1;
  if (!name.addr || arch_copy_from_user(buf, name.addr, n) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  return ZX_OK;
}

// Hands a new process and a VMAR to the caller; on any failure closes both (which
// destroys the process).
// Takes the caller's references to p and vmar (see add_to_job).
static zx_status_t return_process(struct process *p, struct vmar *vmar, user_out_ptr_t proc_handle,
                                  user_out_ptr_t vmar_handle) {
  struct handle_table *ht = process_current()->handles;
  zx_handle_t ph = ZX_HANDLE_INVALID, vh = ZX_HANDLE_INVALID;
  zx_status_t status = handle_table_add(ht, &p->obj, ZX_DEFAULT_PROCESS_RIGHTS, &ph);
  if (status == ZX_OK && vmar) status = handle_table_add(ht, &vmar->obj, vmar_handle_rights(vmar), &vh);
  kobject_unref(&p->obj);  // the handles hold them now
  kobject_unref(&vmar->obj);
  if (status == ZX_OK && (arch_copy_to_user(proc_handle.addr, &ph, sizeof ph) != ZX_OK ||
                          arch_copy_to_user(vmar_handle.addr, &vh, sizeof vh) != ZX_OK))
    status = ZX_ERR_INVALID_ARGS;
  if (status != ZX_OK) {
    if (vh != ZX_HANDLE_INVALID) handle_table_close(ht, vh);
    if (ph != ZX_HANDLE_INVALID) handle_table_close(ht, ph);
  }
  return status;
}

// Puts the new process p into job. From then on a kill of the job can take p down,
// VMAR tree and all, before its handles exist: so the VMAR that will be returned is
// held first (*vmar, a reference). On failure p's reference is dropped.
static zx_status_t add_to_job(struct job *job, struct process *p, struct vmar *root,
                              struct vmar **vmar) {
  kobject_ref(&root->obj);
  zx_status_t status = job ? job_add_process(job, p) : ZX_ERR_BAD_STATE;
  if (status != ZX_OK) {
    kobject_unref(&root->obj);
    kobject_unref(&p->obj);
    return status;
  }
  *vmar = root;
  return ZX_OK;
}

zx_status_t sys_process_create(zx_handle_t job_handle, user_in_ptr_t name, size_t name_size,
                               uint32_t options, user_out_ptr_t proc_handle,
                               user_out_ptr_t vmar_handle) {
  if (options & ~ZX_PROCESS_SHARED) return ZX_ERR_INVALID_ARGS;
  char buf[ZX_MAX_NAME_LEN];
  if (copy_name(name, name_size, buf) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  struct job *job;
  zx_status_t status = handle_get_job(job_handle, ZX_RIGHT_MANAGE_PROCESS, &job, NULL);
  if (status != ZX_OK) return status;
  struct process *p;
  status = options & ZX_PROCESS_SHARED ? process_create_prototype(buf, &p) : process_create(buf, &p);
  struct vmar *vmar = NULL;
  // A prototype's VMAR is its shared window's root.
  if (status == ZX_OK)
    status = add_to_job(job, p, p->group ? p->group->root_vmar : p->root_vmar, &vmar);
  kobject_unref(&job->obj);
  if (status != ZX_OK) return status;
  return return_process(p, vmar, proc_handle, vmar_handle);
}

// Checked in Zircon's order: options, name, the handle, shareability, the shared
// state, the job, memory.
zx_status_t sys_process_create_shared(zx_handle_t shared_proc, uint32_t options,
                                      user_in_ptr_t name, size_t name_size,
                                      user_out_ptr_t proc_handle,
                                      user_out_ptr_t restricted_vmar_handle) {
  if (options != 0) return ZX_ERR_INVALID_ARGS;
  char buf[ZX_MAX_NAME_LEN];
  if (copy_name(name, name_size, buf) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  struct process *sp, *p;
  zx_status_t status = handle_get_process(shared_proc, ZX_RIGHT_MANAGE_PROCESS, &sp, NULL);
  if (status != ZX_OK) return status;
  status = process_create_shared(sp, buf, &p);
  struct vmar *vmar = NULL;
  if (status == ZX_OK) status = add_to_job(sp->job, p, p->root_vmar, &vmar);
  kobject_unref(&sp->obj);
  if (status != ZX_OK) return status;
  return return_process(p, vmar, proc_handle, restricted_vmar_handle);
}

// zx_process_start and zx_process_start_handles. Zircon semantics for arg1, applied to
// every handle in moved[0..n): each valid one is taken from the caller's table
// (consumed even on failure) and put into the new process's, and its value there goes
// to regs[i]; the first thread starts with x0-x7 = regs.
static zx_status_t start_process(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry,
                                 zx_vaddr_t stack, const zx_handle_t *moved, size_t n,
                                 uint64_t regs[PROCESS_START_REGS]) {
  struct handle_table *ht = process_current()->handles;
  struct process *p = NULL;
  struct thread *t = NULL;
  struct kobject *objs[PROCESS_START_REGS] = {0};
  zx_rights_t rights[PROCESS_START_REGS] = {0};
  zx_status_t status = handle_get_process(handle, ZX_RIGHT_WRITE, &p, NULL);
  if (status == ZX_OK) status = handle_get_thread(thread, ZX_RIGHT_WRITE, &t, NULL);
  for (size_t i = 0; i < n; i++) {
    if (moved[i] == ZX_HANDLE_INVALID) continue;
    zx_status_t removed = handle_table_remove(ht, moved[i], &objs[i], &rights[i]);
    if (status == ZX_OK) status = removed;
  }
  for (size_t i = 0; i < n && status == ZX_OK; i++)
    if (objs[i] && !(rights[i] & ZX_RIGHT_TRANSFER)) status = ZX_ERR_ACCESS_DENIED;
  if (status != ZX_OK) goto out;
  if (t->process != p) status = ZX_ERR_ACCESS_DENIED;
  else if (!process_user_address(p, entry) || !process_user_address(p, stack)) status = ZX_ERR_INVALID_ARGS;
  else if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != PROCESS_INITIAL) status = ZX_ERR_BAD_STATE;
  for (size_t i = 0; i < n && status == ZX_OK; i++) {
    zx_handle_t value;
    if (objs[i] && (status = handle_table_add(p->handles, objs[i], rights[i], &value)) == ZX_OK)
      regs[i] = value;
  }
  if (status == ZX_OK) status = process_start_thread_regs(p, t, entry, stack, regs, true);
  for (size_t i = 0; i < n && status != ZX_OK; i++)  // take back what went into p
    if (objs[i] && regs[i] != ZX_HANDLE_INVALID)
      handle_table_close(p->handles, (zx_handle_t)regs[i]);
out:
  for (size_t i = 0; i < n; i++)
    if (objs[i]) kobject_unref(objs[i]);  // closes it unless it moved into p's table
  if (t) kobject_unref(&t->obj);
  if (p) kobject_unref(&p->obj);
  return status;
}

zx_status_t sys_process_start(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry,
                              zx_vaddr_t stack, zx_handle_t arg1, uintptr_t arg2) {
  uint64_t regs[PROCESS_START_REGS] = {ZX_HANDLE_INVALID, arg2};
  return start_process(handle, thread, entry, stack, &arg1, 1, regs);
}

_Static_assert(JANUS_PROCESS_START_HANDLES_MAX <= PROCESS_START_REGS, "one register per handle");

zx_status_t sys_process_start_handles(zx_handle_t handle, zx_handle_t thread, zx_vaddr_t entry,
                                      zx_vaddr_t stack, user_in_ptr_t handles,
                                      size_t num_handles) {
  if (num_handles > JANUS_PROCESS_START_HANDLES_MAX) return ZX_ERR_OUT_OF_RANGE;
  zx_handle_t moved[JANUS_PROCESS_START_HANDLES_MAX];
  if (num_handles &&
      arch_copy_from_user(moved, handles.addr, num_handles * sizeof moved[0]) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  uint64_t regs[PROCESS_START_REGS] = {0};
  return start_process(handle, thread, entry, stack, moved, num_handles, regs);
}

zx_status_t sys_task_kill(zx_handle_t handle) {
  struct kobject *obj;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_DESTROY, &obj, NULL);
  if (status != ZX_OK) return status;
  switch (obj->type) {
    case ZX_OBJ_TYPE_PROCESS:
      task_kill_process((struct process *)obj);
      break;
    case ZX_OBJ_TYPE_JOB:
      status = job_kill((struct job *)obj);
      break;
    case ZX_OBJ_TYPE_THREAD:
      thread_kill((struct thread *)obj);
      break;
    default:
      status = ZX_ERR_WRONG_TYPE;
  }
  kobject_unref(obj);
  return status;
}

// One chunk between p's memory and buf. Reads go through p's page tables, paging in
// VMAR mappings not touched yet as a fault from p itself would; writes go through
// the mappings (vm_debug_write), so they land in p's own copy of a page.
static size_t copy_chunk(struct process *p, uintptr_t va, char *buf, size_t len, bool write) {
  size_t done = 0;
  if (write) {
    while (done < len && __atomic_load_n(&p->state, __ATOMIC_ACQUIRE) != PROCESS_DEAD) {
      size_t n = vm_debug_write(p, va + done, buf + done, len - done);
      if (!n) break;
      done += n;
    }
    return done;
  }
  for (int tries = 0; done < len && tries < 4; tries++) {
    if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == PROCESS_DEAD) break;
    irq_state_t state = spin_lock_irqsave(&vm_lock);
    uintptr_t at = va + done;
    // The window's tables belong to the group; NULL root: the group is gone.
    bool in_window = at >= SHARED_WINDOW_BASE && at < SHARED_WINDOW_END;
    size_t n = !in_window ? arch_aspace_copy(&p->aspace, at, buf + done, len - done, false)
               : shared_group_root_vmar_locked(p->group)
                   ? arch_aspace_copy(&p->group->window, at, buf + done, len - done, false)
                   : 0;
    spin_unlock_irqrestore(&vm_lock, state);
    if (n) tries = 0;
    done += n;
    if (done == len || !vm_handle_user_fault(p, va + done, false, false, false)) break;
  }
  return done;
}

static zx_status_t get_live_process(zx_handle_t handle, zx_rights_t rights, struct process **out) {
  struct process *p;
  zx_status_t status = handle_get_process(handle, rights, &p, NULL);
  if (status != ZX_OK) return status;
  if (__atomic_load_n(&p->state, __ATOMIC_ACQUIRE) == PROCESS_DEAD) {
    kobject_unref(&p->obj);
    return ZX_ERR_BAD_STATE;  // its address space is gone
  }
  *out = p;
  return ZX_OK;
}

zx_status_t sys_process_read_memory(zx_handle_t handle, zx_vaddr_t vaddr, user_out_ptr_t buffer,
                                    size_t buffer_size, user_out_ptr_t actual) {
  if (!buffer.addr || buffer_size == 0 || buffer_size > DEBUG_MEMORY_MAX)
    return ZX_ERR_INVALID_ARGS;
  struct process *p;
  zx_status_t status = get_live_process(handle, ZX_RIGHT_READ | ZX_RIGHT_WRITE, &p);
  if (status != ZX_OK) return status;
  char chunk[DEBUG_MEMORY_CHUNK];
  size_t done = 0;
  while (done < buffer_size) {
    size_t want = buffer_size - done < sizeof chunk ? buffer_size - done : sizeof chunk;
    size_t got = copy_chunk(p, vaddr + done, chunk, want, false);
    if (got && arch_copy_to_user(buffer.addr + done, chunk, got) != ZX_OK) {
      status = ZX_ERR_INVALID_ARGS;
      break;
    }
    done += got;
    if (got < want) break;
  }
  kobject_unref(&p->obj);
  if (status != ZX_OK) return status;
  if (done == 0) return ZX_ERR_NO_MEMORY;  // nothing mapped at vaddr
  if (arch_copy_to_user(actual.addr, &done, sizeof done) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  return ZX_OK;
}

// True when handle names, with ZX_RIGHT_WRITE, a process of the caller's shared group.
static bool writes_own_group(zx_handle_t handle) {
  struct process *p;
  if (handle_get_process(handle, ZX_RIGHT_WRITE, &p, NULL) != ZX_OK) return false;
  bool same = p->group && p->group == process_current()->group;
  kobject_unref(&p->obj);
  return same;
}

zx_status_t sys_process_write_memory(zx_handle_t handle, zx_vaddr_t vaddr, user_in_ptr_t buffer,
                                     size_t buffer_size, user_out_ptr_t actual) {
  // Off (ZX_ERR_NOT_SUPPORTED, first, as Zircon) unless the kernel command line enables
  // it, or the caller writes into a member of its own shared group: a personality's
  // code in the group's window copying into its Linux processes' restricted halves.
  if (!debugging_syscalls_enabled() && !writes_own_group(handle)) return ZX_ERR_NOT_SUPPORTED;
  if (!buffer.addr || buffer_size == 0 || buffer_size > DEBUG_MEMORY_MAX)
    return ZX_ERR_INVALID_ARGS;
  struct process *p;
  zx_status_t status = get_live_process(handle, ZX_RIGHT_WRITE, &p);
  if (status != ZX_OK) return status;
  char chunk[DEBUG_MEMORY_CHUNK];
  size_t done = 0;
  while (done < buffer_size) {
    size_t want = buffer_size - done < sizeof chunk ? buffer_size - done : sizeof chunk;
    if (arch_copy_from_user(chunk, buffer.addr + done, want) != ZX_OK) {
      status = ZX_ERR_INVALID_ARGS;
      break;
    }
    size_t put = copy_chunk(p, vaddr + done, chunk, want, true);
    done += put;
    if (put < want) break;
  }
  kobject_unref(&p->obj);
  if (status != ZX_OK) return status;
  if (done == 0) return ZX_ERR_NO_MEMORY;
  if (arch_copy_to_user(actual.addr, &done, sizeof done) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  return ZX_OK;
}
