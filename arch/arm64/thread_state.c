// zx_thread_state_general_regs_t <-> a stopped user thread's trap frame and TLS register.
#include <arch/trap_frame.h>
#include <janus/arch.h>
#include <janus/thread.h>
#include <string.h>
#include <zircon/syscalls/debug.h>

#define PSTATE_NZCV 0xf0000000ull  // what user code may change of its PSTATE

void arch_frame_get_regs(const struct thread *t, const struct trap_frame *frame,
                         struct zx_thread_state_general_regs *out) {
  memcpy(out->r, frame->x, sizeof out->r);
  out->lr = frame->x[30];
  out->sp = frame->sp;
  out->pc = frame->elr;
  out->cpsr = frame->spsr & PSTATE_NZCV;
  out->tpidr = t->user.tpidr_el0;  // saved when it was switched out
}

void arch_frame_set_regs(struct thread *t, struct trap_frame *frame,
                         const struct zx_thread_state_general_regs *in) {
  memcpy(frame->x, in->r, sizeof in->r);
  frame->x[30] = in->lr;
  frame->sp = in->sp;
  frame->elr = in->pc;
  frame->spsr = (frame->spsr & ~PSTATE_NZCV) | (in->cpsr & PSTATE_NZCV);
  t->user.tpidr_el0 = in->tpidr;  // restored when it is switched in
}
