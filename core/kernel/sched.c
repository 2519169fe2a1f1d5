// Per-CPU round-robin run queues. Only the owning CPU pops its queue; other CPUs
// push (wakeups) and then ping it. schedule() runs with interrupts masked.
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/panic.h>
#include <janus/spinlock.h>
#include <janus/thread.h>
#include <stdlib.h>

#include "core/kernel/sched_internal.h"
#include "core/object/signals.h"

#define TICKS_PER_SLICE 2  // 20 ms at the 100 Hz tick

// A cache line each: CPUs push onto each other's queues, and the index is a shift.
struct run_queue {
  spinlock_t lock;
  struct thread *head, *tail;
} __attribute__((aligned(64)));

static struct run_queue run_queues[MAX_CPUS];

// A queue's address, computed once and kept: GCC would otherwise recompute it (three
// instructions) at each use around the lock's barriers, on every wake and switch.
static inline struct run_queue *run_queue_of(unsigned cpu) {
  struct run_queue *q = &run_queues[cpu];
  __asm__("" : "+r"(q));
  return q;
}
static struct thread idle_threads[MAX_CPUS];


void sched_init_cpu(unsigned cpu) {
  struct thread *idle = &idle_threads[cpu];
  idle->state = THREAD_RUNNING;
  idle->cpu = cpu;
  idle->kstack_top = cpus[cpu].stack_top;
  idle->kstack_bottom = cpus[cpu].stack_bottom;
  idle->name[0] = 'i', idle->name[1] = 'd', idle->name[2] = 'l', idle->name[3] = 'e';
  cpus[cpu].idle = idle;
  cpus[cpu].current = idle;
}

static void push_locked(struct run_queue *q, struct thread *t) {
  t->run_next = NULL;
  if (q->tail) q->tail->run_next = t; else q->head = t;
  q->tail = t;
}

static struct thread *pop_locked(struct run_queue *q) {
  struct thread *t = q->head;
  if (t) {
    q->head = t->run_next;
    if (!q->head) q->tail = NULL;
  }
  return t;
}

// Queues t on its CPU if it is in state from (else: nothing to do). Inlined into its two
// callers (a wake is on every futex and signal round trip). t->cpu is read once: t is
// not touched after the unlock, when it may already run (and exit) elsewhere.
static inline __attribute__((always_inline)) void make_ready(struct thread *t,
                                                             enum thread_state from) {
  unsigned cpu = t->cpu;
  struct run_queue *q = run_queue_of(cpu);
  irq_state_t state = spin_lock_irqsave(&q->lock);
  if (t->state == from) {
    thread_set_state(t, THREAD_READY);
    push_locked(q, t);
  }
  spin_unlock_irqrestore(&q->lock, state);
  if (cpu != arch_cpu_index()) arch_cpu_kick(cpu);
}

void sched_wake(struct thread *t) { make_ready(t, THREAD_BLOCKED); }

void sched_start(struct thread *t) { make_ready(t, THREAD_INITIAL); }

// Runs in the thread that was switched to: frees what the previous one left.
void sched_switch_tail(void) {
  struct cpu *cpu = arch_this_cpu();
  struct thread *dead = cpu->dead;
  if (dead) {
    cpu->dead = NULL;
    thread_free_kstack(dead);
    thread_check_transition(dead, dead->state, THREAD_DEAD);
    __atomic_store_n(&dead->state, THREAD_DEAD, __ATOMIC_RELEASE);
    if (dead->obj.type == ZX_OBJ_TYPE_THREAD) {
      object_signal(&dead->obj, ZX_THREAD_RUNNING, ZX_THREAD_TERMINATED);
      kobject_unref(&dead->obj);  // the reference the running thread held
    }
  }
}

void schedule(void) {
  irq_state_t irq = arch_irq_save();
  struct cpu *cpu = arch_this_cpu();
  struct thread *prev = cpu->current;
  struct run_queue *q = run_queue_of(cpu->index);
  cpu->need_resched = false;
  spin_lock(&q->lock);
  if (prev->state == THREAD_RUNNING && prev != cpu->idle) {
    thread_set_state(prev, THREAD_READY);
    push_locked(q, prev);
  }
  struct thread *next = pop_locked(q);
  if (!next)
    next = cpu->idle;  // always RUNNING
  else
    thread_set_state(next, THREAD_RUNNING);  // READY: never a thread that exits
  spin_unlock(&q->lock);
  if (next != prev) {
    cpu->current = next;
    arch_thread_switch(prev, next);
    if (arch_this_cpu()->dead) sched_switch_tail();  // rare: no call otherwise
  }
  arch_irq_restore(irq);
}

// Both are schedule() itself (aliases: no call of their own on every block).
void sched_block(void) __attribute__((alias("schedule")));

void thread_yield(void) __attribute__((alias("schedule")));

void sched_tick(void) {
  struct cpu *cpu = arch_this_cpu();
  if (cpu->current != cpu->idle && cpu->ticks % TICKS_PER_SLICE == 0) cpu->need_resched = true;
}

bool sched_need_resched(void) { return arch_this_cpu()->need_resched; }

void sched_idle_loop(void) {
  for (;;) {
    schedule();
    arch_wait_for_interrupt();
  }
}
