// Between the scheduler and thread lifetime code.
#ifndef CORE_SCHED_INTERNAL_H_
#define CORE_SCHED_INTERNAL_H_

#include <janus/thread.h>

// Every thread runs this right after it is switched in (also a new thread's first
// code): the previous thread may have left a dead stack to free.
void sched_switch_tail(void);
void thread_kernel_start(void (*entry)(void *), void *arg);

// Every change of t->state goes through here (the life cycle at the top of
// core/kernel/thread.c). Test kernels check the transition and panic naming it when
// it is not one of the life cycle's.
#if KCONFIG_SELFTEST
void thread_check_transition(const struct thread *t, enum thread_state from, enum thread_state to);
#else
static inline void thread_check_transition(const struct thread *t, enum thread_state from,
                                           enum thread_state to) {
  (void)t, (void)from, (void)to;
}
#endif
static inline void thread_set_state(struct thread *t, enum thread_state to) {
  thread_check_transition(t, t->state, to);
  t->state = to;
}

// Gives a thread's kernel stack back to the page allocator (test kernels poison it
// first, so that running on it again faults at once).
void thread_free_kstack(struct thread *t);
#define KSTACK_POISON 0xdead57acdead57acULL  // not a canonical address

#endif  // CORE_SCHED_INTERNAL_H_
