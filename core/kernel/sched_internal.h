// Between the scheduler and thread lifetime code.
#ifndef CORE_SCHED_INTERNAL_H_
#define CORE_SCHED_INTERNAL_H_

// Every thread runs this right after it is switched in (also a new thread's first
// code): the previous thread may have left a dead stack to free.
void sched_switch_tail(void);
void thread_kernel_start(void (*entry)(void *), void *arg);

#endif  // CORE_SCHED_INTERNAL_H_
