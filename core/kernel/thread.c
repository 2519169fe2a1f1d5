// Thread lifetime: kernel stacks from the page allocator, start, exit, join.
//
// The life cycle (enum thread_state). Every change goes through thread_set_state,
// which test kernels check against this table:
//
//   INITIAL --start--> READY --switch in--> RUNNING --exit--> EXITING --switch tail--> DEAD
//                        ^                   |  |
//                        +----preempt/yield--+  |
//                        +------wake---- BLOCKED <--block----+
//
//   transition         who                                   under
//   INITIAL -> READY   the starter (sched_start)             t->cpu's run-queue lock; a
//                                                            user thread only after
//                                                            process_start_thread_regs
//                                                            committed under p->lock,
//                                                            which a kill also takes
//   READY -> RUNNING   schedule() on t->cpu, popping it      the run-queue lock
//   RUNNING -> READY   t itself in schedule() (preempted,    the run-queue lock
//                      yielding)
//   RUNNING -> BLOCKED t itself, before it checks why it     the lock of the wait it
//                      would wait (thread_block_locked,      joins (or none: sleeps and
//                      thread_sleep_until)                   kills are seen by fences)
//   BLOCKED -> READY   any waker: a signal, a futex wake,    t->cpu's run-queue lock
//                      a timer, a kill, t itself when the
//                      reason to wait is already gone
//   RUNNING -> EXITING t itself in thread_exit, for good     interrupts masked; no lock:
//                                                            nobody else changes a
//                                                            RUNNING thread
//   EXITING -> DEAD    the next thread on t->cpu             (its CPU alone) after
//                      (sched_switch_tail), after freeing    freeing the stack
//                      t's kernel stack
//
// So a wakeup acts on BLOCKED alone: a kill's sched_wake of a thread that is exiting or
// dead does nothing, and a thread never returns to a run queue once it began to exit.
// READY means "on its run queue": a thread woken inside its block window (BLOCKED, not
// yet switched out) is READY and queued while still current; its schedule() then finds
// it READY and does not queue it twice. The idle threads are RUNNING for good. An
// INITIAL thread that never starts is freed as it is (thread_destroy_unstarted).
#include <janus/arch.h>
#include <janus/testing.h>
#include <janus/cpu.h>
#include <janus/panic.h>
#include "core/object/process.h"
#include <janus/thread.h>
#include <stdlib.h>
#include <string.h>

#include <janus/pmm.h>
#include "core/object/exception.h"
#include "core/object/restricted.h"
#include "core/kernel/sched_internal.h"
#include "core/vm/slab.h"

static unsigned next_cpu;
static uint64_t kstack_pages;  // atomic: kernel memory statistics

uint64_t thread_kstack_pages(void) { return __atomic_load_n(&kstack_pages, __ATOMIC_RELAXED); }

// Kernel stacks are physmap pages with no guard page below. What stands in for one:
// the lowest word of every stack holds KSTACK_POISON, checked when the stack is freed
// (an overflow that reached it panics there, naming the thread); and test kernels
// paint the whole stack at creation and measure at free how deep it went: the deepest
// use is kept (thread_kstack_deepest, printed at exit) and a thread that came within
// KSTACK_MARGIN of the bottom panics, so a test that nears the size fails loudly.
#define KSTACK_MARGIN 2048u
static uint64_t kstack_deepest;  // bytes (atomic; test kernels)

uint64_t thread_kstack_deepest(void) { return __atomic_load_n(&kstack_deepest, __ATOMIC_RELAXED); }

static void kstack_paint(struct thread *t) {
  uint64_t *w = (uint64_t *)t->kstack_bottom;
  *w = KSTACK_POISON;
#if KCONFIG_SELFTEST
  while (++w < (uint64_t *)t->kstack_top) *w = KSTACK_POISON;
#endif
}

static void kstack_check(const struct thread *t) {
  const uint64_t *w = (const uint64_t *)t->kstack_bottom;
  if (*w != KSTACK_POISON) panic("thread %s overflowed its kernel stack", t->name);
#if KCONFIG_SELFTEST
  while (w < (const uint64_t *)t->kstack_top && *w == KSTACK_POISON) w++;
  uint64_t used = t->kstack_top - (uintptr_t)w;
  uint64_t deepest = thread_kstack_deepest();
  while (used > deepest &&
         !__atomic_compare_exchange_n(&kstack_deepest, &deepest, used, true, __ATOMIC_RELAXED,
                                      __ATOMIC_RELAXED)) {
  }
  if (used > t->kstack_top - t->kstack_bottom - KSTACK_MARGIN)
    panic("thread %s used %lu bytes of its %lu-byte kernel stack", t->name, (unsigned long)used,
          (unsigned long)(t->kstack_top - t->kstack_bottom));
#endif
}
static struct slab_cache thread_cache = SLAB_CACHE("thread", sizeof(struct thread));

zx_status_t thread_create_kernel(const char *name, void (*entry)(void *), void *arg,
                                 struct thread **out) {
  struct thread *t = slab_alloc(&thread_cache);
  if (!t) return ZX_ERR_NO_MEMORY;
  paddr_t stack;
  if (pmm_alloc(THREAD_KSTACK_ORDER, &stack) != ZX_OK) {
    slab_free(&thread_cache, t);
    return ZX_ERR_NO_MEMORY;
  }
  __atomic_fetch_add(&kstack_pages, 1u << THREAD_KSTACK_ORDER, __ATOMIC_RELAXED);
  t->kstack_bottom = (uintptr_t)paddr_to_kva(stack);
  t->kstack_top = t->kstack_bottom + (PAGE_SIZE << THREAD_KSTACK_ORDER);
  kstack_paint(t);
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
  // A pinned thread (JANUS_PROP_THREAD_CPU, core/syscalls/sys_object.c) goes where it asked.
  if (cpu == THREAD_ANY_CPU) cpu = t->pinned_cpu;
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
  // then marks us dead. No wakeup (a kill's, say) applies to an EXITING thread.
  thread_set_state(self, THREAD_EXITING);
  cpu->dead = self;
  schedule();
  panic("dead thread %s ran again", self->name);
}

void thread_join(struct thread *t) {
  while (__atomic_load_n(&t->state, __ATOMIC_ACQUIRE) != THREAD_DEAD) thread_yield();
  slab_free(&thread_cache, t);
}

void thread_destroy_unstarted(struct thread *t) {
  thread_free_kstack(t);
  slab_free(&thread_cache, t);
}

void thread_free_kstack(struct thread *t) {
  kstack_check(t);
#if KCONFIG_SELFTEST
  // A return or load through a stale frame of this stack faults at once.
  for (uint64_t *w = (uint64_t *)t->kstack_bottom; w < (uint64_t *)t->kstack_top; w++)
    *w = KSTACK_POISON;
#endif
  __atomic_fetch_sub(&kstack_pages, 1u << THREAD_KSTACK_ORDER, __ATOMIC_RELAXED);
  pmm_free(kva_to_paddr((void *)t->kstack_bottom), THREAD_KSTACK_ORDER);
}

#if KCONFIG_SELFTEST
static const char *const state_names[] = {
    [THREAD_INITIAL] = "INITIAL", [THREAD_READY] = "READY",     [THREAD_RUNNING] = "RUNNING",
    [THREAD_BLOCKED] = "BLOCKED", [THREAD_EXITING] = "EXITING", [THREAD_DEAD] = "DEAD",
};

// The table at the top of this file: allowed[from] has bit `to` set.
#define TO(s) (1u << (s))
static const unsigned allowed[] = {
    [THREAD_INITIAL] = TO(THREAD_READY),
    [THREAD_READY] = TO(THREAD_RUNNING),
    [THREAD_RUNNING] = TO(THREAD_READY) | TO(THREAD_BLOCKED) | TO(THREAD_EXITING),
    [THREAD_BLOCKED] = TO(THREAD_READY),
    [THREAD_EXITING] = TO(THREAD_DEAD),
    [THREAD_DEAD] = 0,
};

void thread_check_transition(const struct thread *t, enum thread_state from, enum thread_state to) {
  if ((unsigned)from > THREAD_DEAD || (unsigned)to > THREAD_DEAD || !(allowed[from] & TO(to)))
    panic("thread %s: bad state transition %s -> %s", t->name,
          (unsigned)from <= THREAD_DEAD ? state_names[from] : "?",
          (unsigned)to <= THREAD_DEAD ? state_names[to] : "?");
}
#endif

// The last reference to a user thread: it is dead, or it never started.
static void thread_object_destroy(struct kobject *obj) {
  struct thread *t = (struct thread *)obj;
  struct process *p = t->process;
  restricted_thread_release(t);
  exception_channel_release(&t->exception_channel);
  if (t->state == THREAD_INITIAL)
    thread_destroy_unstarted(t);
  else
    slab_free(&thread_cache, t);
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
  t->aspace = &p->aspace;
  *out = t;
  return ZX_OK;
}
