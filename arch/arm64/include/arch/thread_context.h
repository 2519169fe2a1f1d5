// What arch_context_switch saves: the callee-saved registers and the kernel stack.
#ifndef ARCH_THREAD_CONTEXT_H_
#define ARCH_THREAD_CONTEXT_H_

#include <stdint.h>

struct arch_thread_context {
  uint64_t x19_to_x28[10];
  uint64_t fp;  // x29
  uint64_t lr;  // x30: where the thread resumes
  uint64_t sp;
};

struct thread;
// Switches CPU state from prev to next (address space, registers); returns in prev
// when something switches back to it.
void arch_thread_switch(struct thread *prev, struct thread *next);
// Sets up a new kernel thread's context so its first switch-in runs entry(arg).
void arch_thread_init_kernel(struct thread *t);

#endif  // ARCH_THREAD_CONTEXT_H_
