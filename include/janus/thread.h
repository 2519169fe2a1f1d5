// Threads and the scheduler: per-CPU run queues, round robin. A thread stays on the
// CPU it was started on (no migration yet), so only that CPU ever pops it.
#ifndef JANUS_THREAD_H_
#define JANUS_THREAD_H_

#include <arch/thread_context.h>
#include <janus/arch.h>
#include <janus/cpu.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include <janus/object.h>

// The life cycle of a thread: which transitions exist, who makes each and under which
// lock is the comment at the top of core/kernel/thread.c (and docs/design.md).
enum thread_state {
  THREAD_INITIAL,  // created, never started
  THREAD_READY,    // on its CPU's run queue
  THREAD_RUNNING,  // its CPU's current thread
  THREAD_BLOCKED,  // waiting for a wakeup (set by itself, still current until it switches)
  THREAD_EXITING,  // gone for good; no wakeup applies; the next thread frees its stack
  THREAD_DEAD,     // its stack is freed; only the struct remains, for its references
};

struct process;

struct thread {
  struct kobject obj;  // user threads are kernel objects (type THREAD); else unused
  struct arch_thread_context context;  // callee-saved registers, kernel sp
  volatile enum thread_state state;
  unsigned cpu;  // where it runs: set when it starts (thread_start), never changed
  struct thread *run_next;  // run queue link
  uintptr_t kstack_bottom, kstack_top;
  void (*entry)(void *arg);
  void *arg;
  struct process *process;  // NULL: a kernel thread
  const struct arch_aspace *aspace;  // its process's, loaded by the context switch; or NULL
  struct thread *process_next;  // the process's thread list
  volatile bool killed;         // leave at the next return to user mode
  // Latched by zx_restricted_kick until the next exit/enter (core/object/restricted.c).
  // Next to killed: restricted enter tests both with one load.
  volatile bool restricted_kick;
  bool running_ref_taken;       // started once: a thread cannot be started again
  unsigned pinned_cpu;  // JANUS_PROP_THREAD_CPU: the CPU asked for, or THREAD_ANY_CPU
  struct arch_user_state user;  // FP/SIMD and TLS registers of a user thread
  // Restricted mode (core/object/restricted.c). in_restricted changes only on the thread
  // itself with interrupts masked; the context switch reads it to pick the MMU state.
  bool in_restricted;
  struct restricted_binding *restricted;  // the bound state, or NULL
  // Exceptions (core/object/exception.c): the kernel's end of the thread's exception
  // channel, and while an exception waits for a handler, the frame it stopped with.
  struct channel *exception_channel;
  struct trap_frame *exception_frame;
  char name[ZX_MAX_NAME_LEN];
};

// A kernel thread, not yet running; thread_start makes it runnable.
zx_status_t thread_create_kernel(const char *name, void (*entry)(void *), void *arg,
                                 struct thread **out);
// Runnable on cpu. THREAD_ANY_CPU: on t->pinned_cpu if it was pinned, else the
// kernel's choice (round robin).
#define THREAD_ANY_CPU (~0u)
// 8 KiB kernel stack per thread. The deepest use of any test is 2,864 bytes (test kernels
// measure it: core/kernel/thread.c, printed at exit); the deepest frames by -fstack-usage
// are zx_channel_write_etc's, about 3 KiB with an interrupt on top.
#define THREAD_KSTACK_ORDER 1
void thread_start(struct thread *t, unsigned cpu);
uint64_t thread_kstack_pages(void);  // kernel stacks held (kernel memory statistics)
// Test kernels: the most any freed kernel stack was used, in bytes (core/kernel/thread.c).
uint64_t thread_kstack_deepest(void);
// The CPU thread_start(t, cpu) would put t on (for callers that must know it first).
unsigned thread_choose_cpu(const struct thread *t, unsigned cpu);
// A user thread of p, not started; the caller holds its reference.
zx_status_t thread_create_user(struct process *p, const char *name, struct thread **out);
// Frees a thread that was created but never started.
void thread_destroy_unstarted(struct thread *t);
__attribute__((noreturn)) void thread_exit(void);
void thread_yield(void);
// Inline: the syscall, exception and restricted-mode paths ask for it several times each.
static inline struct thread *thread_current(void) { return arch_this_cpu()->current; }

// Scheduler
void sched_init_cpu(unsigned cpu);  // the boot context becomes this CPU's idle thread
__attribute__((noreturn)) void sched_idle_loop(void);
void sched_block(void);             // caller set state BLOCKED under its wait lock
void sched_wake(struct thread *t);   // a BLOCKED thread becomes ready (any other: no-op)
void sched_start(struct thread *t);  // an INITIAL thread becomes ready
void sched_tick(void);              // from the timer interrupt
bool sched_need_resched(void);
void schedule(void);

#endif  // JANUS_THREAD_H_
