// zx_object_get_info (ZX_INFO_HANDLE_BASIC, ZX_INFO_PROCESS, ZX_INFO_JOB_PROCESSES,
// ZX_INFO_PROCESS_MAPS[_V1], ZX_INFO_VMAR, ZX_INFO_VMAR_MAPS, and Janus's topics; the
// task topics are in core/syscalls/sys_info_tasks.c)
// and zx_object_get_property / zx_object_set_property (ZX_PROP_NAME, and Janus's
// JANUS_PROP_THREAD_CPU).
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/bootinfo.h>
#include <janus/heap.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/janus.h>
#include <zircon/syscalls/object.h>

#include "core/boot/boot_log.h"  // boot_info
#include "core/object/exception.h"
#include "lib/asid.h"
#include "core/object/job.h"
#include "core/object/handle_get.h"
#include "core/syscalls/info_out.h"
#include "core/syscalls/info_tasks.h"
#include "core/syscalls/syscall_table.h"
#include <janus/pmm.h>
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"
#include "core/vm/kmem.h"
#include "core/vm/slab.h"

static spinlock_t thread_name_lock = SPINLOCK_INIT;

static zx_koid_t related_koid(struct kobject *obj) {
  switch (obj->type) {
    case ZX_OBJ_TYPE_PROCESS: {
      struct job *job = ((struct process *)obj)->job;
      return job ? job->obj.koid : ZX_KOID_INVALID;
    }
    case ZX_OBJ_TYPE_JOB: {
      struct job *parent = ((struct job *)obj)->parent;
      return parent ? parent->obj.koid : ZX_KOID_INVALID;
    }
    case ZX_OBJ_TYPE_THREAD: {
      struct process *p = ((struct thread *)obj)->process;
      return p ? p->obj.koid : ZX_KOID_INVALID;
    }
    default:
      return ZX_KOID_INVALID;
  }
}

static zx_status_t info_handle_basic(zx_handle_t handle, user_out_ptr_t buffer, size_t size,
                                     user_out_ptr_t actual, user_out_ptr_t avail) {
  struct kobject *obj;
  zx_rights_t rights;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, 0, &obj, &rights);
  if (status != ZX_OK) return status;
  zx_info_handle_basic_t info = {
      .koid = obj->koid, .rights = rights, .type = obj->type, .related_koid = related_koid(obj)};
  kobject_unref(obj);
  return info_single_record(buffer, size, actual, avail, &info, sizeof info);
}

static zx_status_t info_process(zx_handle_t handle, user_out_ptr_t buffer, size_t size,
                                user_out_ptr_t actual, user_out_ptr_t avail) {
  struct process *p;
  zx_status_t status = handle_get_process(handle, ZX_RIGHT_INSPECT, &p, NULL);
  if (status != ZX_OK) return status;
  zx_info_process_t info = {0};
  irq_state_t state = spin_lock_irqsave(&p->lock);
  if (p->state != PROCESS_INITIAL && p->ever_started) {
    info.flags |= ZX_INFO_PROCESS_FLAG_STARTED;
    info.start_time = p->start_time;
  }
  if (p->state == PROCESS_DEAD) {
    info.flags |= ZX_INFO_PROCESS_FLAG_EXITED;
    info.return_code = p->return_code;
  }
  spin_unlock_irqrestore(&p->lock, state);
  kobject_unref(&p->obj);
  return info_single_record(buffer, size, actual, avail, &info, sizeof info);
}

static size_t list_processes(void *job, zx_koid_t *koids, size_t max) {
  return job_process_koids(job, koids, max);
}

static zx_status_t info_job_processes(zx_handle_t handle, user_out_ptr_t buffer, size_t size,
                                      user_out_ptr_t actual, user_out_ptr_t avail) {
  struct job *job;
  zx_status_t status = handle_get_job(handle, ZX_RIGHT_ENUMERATE, &job, NULL);
  if (status != ZX_OK) return status;
  status = info_koid_list(job, list_processes, buffer, size, actual, avail);
  kobject_unref(&job->obj);
  return status;
}

// ZX_INFO_PROCESS_MAPS (process handle) / ZX_INFO_VMAR_MAPS (VMAR handle), both
// needing ZX_RIGHT_INSPECT. The walk runs under vm_lock into a kernel chunk, which is
// copied out after the lock is dropped; a too-small buffer is ZX_OK with actual < avail.
// The _V1 records are the first 96 bytes of zx_info_maps_t (no populated_pages).
#define MAPS_CHUNK 32

static zx_status_t info_maps(zx_handle_t handle, uint32_t topic, user_out_ptr_t buffer,
                             size_t size, user_out_ptr_t actual, user_out_ptr_t avail) {
  bool is_process = topic != ZX_INFO_VMAR_MAPS;
  size_t entry_size = topic == ZX_INFO_PROCESS_MAPS_V1 ? sizeof(zx_info_maps_v1_t)
                                                       : sizeof(zx_info_maps_t);
  struct kobject *obj;
  zx_obj_type_t type = is_process ? ZX_OBJ_TYPE_PROCESS : ZX_OBJ_TYPE_VMAR;
  zx_status_t status = handle_get(handle, type, ZX_RIGHT_INSPECT, &obj, NULL);
  if (status != ZX_OK) return status;
  struct process *p = is_process ? (struct process *)obj : NULL;
  struct vmar *v = is_process ? NULL : (struct vmar *)obj;
  size_t max = size / entry_size;
  zx_info_maps_t *chunk = malloc(MAPS_CHUNK * sizeof *chunk);
  if (!chunk) {
    kobject_unref(obj);
    return ZX_ERR_NO_MEMORY;
  }
  size_t done = 0, total = 0;
  for (;;) {
    size_t want = max - done < MAPS_CHUNK ? max - done : MAPS_CHUNK;
    status = vm_get_maps(p, v, done, chunk, want, &total);
    if (status != ZX_OK) break;
    size_t n = total > done ? total - done : 0;
    if (n > want) n = want;
    if (!n) break;
    if (entry_size != sizeof *chunk)
      for (size_t i = 1; i < n; i++) memmove((char *)chunk + i * entry_size, &chunk[i], entry_size);
    if (arch_copy_to_user(buffer.addr + done * entry_size, chunk, n * entry_size) != ZX_OK) {
      status = ZX_ERR_INVALID_ARGS;
      break;
    }
    done += n;
    if (n < want || done == max) break;
  }
  free(chunk);
  kobject_unref(obj);
  if (status != ZX_OK) return status;
  status = info_copy_out_optional(actual, done);
  if (status == ZX_OK) status = info_copy_out_optional(avail, total > done ? total : done);
  return status;
}

// ZX_INFO_VMAR: the VMAR's range (ZX_RIGHT_INSPECT); a destroyed one: ZX_ERR_BAD_STATE.
static zx_status_t info_vmar(zx_handle_t handle, user_out_ptr_t buffer, size_t size,
                             user_out_ptr_t actual, user_out_ptr_t avail) {
  struct vmar *v;
  zx_status_t status = handle_get_vmar(handle, ZX_RIGHT_INSPECT, &v, NULL);
  if (status != ZX_OK) return status;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  bool destroyed = v->destroyed;
  zx_info_vmar_t info = {.base = v->node.range.base, .len = v->node.range.size};
  spin_unlock_irqrestore(&vm_lock, state);
  kobject_unref(&v->obj);
  if (destroyed) return ZX_ERR_BAD_STATE;
  return info_single_record(buffer, size, actual, avail, &info, sizeof info);
}

// JANUS_INFO_ASID_COUNTERS (<zircon/syscalls/janus.h>): per-CPU ASID counters.
static zx_status_t info_asid_counters(zx_handle_t handle, user_out_ptr_t buffer, size_t size,
                                      user_out_ptr_t actual, user_out_ptr_t avail) {
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_JOB, ZX_RIGHT_INSPECT, NULL, NULL);
  if (status != ZX_OK) return status;
  size_t n = 0;
  for (unsigned cpu = 0; cpu < cpu_count; cpu++) {
    if ((cpu + 1) * sizeof(janus_info_asid_counters_t) > size) break;
    struct asid_counters c = asid_counters(cpu);
    janus_info_asid_counters_t record = {
        .fast_switches = c.fast_switches, .slow_switches = c.slow_switches,
        .allocations = c.allocations, .rollovers = c.rollovers,
        .local_flushes = c.local_flushes, .broadcast_flushes = c.broadcast_flushes,
        .batched_switches = c.batched_switches,
        .asid_bits = KCONFIG_ASID_OFF ? 0 : asid_bits(),
        .cpu = cpu};
    if (arch_copy_to_user(buffer.addr + cpu * sizeof record, &record, sizeof record) != ZX_OK)
      return ZX_ERR_INVALID_ARGS;
    n++;
  }
  status = info_copy_out_optional(actual, n);
  if (status == ZX_OK) status = info_copy_out_optional(avail, cpu_count);
  return status;
}

// Janus's kernel-wide topics: one record, asked of any job with ZX_RIGHT_INSPECT (the
// test runner runs every program in a job of its own).
union janus_job_record {
  janus_info_kernel_counts_t kernel_counts;  // what the kernel holds now
  janus_info_boot_args_t boot_args;          // the kernel command line (janus.user=NAME)
  janus_info_kmem_stats_t kmem_stats;        // the kernel's memory and what holds it
};

static size_t fill_job_record(uint32_t topic, union janus_job_record *r) {
  switch (topic) {
    case JANUS_INFO_KERNEL_COUNTS:
      r->kernel_counts = (janus_info_kernel_counts_t){
          .free_pages = pmm_free_pages() + slab_empty_pages(), .heap_pages = heap_mapped_pages(),
          .kernel_table_pages = arch_kernel_table_pages(), .objects = kobject_live_count(),
          .asids = arch_asids_in_use()};
      return sizeof r->kernel_counts;
    case JANUS_INFO_BOOT_ARGS:
      _Static_assert(sizeof r->boot_args.args >= sizeof boot_info.bootargs, "room for it");
      memset(&r->boot_args, 0, sizeof r->boot_args);
      memcpy(r->boot_args.args, boot_info.bootargs, sizeof boot_info.bootargs);
      return sizeof r->boot_args;
    default:  // JANUS_INFO_KMEM_STATS
      kmem_stats(&r->kmem_stats);
      return sizeof r->kmem_stats;
  }
}

static zx_status_t info_job_record(zx_handle_t handle, uint32_t topic, user_out_ptr_t buffer,
                                   size_t size, user_out_ptr_t actual, user_out_ptr_t avail) {
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_JOB, ZX_RIGHT_INSPECT, NULL, NULL);
  if (status != ZX_OK) return status;
  union janus_job_record record;
  size_t record_size = fill_job_record(topic, &record);
  return info_single_record(buffer, size, actual, avail, &record, record_size);
}

zx_status_t sys_object_get_info(zx_handle_t handle, uint32_t topic, user_out_ptr_t buffer,
                                size_t buffer_size, user_out_ptr_t actual, user_out_ptr_t avail) {
  switch (topic) {
    case ZX_INFO_HANDLE_BASIC:
      return info_handle_basic(handle, buffer, buffer_size, actual, avail);
    case ZX_INFO_PROCESS:
      return info_process(handle, buffer, buffer_size, actual, avail);
    case ZX_INFO_JOB_PROCESSES:
      return info_job_processes(handle, buffer, buffer_size, actual, avail);
    case ZX_INFO_PROCESS_MAPS:
    case ZX_INFO_PROCESS_MAPS_V1:
    case ZX_INFO_VMAR_MAPS:
      return info_maps(handle, topic, buffer, buffer_size, actual, avail);
    case ZX_INFO_VMAR:
      return info_vmar(handle, buffer, buffer_size, actual, avail);
    case ZX_INFO_JOB_CHILDREN:
      return info_job_children(handle, buffer, buffer_size, actual, avail);
    case ZX_INFO_PROCESS_THREADS:
      return info_process_threads(handle, buffer, buffer_size, actual, avail);
    case ZX_INFO_THREAD:
      return info_thread(handle, buffer, buffer_size, actual, avail);
    case ZX_INFO_TASK_STATS:
      return info_task_stats(handle, buffer, buffer_size, actual, avail);
    case ZX_INFO_KMEM_STATS:
      return info_kmem_stats(handle, buffer, buffer_size, actual, avail);
    case JANUS_INFO_ASID_COUNTERS:
      return info_asid_counters(handle, buffer, buffer_size, actual, avail);
    case JANUS_INFO_KERNEL_COUNTS:
    case JANUS_INFO_BOOT_ARGS:
    case JANUS_INFO_KMEM_STATS:
      return info_job_record(handle, topic, buffer, buffer_size, actual, avail);
    default:
      return ZX_ERR_NOT_SUPPORTED;  // as Zircon, for topics it does not know
  }
}

// Objects without a name read as "" (as in Zircon) and refuse a new one.
static void get_name(struct kobject *obj, char out[ZX_MAX_NAME_LEN]) {
  memset(out, 0, ZX_MAX_NAME_LEN);
  irq_state_t state;
  switch (obj->type) {
    case ZX_OBJ_TYPE_PROCESS: {
      struct process *p = (struct process *)obj;
      state = spin_lock_irqsave(&p->lock);
      memcpy(out, p->name, ZX_MAX_NAME_LEN - 1);
      spin_unlock_irqrestore(&p->lock, state);
      break;
    }
    case ZX_OBJ_TYPE_JOB:
      job_get_name((struct job *)obj, out);
      break;
    case ZX_OBJ_TYPE_THREAD:
      state = spin_lock_irqsave(&thread_name_lock);
      memcpy(out, ((struct thread *)obj)->name, ZX_MAX_NAME_LEN - 1);
      spin_unlock_irqrestore(&thread_name_lock, state);
      break;
    case ZX_OBJ_TYPE_VMO:  // under vm_lock: ZX_INFO_PROCESS_MAPS reads it there
      state = spin_lock_irqsave(&vm_lock);
      memcpy(out, ((struct vmo *)obj)->name, ZX_MAX_NAME_LEN - 1);
      spin_unlock_irqrestore(&vm_lock, state);
      break;
    default:
      break;
  }
}

static zx_status_t set_name(struct kobject *obj, const char *name, size_t len) {
  irq_state_t state;
  switch (obj->type) {
    case ZX_OBJ_TYPE_PROCESS: {
      struct process *p = (struct process *)obj;
      state = spin_lock_irqsave(&p->lock);
      memset(p->name, 0, sizeof p->name);
      memcpy(p->name, name, len);
      spin_unlock_irqrestore(&p->lock, state);
      return ZX_OK;
    }
    case ZX_OBJ_TYPE_JOB:
      job_set_name((struct job *)obj, name, len);
      return ZX_OK;
    case ZX_OBJ_TYPE_THREAD: {
      struct thread *t = (struct thread *)obj;
      state = spin_lock_irqsave(&thread_name_lock);
      memset(t->name, 0, sizeof t->name);
      memcpy(t->name, name, len);
      spin_unlock_irqrestore(&thread_name_lock, state);
      return ZX_OK;
    }
    case ZX_OBJ_TYPE_VMO: {
      struct vmo *vmo = (struct vmo *)obj;
      state = spin_lock_irqsave(&vm_lock);
      memset(vmo->name, 0, sizeof vmo->name);
      memcpy(vmo->name, name, len);
      spin_unlock_irqrestore(&vm_lock, state);
      return ZX_OK;
    }
    default:
      return ZX_ERR_NOT_SUPPORTED;
  }
}

// JANUS_PROP_THREAD_CPU (<zircon/syscalls/janus.h>). The value and whether the thread
// started are read and written under its process's lock, which is where
// process_start_thread_regs places a thread, so a pin and a start never cross.
static zx_status_t get_thread_cpu(struct kobject *obj, user_out_ptr_t value, size_t value_size) {
  if (obj->type != ZX_OBJ_TYPE_THREAD) return ZX_ERR_WRONG_TYPE;
  if (value_size < sizeof(uint32_t)) return ZX_ERR_BUFFER_TOO_SMALL;
  struct thread *t = (struct thread *)obj;
  irq_state_t state = spin_lock_irqsave(&t->process->lock);
  uint32_t cpu = t->running_ref_taken ? t->cpu : t->pinned_cpu;
  spin_unlock_irqrestore(&t->process->lock, state);
  return arch_copy_to_user(value.addr, &cpu, sizeof cpu) == ZX_OK ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

static zx_status_t set_thread_cpu(struct kobject *obj, user_in_ptr_t value, size_t value_size) {
  if (obj->type != ZX_OBJ_TYPE_THREAD) return ZX_ERR_WRONG_TYPE;
  if (value_size < sizeof(uint32_t)) return ZX_ERR_BUFFER_TOO_SMALL;
  uint32_t cpu;
  if (arch_copy_from_user(&cpu, value.addr, sizeof cpu) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  if (cpu != JANUS_THREAD_CPU_ANY &&
      (cpu >= cpu_count || !__atomic_load_n(&cpus[cpu].online, __ATOMIC_ACQUIRE)))
    return ZX_ERR_OUT_OF_RANGE;
  struct thread *t = (struct thread *)obj;
  zx_status_t status = ZX_OK;
  irq_state_t state = spin_lock_irqsave(&t->process->lock);
  if (t->running_ref_taken || t->killed)  // started (maybe dead), or can never start
    status = ZX_ERR_BAD_STATE;
  else
    t->pinned_cpu = cpu == JANUS_THREAD_CPU_ANY ? THREAD_ANY_CPU : cpu;
  spin_unlock_irqrestore(&t->process->lock, state);
  return status;
}

zx_status_t sys_object_get_property(zx_handle_t handle, uint32_t property, user_out_ptr_t value,
                                    size_t value_size) {
  if (!value.addr) return ZX_ERR_INVALID_ARGS;
  struct kobject *obj;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_GET_PROPERTY, &obj, NULL);
  if (status != ZX_OK) return status;
  switch (property) {
    case ZX_PROP_NAME: {
      if (value_size < ZX_MAX_NAME_LEN) {
        status = ZX_ERR_BUFFER_TOO_SMALL;
        break;
      }
      char name[ZX_MAX_NAME_LEN];
      get_name(obj, name);
      if (arch_copy_to_user(value.addr, name, sizeof name) != ZX_OK) status = ZX_ERR_INVALID_ARGS;
      break;
    }
    case JANUS_PROP_THREAD_CPU:
      status = get_thread_cpu(obj, value, value_size);
      break;
    case ZX_PROP_EXCEPTION_STATE: {
      uint32_t state;
      if (obj->type != ZX_OBJ_TYPE_EXCEPTION) status = ZX_ERR_WRONG_TYPE;
      else if (value_size < sizeof state) status = ZX_ERR_BUFFER_TOO_SMALL;
      else if (state = exception_get_state((struct exception *)obj),
               arch_copy_to_user(value.addr, &state, sizeof state) != ZX_OK)
        status = ZX_ERR_INVALID_ARGS;
      break;
    }
    default:
      status = ZX_ERR_NOT_SUPPORTED;
  }
  kobject_unref(obj);
  return status;
}

zx_status_t sys_object_set_property(zx_handle_t handle, uint32_t property, user_in_ptr_t value,
                                    size_t value_size) {
  if (!value.addr) return ZX_ERR_INVALID_ARGS;
  struct kobject *obj;
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_NONE, ZX_RIGHT_SET_PROPERTY, &obj, NULL);
  if (status != ZX_OK) return status;
  switch (property) {
    case ZX_PROP_NAME: {
      size_t len = value_size < ZX_MAX_NAME_LEN - 1 ? value_size : ZX_MAX_NAME_LEN - 1;
      char name[ZX_MAX_NAME_LEN - 1];
      if (arch_copy_from_user(name, value.addr, len) != ZX_OK)
        status = ZX_ERR_INVALID_ARGS;
      else
        status = set_name(obj, name, len);
      break;
    }
    case JANUS_PROP_THREAD_CPU:
      status = set_thread_cpu(obj, value, value_size);
      break;
    case ZX_PROP_EXCEPTION_STATE: {
      uint32_t state;
      if (obj->type != ZX_OBJ_TYPE_EXCEPTION) status = ZX_ERR_WRONG_TYPE;
      else if (value_size < sizeof state) status = ZX_ERR_BUFFER_TOO_SMALL;
      else if (arch_copy_from_user(&state, value.addr, sizeof state) != ZX_OK)
        status = ZX_ERR_INVALID_ARGS;
      else status = exception_set_state((struct exception *)obj, state);
      break;
    }
    default:
      status = ZX_ERR_NOT_SUPPORTED;
  }
  kobject_unref(obj);
  return status;
}
