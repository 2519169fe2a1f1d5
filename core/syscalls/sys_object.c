// zx_object_get_info (ZX_INFO_HANDLE_BASIC, ZX_INFO_PROCESS, ZX_INFO_JOB_PROCESSES,
// ZX_INFO_PROCESS_MAPS[_V1], ZX_INFO_VMAR, ZX_INFO_VMAR_MAPS)
// and zx_object_get_property / zx_object_set_property (ZX_PROP_NAME, and Janus's
// JANUS_PROP_THREAD_CPU).
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/process.h>
#include <janus/thread.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/janus.h>
#include <zircon/syscalls/object.h>

#include "core/object/exception.h"

#include "lib/asid.h"
#include "core/object/job.h"
#include "core/object/handle_get.h"
#include "core/syscalls/syscall_table.h"
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

static spinlock_t thread_name_lock = SPINLOCK_INIT;

static zx_status_t copy_out_optional(user_out_ptr_t out, size_t value) {
  if (!out.addr) return ZX_OK;
  return arch_copy_to_user(out.addr, &value, sizeof value) == ZX_OK ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

// A topic with exactly one record: Zircon's single_record_result.
static zx_status_t single_record(user_out_ptr_t buffer, size_t buffer_size, user_out_ptr_t actual,
                                 user_out_ptr_t avail, const void *record, size_t size) {
  size_t n = 1;
  if (buffer_size >= size) {
    if (arch_copy_to_user(buffer.addr, record, size) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  } else {
    n = 0;
  }
  zx_status_t status = copy_out_optional(actual, n);
  if (status == ZX_OK) status = copy_out_optional(avail, 1);
  if (status != ZX_OK) return status;
  return n ? ZX_OK : ZX_ERR_BUFFER_TOO_SMALL;
}

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
  return single_record(buffer, size, actual, avail, &info, sizeof info);
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
  return single_record(buffer, size, actual, avail, &info, sizeof info);
}

static zx_status_t info_job_processes(zx_handle_t handle, user_out_ptr_t buffer, size_t size,
                                      user_out_ptr_t actual, user_out_ptr_t avail) {
  struct job *job;
  zx_status_t status = handle_get_job(handle, ZX_RIGHT_ENUMERATE, &job, NULL);
  if (status != ZX_OK) return status;
  size_t max = size / sizeof(zx_koid_t);
  size_t count = job_process_koids(job, NULL, 0);
  size_t cap = count + 8 < max ? count + 8 : max;  // room for a few newcomers
  zx_koid_t *koids = cap ? malloc(cap * sizeof *koids) : NULL;
  if (cap && !koids) {
    kobject_unref(&job->obj);
    return ZX_ERR_NO_MEMORY;
  }
  size_t total = job_process_koids(job, koids, cap);
  kobject_unref(&job->obj);
  size_t n = total < cap ? total : cap;
  if (n && arch_copy_to_user(buffer.addr, koids, n * sizeof *koids) != ZX_OK)
    status = ZX_ERR_INVALID_ARGS;
  free(koids);
  if (status == ZX_OK) status = copy_out_optional(actual, n);
  if (status == ZX_OK) status = copy_out_optional(avail, total);
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
  status = copy_out_optional(actual, done);
  if (status == ZX_OK) status = copy_out_optional(avail, total > done ? total : done);
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
  return single_record(buffer, size, actual, avail, &info, sizeof info);
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
        .asid_bits = KCONFIG_ASID_OFF ? 0 : asid_bits(),
        .cpu = cpu};
    if (arch_copy_to_user(buffer.addr + cpu * sizeof record, &record, sizeof record) != ZX_OK)
      return ZX_ERR_INVALID_ARGS;
    n++;
  }
  status = copy_out_optional(actual, n);
  if (status == ZX_OK) status = copy_out_optional(avail, cpu_count);
  return status;
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
    case JANUS_INFO_ASID_COUNTERS:
      return info_asid_counters(handle, buffer, buffer_size, actual, avail);
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
