// Process lifetime: creation, the first thread, exit and kill, teardown.
#include <janus/arch.h>
#include <janus/console.h>
#include <janus/panic.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>

#include "core/boot/bootfs.h"
#include "core/object/job.h"  // job membership (core/object/job.c)
#include <janus/pmm.h>
#include "core/object/shared_group.h"
#include "core/vm/vmar.h"  // VM hooks (core/vm/vmar.c)
#include "core/object/exception.h"
#include "core/object/signals.h"
#include "core/vm/vmo.h"
#include "lib/hash.h"
#include "core/vm/slab.h"

static struct slab_cache process_cache = SLAB_CACHE("process", sizeof(struct process));
// Apart from the process: a shared group's members never use one of their own.
static struct slab_cache handle_table_cache =
    SLAB_CACHE("handle_table", sizeof(struct handle_table));

// Handles, memory and shared-group membership. Handles may refer to p itself, so
// they go first.
static void process_release_resources(struct process *p) {
  if (p->own_handles) handle_table_destroy(p->own_handles);
  if (p->group) shared_group_member_died(p);  // the group's table lives on
  process_vm_destroy(p);  // VM hook: the VMARs and the page tables (p->aspace)
}

static void process_destroy(struct kobject *obj) {
  struct process *p = (struct process *)obj;
  ASSERT(p->state == PROCESS_DEAD || p->state == PROCESS_INITIAL);
  if (p->state == PROCESS_INITIAL) process_release_resources(p);
  exception_channel_release(&p->exception_channel);
  exception_channel_release(&p->debugger_channel);
  job_release_process(p);  // job membership: leave the job (if still in it), drop its reference
  if (p->group) shared_group_release(p->group);
  slab_free(&handle_table_cache, p->own_handles);  // (destroyed; racers still saw it closed)
  slab_free(&process_cache, p);
}

static const struct kobject_ops process_ops = {.destroy = process_destroy};

struct process *process_current(void) { return thread_current()->process; }
const char *process_name(const struct process *p) { return p->name; }
zx_koid_t process_koid(const struct process *p) { return p->obj.koid; }

// A new process: in group g, sharing its handle table, or (g NULL) with its own.
static zx_status_t process_new(const char *name, struct shared_group *g, struct process **out) {
  struct process *p = slab_alloc(&process_cache);
  if (!p) return ZX_ERR_NO_MEMORY;
  struct handle_table *own = g ? NULL : slab_alloc(&handle_table_cache);
  zx_status_t status = g || own ? arch_aspace_init(&p->aspace) : ZX_ERR_NO_MEMORY;
  if (status != ZX_OK) {
    slab_free(&handle_table_cache, own);
    slab_free(&process_cache, p);
    return status;
  }
  status = process_vm_init(p);  // VM hook: the root VMAR
  if (status != ZX_OK) {
    arch_aspace_destroy(&p->aspace);
    slab_free(&handle_table_cache, own);
    slab_free(&process_cache, p);
    return status;
  }
  kobject_init(&p->obj, ZX_OBJ_TYPE_PROCESS, &process_ops);
  strncpy(p->name, name, sizeof p->name - 1);
  p->state = PROCESS_INITIAL;
  if (own) {
    p->handles = p->own_handles = own;
    handle_table_init(own, (uint64_t)arch_monotonic_ns() ^ p->obj.koid * HASH_GOLDEN_RATIO_64);
  } else if ((status = shared_group_join(g, p)) != ZX_OK) {
    kobject_unref(&p->obj);
    return status;
  }
  *out = p;
  return ZX_OK;
}

zx_status_t process_create(const char *name, struct process **out) {
  return process_new(name, NULL, out);
}

zx_status_t process_create_prototype(const char *name, struct process **out) {
  struct shared_group *g;
  zx_status_t status = shared_group_create(&g);
  if (status != ZX_OK) return status;
  status = process_new(name, g, out);  // a new group: cannot be gone
  ASSERT(status == ZX_OK || status == ZX_ERR_NO_MEMORY);
  shared_group_release(g);  // the member holds it now (or nothing does)
  return status;
}

zx_status_t process_create_shared(struct process *shared_proc, const char *name,
                                  struct process **out) {
  struct shared_group *g = shared_proc->group;
  if (!g) return ZX_ERR_INVALID_ARGS;  // made without ZX_PROCESS_SHARED
  return process_new(name, g, out);
}

// The stack is an ordinary VMO mapping in the root VMAR: its pages are committed as
// the program touches them.
zx_status_t process_map_stack(struct process *p) {
  struct vmo *stack;
  zx_status_t status = vmo_create(USER_STACK_SIZE, 0, &stack);
  if (status != ZX_OK) return status;
  memcpy(stack->name, "stack", 6);
  uintptr_t addr;
  // A shared prototype's stack is in the window, beside its image.
  struct vmar *root = p->group ? p->group->root_vmar : p->root_vmar;
  uintptr_t top = p->group ? SHARED_STACK_TOP : USER_STACK_TOP;
  status = vmar_map(root, ZX_VM_SPECIFIC | ZX_VM_PERM_READ | ZX_VM_PERM_WRITE,
                    top - USER_STACK_SIZE - root->node.range.base, stack, ZX_DEFAULT_VMO_RIGHTS,
                    0, USER_STACK_SIZE, &addr);
  kobject_unref(&stack->obj);  // the mapping holds its own reference
  return status;
}

// A process with no threads left (or never started) gives everything back and dies.
static void process_teardown(struct process *p) {
  process_release_resources(p);
  __atomic_store_n(&p->state, PROCESS_DEAD, __ATOMIC_RELEASE);
  bool job_empty = false;
  bool left_job = job_unlink_process(p, &job_empty);  // a dead process leaves its job...
  object_signal(&p->obj, 0, ZX_PROCESS_TERMINATED);
  if (left_job) job_process_left(p->job, job_empty);  // ...before anyone sees it dead
}

zx_status_t process_start_thread_regs(struct process *p, struct thread *t, uintptr_t entry,
                                      uintptr_t sp, const uint64_t regs[PROCESS_START_REGS],
                                      bool first) {
  if (t->process != p || t->obj.type != ZX_OBJ_TYPE_THREAD) return ZX_ERR_ACCESS_DENIED;
  irq_state_t state = spin_lock_irqsave(&p->lock);
  if (t->state != THREAD_INITIAL || t->running_ref_taken || t->killed ||
      p->state != (first ? PROCESS_INITIAL : PROCESS_RUNNING)) {
    spin_unlock_irqrestore(&p->lock, state);
    return ZX_ERR_BAD_STATE;
  }
  t->running_ref_taken = true;
  if (first) p->start_time = arch_monotonic_ns();
  if (first && p->group) shared_group_member_started(p);
  __atomic_store_n(&p->ever_started, true, __ATOMIC_RELEASE);
  arch_thread_init_user(t, entry, sp, regs);
  // Placed under the lock, so JANUS_PROP_THREAD_CPU (sys_object.c) sees either an
  // unstarted thread or the CPU it runs on.
  t->cpu = thread_choose_cpu(t, THREAD_ANY_CPU);
  kobject_ref(&t->obj);  // dropped when the thread is dead (sched.c)
  if (first) kobject_ref(&p->obj);  // a running process keeps itself until dead
  t->process_next = p->threads;
  p->threads = t;
  p->live_threads++;
  p->state = PROCESS_RUNNING;
  spin_unlock_irqrestore(&p->lock, state);
  object_signal(&t->obj, 0, ZX_THREAD_RUNNING);
  thread_start(t, t->cpu);
  return ZX_OK;
}

static zx_status_t start_program(struct process *p, uintptr_t entry, uintptr_t sp, bool bootfs) {
  if (p->state != PROCESS_INITIAL) return ZX_ERR_BAD_STATE;
  struct thread *t;
  zx_status_t status = thread_create_user(p, p->name, &t);
  if (status != ZX_OK) return status;
  // x0-x4: handles to the process, its first thread, its root VMAR, its job, the bootfs.
  zx_handle_t h[5] = {ZX_HANDLE_INVALID, ZX_HANDLE_INVALID, ZX_HANDLE_INVALID, ZX_HANDLE_INVALID,
                      ZX_HANDLE_INVALID};
  status = handle_table_add(p->handles, &p->obj, ZX_DEFAULT_PROCESS_RIGHTS, &h[0]);
  if (status == ZX_OK) status = handle_table_add(p->handles, &t->obj, ZX_DEFAULT_THREAD_RIGHTS, &h[1]);
  if (status == ZX_OK) status = process_root_vmar_handle(p, &h[2]);
  if (status == ZX_OK && p->job) status = job_handle_for(p, &h[3]);
  if (status == ZX_OK && bootfs) status = bootfs_handle_for(p, &h[4]);
  const uint64_t regs[PROCESS_START_REGS] = {h[0], h[1], h[2], h[3], h[4]};
  if (status == ZX_OK) status = process_start_thread_regs(p, t, entry, sp, regs, true);
  if (status != ZX_OK) {
    for (unsigned i = 0; i < 5; i++)
      if (h[i] != ZX_HANDLE_INVALID) handle_table_close(p->handles, h[i]);
  }
  kobject_unref(&t->obj);  // the table and the running thread hold their own
  return status;
}

zx_status_t process_start(struct process *p, uintptr_t entry, uintptr_t sp) {
  return start_program(p, entry, sp, false);
}

zx_status_t process_start_with_bootfs(struct process *p, uintptr_t entry, uintptr_t sp) {
  return start_program(p, entry, sp, true);
}

void process_kill(struct process *p, int64_t code) {
  irq_state_t state = spin_lock_irqsave(&p->lock);
  if (p->state == PROCESS_INITIAL) {
    // Never started: no thread will tear it down, so we do, once no thread can start.
    p->state = PROCESS_DYING;
    p->return_code = code;
    spin_unlock_irqrestore(&p->lock, state);
    process_teardown(p);
    return;
  }
  if (p->state == PROCESS_RUNNING) {
    p->state = PROCESS_DYING;
    p->return_code = code;
  }
  for (struct thread *t = p->threads; t; t = t->process_next) {
    t->killed = true;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);  // pairs with thread_sleep_until's
    sched_wake(t);  // a blocked thread notices when it runs again
  }
  spin_unlock_irqrestore(&p->lock, state);
  // Threads notice at their next return to user mode; a kick makes that prompt.
  for (unsigned cpu = 0; cpu < cpu_count; cpu++)
    if (cpu != arch_cpu_index()) arch_cpu_kick(cpu);
}

void thread_kill(struct thread *t) {
  struct process *p = t->process;
  irq_state_t state = spin_lock_irqsave(&p->lock);
  t->killed = true;  // a thread not started yet can now never start
  __atomic_thread_fence(__ATOMIC_SEQ_CST);  // pairs with thread_sleep_until's
  spin_unlock_irqrestore(&p->lock, state);
  sched_wake(t);  // if blocked: it notices when it runs again
  if (t->cpu != arch_cpu_index()) arch_cpu_kick(t->cpu);
}

void process_exit_current(int64_t code) {
  process_kill(process_current(), code);
  process_thread_exit();
}

void process_thread_exit(void) {
  struct thread *self = thread_current();
  struct process *p = self->process;
  irq_state_t state = spin_lock_irqsave(&p->lock);
  struct thread **link = &p->threads;
  while (*link != self) link = &(*link)->process_next;
  *link = self->process_next;
  bool last = --p->live_threads == 0;
  spin_unlock_irqrestore(&p->lock, state);
  // No CPU may keep p's tables in TTBR0 once the last thread frees them.
  arch_aspace_activate(NULL, false);  // and no TTBR1 p's group's window
  if (last) {
    process_teardown(p);
    kobject_unref(&p->obj);  // the running process's reference to itself
  }
  thread_exit();
}

int64_t process_wait(struct process *p) {
  object_wait(&p->obj, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL);
  return p->return_code;
}
