// Thread lifetime: kernel stacks from the page allocator, start, exit, join.
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/panic.h>
#include <janus/process.h>
#include <janus/thread.h>
#include <stdlib.h>
#include <string.h>

#include "core/vm/pmm.h"
#include "core/object/exception.h"
#include "core/object/restricted.h"
#include "core/kernel/sched_internal.h"

static unsigned next_cpu;

zx_status_t thread_create_kernel(const char *name, void (*entry)(void *), void *arg,
                                 struct thread **out) {
  struct thread *t = calloc(1, sizeof *t);
  if (!t) return ZX_ERR_NO_MEMORY;
  paddr_t stack;
  if (pmm_alloc(THREAD_KSTACK_ORDER, &stack) != ZX_OK) {
    free(t);
    return ZX_ERR_NO_MEMORY;
  }
  t->kstack_bottom = (uintptr_t)paddr_to_kva(stack);
  t->kstack_top = t->kstack_bottom + (PAGE_SIZE << THREAD_KSTACK_ORDER);
  t->entry = entry;
  t->arg = arg;
  t->state = THREAD_INITIAL;
  t->pinned_cpu = THREAD_ANY_CPU;
  strncpy(t->name, name, sizeof t->name - 1);
  arch_thread_init_kernel(t);
  *out = t;
  return ZX_OK;
}

unsigned thread_choose_cpu(const struct thread *t, unsigned cpu) {
  // A pinned thread (JANUS_PROP_THREAD_CPU, core/syscalls/sys_object.c) goes where it asked, in
  // every kernel flavor.
  if (cpu == THREAD_ANY_CPU) cpu = t->pinned_cpu;
#if KCONFIG_BENCH
  // Bench kernels keep a new thread on the CPU that starts it, so the threads and
  // processes of a benchmark share one CPU and a switch is a switch, not a wakeup IPI.
  if (cpu == THREAD_ANY_CPU) cpu = arch_cpu_index();
#endif
  if (cpu == THREAD_ANY_CPU) cpu = __atomic_fetch_add(&next_cpu, 1, __ATOMIC_RELAXED) % cpu_count;
  return cpu;
}

void thread_start(struct thread *t, unsigned cpu) {
  t->cpu = thread_choose_cpu(t, cpu);
  sched_start(t);
}

// First C code of a new kernel thread (from thread_trampoline, interrupts masked).
void thread_kernel_start(void (*entry)(void *), void *arg) {
  sched_switch_tail();
  arch_irq_enable();
  entry(arg);
  thread_exit();
}

void thread_exit(void) {
  arch_irq_disable();
  struct cpu *cpu = arch_this_cpu();
  struct thread *self = cpu->current;
  ASSERT(self != cpu->idle);
  // The stack we run on is freed by the next thread (sched.c switch_tail), which
  // then marks us dead; until then we are neither runnable nor dead.
  self->state = THREAD_BLOCKED;
  cpu->dead = self;
  schedule();
  panic("dead thread %s ran again", self->name);
}

void thread_join(struct thread *t) {
  while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD) thread_yield();
  free(t);
}

void thread_destroy_unstarted(struct thread *t) {
  pmm_free(kva_to_paddr((void *)t->kstack_bottom), THREAD_KSTACK_ORDER);
  free(t);
}

// The last reference to a user thread: it is dead, or it never started.
static void thread_object_destroy(struct kobject *obj) {
  struct thread *t = (struct thread *)obj;
  struct process *p = t->process;
  restricted_thread_release(t);
  exception_channel_release(&t->exception_channel);
  if (t->state == THREAD_INITIAL)
    thread_destroy_unstarted(t);
  else
    free(t);
  kobject_unref(&p->obj);
}

static const struct kobject_ops thread_object_ops = {.destroy = thread_object_destroy};

zx_status_t thread_create_user(struct process *p, const char *name, struct thread **out) {
  struct thread *t;
  zx_status_t status = thread_create_kernel(name, NULL, NULL, &t);
  if (status != ZX_OK) return status;
  kobject_init(&t->obj, ZX_OBJ_TYPE_THREAD, &thread_object_ops);
  kobject_ref(&p->obj);  // t->process stays valid as long as t exists
  t->process = p;
  *out = t;
  return ZX_OK;
}
