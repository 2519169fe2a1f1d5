// zx_object_get_info: ZX_INFO_JOB_CHILDREN, ZX_INFO_PROCESS_THREADS, ZX_INFO_THREAD,
// ZX_INFO_TASK_STATS and ZX_INFO_KMEM_STATS, with Zircon's layouts and rights.
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/heap.h>
#include <janus/physmap.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <zircon/rights.h>

#include "core/object/handle_get.h"
#include "core/object/job.h"
#include "core/syscalls/info_out.h"
#include "core/syscalls/info_tasks.h"
#include <janus/pmm.h>
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

static size_t list_child_jobs(void *job, zx_koid_t *koids, size_t max) {
  return job_child_koids(job, koids, max);
}

// A job handle with ZX_RIGHT_ENUMERATE: its child jobs' koids.
zx_status_t info_job_children(INFO_TOPIC_ARGS) {
  struct job *job;
  zx_status_t status = handle_get_job(handle, ZX_RIGHT_ENUMERATE, &job, NULL);
  if (status != ZX_OK) return status;
  status = info_koid_list(job, list_child_jobs, buffer, size, actual, avail);
  kobject_unref(&job->obj);
  return status;
}

static size_t list_threads(void *process, zx_koid_t *koids, size_t max) {
  struct process *p = process;
  size_t n = 0;
  irq_state_t state = spin_lock_irqsave(&p->lock);
  for (struct thread *t = p->threads; t; t = t->process_next) {
    if (n < max) koids[n] = t->obj.koid;
    n++;
  }
  spin_unlock_irqrestore(&p->lock, state);
  return n;
}

// A process handle with ZX_RIGHT_ENUMERATE: its running threads' koids.
zx_status_t info_process_threads(INFO_TOPIC_ARGS) {
  struct process *p;
  zx_status_t status = handle_get_process(handle, ZX_RIGHT_ENUMERATE, &p, NULL);
  if (status != ZX_OK) return status;
  status = info_koid_list(p, list_threads, buffer, size, actual, avail);
  kobject_unref(&p->obj);
  return status;
}

// Janus keeps no record of why a thread blocks, so a blocked thread is plain BLOCKED.
static uint32_t thread_state(const struct thread *t) {
  if (!t->running_ref_taken) return ZX_THREAD_STATE_NEW;
  switch (t->state) {
    case THREAD_DEAD:
      return ZX_THREAD_STATE_DEAD;
    case THREAD_BLOCKED:
      return t->killed ? ZX_THREAD_STATE_DYING : ZX_THREAD_STATE_BLOCKED;
    default:
      return t->killed ? ZX_THREAD_STATE_DYING : ZX_THREAD_STATE_RUNNING;
  }
}

// A thread handle with ZX_RIGHT_INSPECT. The affinity mask: the CPU it runs on (Janus
// threads never migrate), or before the start the CPU it is pinned to, else every CPU.
zx_status_t info_thread(INFO_TOPIC_ARGS) {
  struct thread *t;
  zx_status_t status = handle_get_thread(handle, ZX_RIGHT_INSPECT, &t, NULL);
  if (status != ZX_OK) return status;
  zx_info_thread_t info = {0};  // wait_exception_channel_type: NONE (0)
  irq_state_t state = spin_lock_irqsave(&t->process->lock);
  info.state = thread_state(t);
  unsigned cpu = t->running_ref_taken ? t->cpu : t->pinned_cpu;
  spin_unlock_irqrestore(&t->process->lock, state);
  if (cpu != THREAD_ANY_CPU) {
    info.cpu_affinity_mask.mask[cpu / 64] = 1ull << (cpu % 64);
  } else {
    for (unsigned c = 0; c < cpu_count; c++)
      info.cpu_affinity_mask.mask[c / 64] |= 1ull << (c % 64);
  }
  kobject_unref(&t->obj);
  return info_single_record(buffer, size, actual, avail, &info, sizeof info);
}

// A process handle with ZX_RIGHT_INSPECT; a dead process is ZX_ERR_BAD_STATE.
zx_status_t info_task_stats(INFO_TOPIC_ARGS) {
  struct process *p;
  zx_status_t status = handle_get_process(handle, ZX_RIGHT_INSPECT, &p, NULL);
  if (status != ZX_OK) return status;
  zx_info_task_stats_t info = {0};
  status = vm_task_stats(p, &info);
  kobject_unref(&p->obj);
  if (status != ZX_OK) return status;
  return info_single_record(buffer, size, actual, avail, &info, sizeof info);
}

// Zircon asks for the root resource; Janus has no resources and takes a job handle
// with ZX_RIGHT_INSPECT instead (as JANUS_INFO_ASID_COUNTERS).
zx_status_t info_kmem_stats(INFO_TOPIC_ARGS) {
  zx_status_t status = handle_get(handle, ZX_OBJ_TYPE_JOB, ZX_RIGHT_INSPECT, NULL, NULL);
  if (status != ZX_OK) return status;
  uint64_t total = pmm_total_pages() * PAGE_SIZE, free_bytes = pmm_free_pages() * PAGE_SIZE;
  zx_info_kmem_stats_t info = {
      .total_bytes = total,
      .free_bytes = free_bytes,
      .wired_bytes = (uint64_t)(_image_end - _image_start),
      .total_heap_bytes = heap_mapped_pages() * PAGE_SIZE,
      .free_heap_bytes = 0,  // not tracked by the kernel's malloc
      .vmo_bytes = vmo_committed_pages() * PAGE_SIZE,
      .mmu_overhead_bytes = (arch_kernel_table_pages() + arch_user_table_pages()) * PAGE_SIZE,
  };
  // The image is not in the page allocator's total: only the rest counts against it.
  uint64_t used = total - free_bytes;
  uint64_t known = info.total_heap_bytes + info.vmo_bytes + info.mmu_overhead_bytes;
  info.other_bytes = used > known ? used - known : 0;
  return info_single_record(buffer, size, actual, avail, &info, sizeof info);
}
