// Restricted mode's round trip in assembly: zx_restricted_enter moves the bound state
// straight into the CPU's registers, and an svc in restricted mode moves the CPU's
// registers straight into the bound state, with no trap frame in between; both
// switch the translation tables with arch_aspace_set_restricted (its ASID fast path)
// and the vector table (vectors.S: restricted_vectors in restricted mode).
// Everything else goes the C way: errors, kicks, a vector enter has not checked yet,
// pending return work (enter_slow, restricted.c), and every exception in restricted
// mode but svc (exception_sync_user: demand paging first).
#include <arch/asm.h>
#include <asm_offsets.h>

.altmacro
#include "frame_macros.inc"

.if STATE_SP != STATE_X30 + 8 || STATE_PC != STATE_SP + 8 || STATE_TPIDR != STATE_PC + 8
.error "zx_restricted_state_t: x0-x30, sp, pc, tpidr_el0 expected in that order"
.endif
.if STATE_X30 != 8 * 30 || BINDING_NORMAL_TPIDR != BINDING_NORMAL_SP + 8
.error "zx_restricted_state_t's x0-x30, or struct arch_normal_state's sp and tpidr_el0, moved"
.endif
.if THREAD_RESTRICTED_KICK != THREAD_KILLED + 1 || (USER_END & (USER_END - 1)) != 0
.error "struct thread: restricted_kick after killed; user addresses end at a power of two"
.endif
.if BINDING_CONTEXT != BINDING_VECTOR + 8 || RESTRICTED_REASON_SYSCALL != 0
.error "struct restricted_binding: context after vector; the syscall reason is 0"
.endif

.text
  .cfi_startproc
  .cfi_undefined x30

// zx_restricted_enter(options x0, vector x1, context x2): syscall_table's entry, called
// by vectors.S's el0_sync like an implementation (x18, x19, x30 and the system
// registers in the frame; x8-x17 free). The fast path needs options 0, a state bound,
// the vector of the last enter (already checked: struct restricted_binding), no
// kick, kill or reschedule pending, and a state that can run (cpsr only NZCV, pc in
// the TTBR0 range; read once, and what is checked is what runs). It never returns:
// it erets into restricted mode.
.global el0_restricted_enter
el0_restricted_enter:
  msr daifset, #2
  mrs x10, tpidr_el1
  ldr x11, [x10, #CPU_CURRENT]
  ldr x8, [x11, #THREAD_RESTRICTED]
  cbz x8, enter_slow
  ldr x9, [x8, #BINDING_VECTOR]
  cmp x1, x9
  ccmp x0, #0, #0, eq                   // options (when the vector matched; else "ne")
  b.ne enter_slow
  ldrb w9, [x10, #CPU_NEED_RESCHED]
  ldrh w10, [x11, #THREAD_KILLED]       // and restricted_kick
  orr w9, w9, w10
  cbnz w9, enter_slow
  ldr x9, [x8, #BINDING_STATE]
  ldr x10, [x9, #STATE_PC]
  ldr w12, [x9, #STATE_CPSR]
  tst w12, #~SPSR_NZCV_BITS
  b.ne enter_slow
  cmp x10, #USER_BASE
  b.lo enter_slow
  tst x10, #~(USER_END - 1)
  b.ne enter_slow
  // Committed: normal mode's sp and TLS to the binding, the state to the CPU.
  str x2, [x8, #BINDING_CONTEXT]
  mrs x13, sp_el0
  mrs x14, tpidr_el0
  stp x13, x14, [x8, #BINDING_NORMAL_SP]
  ldr x13, [x9, #STATE_SP]
  ldr x14, [x9, #STATE_TPIDR]
  msr sp_el0, x13
  msr tpidr_el0, x14
  msr elr_el1, x10
  msr spsr_el1, x12                     // EL0t, interrupts on, the guest's NZCV
  adrp x13, restricted_vectors
  msr vbar_el1, x13
  mov w13, #1
  strb w13, [x11, #THREAD_IN_RESTRICTED]
  mov x19, x9                           // callee-saved: the state, across the call
  ldr x0, [x11, #THREAD_ASPACE]
  bl arch_aspace_enter_restricted
  REGS_AT ldp, 0, 17, x19
  REGS_AT ldp, 20, 29, x19
  ldr x30, [x19, #STATE_X30]
  ldp x18, x19, [x19, #(8 * 18)]        // the base register last
  eret

// The C (sys_restricted_enter) with the whole frame, for return_to_user: on ZX_OK it
// rewrote the frame (restricted mode's registers, or the vector for a pending kick);
// any other status goes to x0, x1-x7 keep the caller's arguments, and x8-x17 are 0
// as after any syscall.
enter_slow:
  FRAME_REGS stp, 0, 7
  .irp off, 64, 80, 96, 112, 128
  stp xzr, xzr, [sp, #\off]
  .endr
  FRAME_REGS stp, 20, 29
  msr daifclr, #2
  bl sys_restricted_enter
  sxtw x0, w0
  cbz x0, return_to_user
  str x0, [sp]
  b return_to_user

// An exception in restricted mode (restricted_vectors' slot: interrupts masked, x10
// and x11 saved in the frame, x11 = the thread). An svc leaves restricted mode here:
// its registers go straight to the bound state (x10 and x11 by way of the frame),
// normal mode's sp, TLS, vector, vector table and translation tables come back, and it
// resumes at the vector with x0 = context, x1 = ZX_RESTRICTED_REASON_SYSCALL and every
// other register 0. A pending kill or reschedule takes the return work with that
// frame; a kick stays latched for the next enter, as restricted_exit leaves it.
.global el0_restricted_sync
el0_restricted_sync:
  mrs x10, esr_el1
  lsr x10, x10, #26
  cmp x10, #EC_SVC64
  b.ne restricted_exception
  ldr x10, [x11, #THREAD_RESTRICTED]    // bound: only the thread itself unbinds
  ldr x10, [x10, #BINDING_STATE]
  REGS_AT stp, 0, 9, x10
  ldp x0, x1, [sp, #80]                 // the guest's x10, x11
  stp x0, x1, [x10, #80]
  REGS_AT stp, 12, 29, x10
  mrs x0, sp_el0
  stp x30, x0, [x10, #STATE_X30]
  mrs x0, elr_el1                       // after the svc: the next instruction
  mrs x1, tpidr_el0
  stp x0, x1, [x10, #STATE_PC]
  mrs x0, spsr_el1
  and x0, x0, #SPSR_NZCV_BITS
  str w0, [x10, #STATE_CPSR]
  ldr x12, [x11, #THREAD_RESTRICTED]
  ldp x13, x14, [x12, #BINDING_NORMAL_SP]
  msr sp_el0, x13
  msr tpidr_el0, x14
  ldp x13, x20, [x12, #BINDING_VECTOR]  // x20 (callee-saved): the context
  msr elr_el1, x13
  msr spsr_el1, xzr                     // EL0t
  adrp x13, exception_vectors
  msr vbar_el1, x13
  strb wzr, [x11, #THREAD_IN_RESTRICTED]
  mov x19, x11
  ldr x0, [x11, #THREAD_ASPACE]
  bl arch_aspace_leave_restricted
  mrs x9, tpidr_el1
  ldrb w10, [x9, #CPU_NEED_RESCHED]
  ldrb w11, [x19, #THREAD_KILLED]
  orr w10, w10, w11
  cbnz w10, exit_return_work
  mov x0, x20
  mov x1, #RESTRICTED_REASON_SYSCALL
  ZERO_REGS 2, 7, x9                    // nothing of restricted mode or the kernel stays
  ZERO_REGS 10, 29, x9
  ldp x8, x9, [x9, #CPU_ZERO_PAIR]      // the base last
  mov x30, xzr
  eret

exit_return_work:                       // the same registers as a frame, for return_to_user
  stp x20, xzr, [sp]                    // x0 = context, x1 = the reason (0)
  .irp off, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224
  stp xzr, xzr, [sp, #\off]
  .endr
  mrs x9, sp_el0
  stp xzr, x9, [sp, #FRAME_X30]
  mrs x9, elr_el1
  stp x9, xzr, [sp, #FRAME_ELR]
  b return_to_user

restricted_exception:                   // the whole frame, then exception_sync_user
  FRAME_REGS stp, 0, 9
  FRAME_REGS stp, 12, 29
  SAVE_X30_AND_SYSREGS x10, x11
  b el0_sync_full
  .cfi_endproc
