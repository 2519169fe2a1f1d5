// arm64 side of threads: initial contexts and the switch. A switch between user
// threads also switches the address space and the user-visible FP/TLS registers;
// the kernel never uses FP, so kernel threads skip that work.
//
// FP/SIMD is switched lazily, as Zircon's arm64 kernel does: EL0 runs with FP/SIMD
// trapped (CPACR_EL1.FPEN) until its first use after a switch-in, which loads the
// thread's state (arch_fpsimd_trap); a switch-out saves the state only if it was
// loaded. A thread that does not touch FP/SIMD between two switches costs nothing
// (a yield round trip saved 84 instructions under QEMU). One that does pays a trap;
// so after a trap the next FPSIMD_EAGER_SWITCHES switch-ins restore up front, and
// a thread that keeps using FP/SIMD traps once in FPSIMD_EAGER_SWITCHES + 1.
// Invariant: EL0 may use FP/SIMD on a CPU iff its current thread has FPSIMD_LOADED.
#include <arch/sysreg.h>
#include <arch/thread_context.h>
#include <arch/trap_frame.h>
#include <janus/arch.h>
#include <janus/process.h>
#include <janus/thread.h>
#include <string.h>

void arch_context_switch(struct arch_thread_context *from, struct arch_thread_context *to);
void thread_trampoline(void);
void user_thread_trampoline(void);
void fpsimd_save(uint64_t *state);
void fpsimd_restore(const uint64_t *state);

void arch_thread_init_kernel(struct thread *t) {
  t->context.x19_to_x28[0] = (uint64_t)(uintptr_t)t->entry;
  t->context.x19_to_x28[1] = (uint64_t)(uintptr_t)t->arg;
  t->context.lr = (uint64_t)(uintptr_t)thread_trampoline;
  t->context.fp = 0;
  t->context.sp = t->kstack_top;
}

void arch_thread_init_user(struct thread *t, uintptr_t entry, uintptr_t sp, const uint64_t *regs) {
  struct trap_frame *frame = (struct trap_frame *)(t->kstack_top - sizeof *frame);
  memset(frame, 0, sizeof *frame);
  frame->elr = entry;
  frame->sp = sp;
  frame->spsr = SPSR_MODE_EL0T;  // interrupts unmasked at EL0
  memcpy(frame->x, regs, PROCESS_START_REGS * sizeof frame->x[0]);
  memset(&t->user, 0, sizeof t->user);
  t->context.lr = (uint64_t)(uintptr_t)user_thread_trampoline;
  t->context.fp = 0;
  t->context.sp = (uint64_t)(uintptr_t)frame;
}

#define FPSIMD_EAGER_SWITCHES 32
#define FPSIMD_LOADED 0x80u  // in arch_user_state.fpsimd, with the eager count below

static void fpsimd_access(bool el0) {
  // No ISB: the eret to EL0 synchronizes, and EL1 is never trapped.
  write_sysreg(cpacr_el1, el0 ? CPACR_FPEN_NO_TRAP : CPACR_FPEN_TRAP_EL0);
}

void arch_fpsimd_trap(struct thread *self) {
  fpsimd_restore(self->user.fpsimd_state);
  self->user.fpsimd = FPSIMD_LOADED | FPSIMD_EAGER_SWITCHES;
  fpsimd_access(true);
}

void arch_thread_switch(struct thread *prev, struct thread *next) {
  unsigned prev_fpsimd = prev->user.fpsimd;  // never loaded for kernel threads
  if (prev_fpsimd & FPSIMD_LOADED) {
    fpsimd_save(prev->user.fpsimd_state);
    prev->user.fpsimd = (uint8_t)(prev_fpsimd & ~FPSIMD_LOADED);
  }
  if (prev->aspace) prev->user.tpidr_el0 = read_sysreg(tpidr_el0);
  unsigned next_eager = next->user.fpsimd;  // 0 for kernel threads: they never trap
  if (next_eager) {
    fpsimd_restore(next->user.fpsimd_state);
    next->user.fpsimd = (uint8_t)(FPSIMD_LOADED | (next_eager - 1));
    if (!(prev_fpsimd & FPSIMD_LOADED)) fpsimd_access(true);
  } else if (prev_fpsimd & FPSIMD_LOADED) {
    fpsimd_access(false);
  }
  if (next->aspace) {
    write_sysreg(tpidr_el0, next->user.tpidr_el0);
    // No-op within one process and mode; TTBR0 only within one shared group.
    arch_aspace_activate(next->aspace, next->in_restricted);
  } else {
    arch_aspace_activate(NULL, false);  // kernel threads see no user mappings
  }
  arch_context_switch(&prev->context, &next->context);
}
