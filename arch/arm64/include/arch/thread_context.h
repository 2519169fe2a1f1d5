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

// User-visible state the kernel itself never uses, switched with user threads.
struct arch_user_state {
  uint64_t fpsimd_state[66];  // q0-q31, fpsr, fpcr (fpsimd.S)
  uint64_t tpidr_el0;
  // Lazy FP/SIMD (thread.c): FPSIMD_LOADED means the registers hold this thread's
  // state and EL0 may use them (only while it runs); the rest counts the switch-ins
  // that still restore the state up front after a trap showed FP/SIMD use.
  uint8_t fpsimd;
};

struct thread;
// A user thread's FP/SIMD access trapped (CPACR_EL1.FPEN): load its state and let
// it use the registers until it is switched out. Interrupts masked.
void arch_fpsimd_trap(struct thread *self);
// Switches CPU state from prev to next (address space, registers); returns in prev
// when something switches back to it.
void arch_thread_switch(struct thread *prev, struct thread *next);
// Sets up a new kernel thread's context so its first switch-in runs entry(arg).
void arch_thread_init_kernel(struct thread *t);
// Sets up a user thread: its first switch-in "returns" to EL0 at entry with sp and
// x0.. = regs (PROCESS_START_REGS of them, <janus/process.h>), every other register zero.
void arch_thread_init_user(struct thread *t, uintptr_t entry, uintptr_t sp, const uint64_t *regs);

#endif  // ARCH_THREAD_CONTEXT_H_
