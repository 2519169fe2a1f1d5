// arm64 side of threads: initial contexts and the switch. A switch between user
// threads also switches the address space and the user-visible FP/TLS registers;
// the kernel never uses FP, so kernel threads skip that work.
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

void arch_thread_switch(struct thread *prev, struct thread *next) {
  if (prev->process) {
    fpsimd_save(prev->user.fpsimd);
    prev->user.tpidr_el0 = read_sysreg(tpidr_el0);
  }
  if (next->process) {
    fpsimd_restore(next->user.fpsimd);
    write_sysreg(tpidr_el0, next->user.tpidr_el0);
    // No-op within one process and mode; TTBR0 only within one shared group.
    arch_aspace_activate(&next->process->aspace, next->in_restricted);
  } else {
    arch_aspace_activate(NULL, false);  // kernel threads see no user mappings
  }
  arch_context_switch(&prev->context, &next->context);
}
