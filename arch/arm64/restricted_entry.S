// Restricted mode's round trip in assembly: zx_restricted_enter moves the bound state
// straight into the CPU's registers, and an svc in restricted mode moves the CPU's
// registers straight into the bound state, with no trap frame in between; both
// switch the translation tables (the macros below, also arch_aspace_set_restricted for
// the C path) and the vector table (vectors.S: restricted_vectors in restricted mode).
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
.if BINDING_NORMAL_TTBR1 != BINDING_CONTEXT + 8
.error "struct restricted_binding: normal.ttbr1 right after context"
.endif
.if THREAD_RESTRICTED_KICK != THREAD_KILLED + 1
.error "struct thread: restricted_kick after killed"
.endif
.if BINDING_CONTEXT != BINDING_VECTOR + 8 || BINDING_VECTOR != BINDING_STATE + 8 || RESTRICTED_REASON_SYSCALL != 0
.error "struct restricted_binding: state, vector, context in that order; the syscall reason is 0"
.endif
.if SPSR_NZCV_BITS != 0xf0000000 || USER_END != 1 << USER_END_SHIFT
.error "the enter's checks: NZCV is cpsr's top four bits; USER_END_SHIFT is log2(USER_END)"
.endif
.if CPU_MMU_TTBR1 != CPU_MMU_RESTRICTED + 8 || CPU_MMU_TTBR0 != CPU_MMU_TTBR1 + 8 || CPU_MMU_KERNEL_ROOT != CPU_MMU_TTBR0 + 8 || CPU_MMU_TTBR0_PAIR != CPU_MMU_KERNEL_ROOT + 8 || CPU_MMU_TTBR0_PAIR > 504
.error "struct cpu_mmu: restricted, ttbr1_pa, ttbr0, kernel_root, ttbr0_pair in that order, in ldp's reach"
.endif

// The mode change, twice on every restricted round trip, for the running thread's own
// space \as (whose context switch claimed its ASID and stored TTBR0 with it in
// cpu_mmu.ttbr0; restricted mode's TTBR0 carries the ASID's pair, which the claim
// holds too: docs/asid.md, "Pairs"). A space without a window has one mode: nothing.
// With a window TTBR1 always changes (the window in normal mode, the kernel root in
// restricted mode), but unlike a context switch (aspace.c's load_ttbrs) it needs no
// pass through the reserved ASID: the kernel root maps nothing below the kernel's half
// but global kernel entries, so whichever of the two registers the walker uses first,
// no walk can tag a window entry with the wrong ASID, provided entering writes TTBR1
// first (the window goes while the normal ASID is still in TTBR0) and leaving writes
// TTBR0 first (the normal ASID is back before the window is). The ISB between the two
// writes orders them for the walker; none after: the callers touch only kernel memory
// (the same in either TTBR1) before the eret, which synchronizes.
// \window: the space's TTBR1 in normal mode (the window, or the kernel root when it
// has none); \ttbr0: entering, normal mode's TTBR0 (cpu_mmu.ttbr0; clobbered);
// \cpu: this CPU; \one: a register holding 1; t0-t2 scratch. ASID=off calls the C
// instead (arch_aspace_set_restricted_slow: one ASID for both modes, so it flushes the
// local TLB).
.macro TABLES_TO_RESTRICTED window, ttbr0, cpu, one, t0, t2
  ldp \t2, \t0, [\cpu, #CPU_MMU_KERNEL_ROOT]  // the kernel root, the pair bit
  cmp \window, \t2
  b.eq .Lsame\@
  orr \ttbr0, \ttbr0, \t0
  stp \one, \t2, [\cpu, #CPU_MMU_RESTRICTED]  // restricted = 1, ttbr1_pa
  msr ttbr1_el1, \t2
  isb
  msr ttbr0_el1, \ttbr0
.Lsame\@:
.endm

.macro TABLES_TO_NORMAL window, cpu, t1, t2
  ldp \t1, \t2, [\cpu, #CPU_MMU_TTBR0]
  cmp \window, \t2
  b.eq .Lsame\@
  stp xzr, \window, [\cpu, #CPU_MMU_RESTRICTED]  // restricted = 0, ttbr1_pa
  msr ttbr0_el1, \t1
  isb
  msr ttbr1_el1, \window
.Lsame\@:
.endm

// ASID=off: the C, when the space has a window, with keep_a and keep_b in the frame's
// x10/x11 slots (free by then) and x9 = this CPU again after it.
.macro MODE_CHANGE_IN_C as, restricted, keep_a, keep_b
  ldr x9, [\as, #ASPACE_NORMAL_TTBR1]
  mrs x10, tpidr_el1
  ldr x10, [x10, #CPU_MMU_KERNEL_ROOT]
  cmp x9, x10
  b.eq .Lsame\@
  stp \keep_a, \keep_b, [sp, #80]
  mov x0, \as
  mov w1, #\restricted
  bl arch_aspace_set_restricted_slow
  ldp \keep_a, \keep_b, [sp, #80]
.Lsame\@:
  mrs x9, tpidr_el1
.endm

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
  ldp x19, x9, [x8, #BINDING_STATE]     // x19 (callee-saved): the state; x9: the vector
  ldrb w12, [x10, #CPU_NEED_RESCHED]
  ldrh w13, [x11, #THREAD_KILLED]       // and restricted_kick
  ldp x14, x15, [x19, #STATE_SP]        // sp, pc
  ldr w16, [x19, #STATE_CPSR]
  // Every reason to go the C way ORed into x9: another vector, options, the flags, a pc
  // at or past USER_END, cpsr bits but NZCV (bits 0-27, shifted to the top); then a pc
  // below USER_BASE.
  eor x9, x9, x1
  orr x9, x9, x0
  orr x9, x9, x12
  orr x9, x9, x13
  orr x9, x9, x15, lsr #USER_END_SHIFT
  orr x9, x9, x16, lsl #36
  cmp x15, #USER_BASE
  ccmp x9, #0, #0, hs                   // (below USER_BASE: "ne")
  b.ne enter_slow
  // Committed: the context and normal mode's TTBR1 (still loaded: the window, if any),
  // sp and TLS to the binding, the state to the CPU.
  ldp x17, x18, [x10, #CPU_MMU_TTBR1]   // x18: normal mode's TTBR0
  stp x2, x17, [x8, #BINDING_CONTEXT]   // context, normal.ttbr1
  mrs x12, sp_el0
  mrs x13, tpidr_el0
  stp x12, x13, [x8, #BINDING_NORMAL_SP]
  ldr x12, [x19, #STATE_TPIDR]
  msr sp_el0, x14
  msr tpidr_el0, x12
  msr elr_el1, x15
  msr spsr_el1, x16                     // EL0t, interrupts on, the guest's NZCV
  adrp x12, restricted_vectors
  msr vbar_el1, x12
  mov x12, #1
  strb w12, [x11, #THREAD_IN_RESTRICTED]
.if ASID_OFF
  ldr x11, [x11, #THREAD_ASPACE]
  MODE_CHANGE_IN_C x11, 1, x19, x20
.else
  TABLES_TO_RESTRICTED x17, x18, x10, x12, x13, x14
.endif
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

// An svc in restricted mode (restricted_vectors' slot: interrupts masked, x10 and x11
// saved in the frame, x11 = the thread) leaves restricted mode
// here: its registers go straight to the bound state (x10 and x11 by way of the
// frame), normal mode's sp, TLS, vector, vector table and translation tables come
// back, and it resumes at the vector with x0 = context, x1 =
// ZX_RESTRICTED_REASON_SYSCALL and every other register 0 (x1 with them). A pending
// kill or reschedule takes the return work with that frame; a kick stays latched for
// the next enter, as restricted_exit leaves it.
.global el0_restricted_svc
el0_restricted_svc:
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
  ldp x13, x0, [x12, #BINDING_VECTOR]   // x0: the context
  msr elr_el1, x13
  msr spsr_el1, xzr                     // EL0t
  adrp x13, exception_vectors
  msr vbar_el1, x13
  strb wzr, [x11, #THREAD_IN_RESTRICTED]
.if ASID_OFF
  ldr x12, [x11, #THREAD_ASPACE]
  MODE_CHANGE_IN_C x12, 0, x0, x11
.else
  ldr x12, [x12, #BINDING_NORMAL_TTBR1]
  mrs x9, tpidr_el1
  TABLES_TO_NORMAL x12, x9, x13, x14
.endif
  ldrb w10, [x9, #CPU_NEED_RESCHED]
  ldrb w11, [x11, #THREAD_KILLED]
  orr w10, w10, w11
  cbnz w10, exit_return_work
  ZERO_REGS 1, 8, x9                    // x1 = the reason (0); nothing of restricted
  ZERO_REGS 11, 30, x9                  // mode or the kernel stays
  ldp x9, x10, [x9, #CPU_ZERO_PAIR]     // the base last
  eret

exit_return_work:                       // the same registers as a frame, for return_to_user
  stp x0, xzr, [sp]                     // x0 = context, x1 = the reason (0)
  .irp off, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224
  stp xzr, xzr, [sp, #\off]
  .endr
  mrs x9, sp_el0
  stp xzr, x9, [sp, #FRAME_X30]
  mrs x9, elr_el1
  stp x9, xzr, [sp, #FRAME_ELR]
  b return_to_user

// Any other exception from EL0 on restricted_vectors (x10 and x11 saved), in either
// mode: the whole frame, then exception_sync_user.
.global el0_restricted_exception
el0_restricted_exception:
  FRAME_REGS stp, 0, 9
  FRAME_REGS stp, 12, 29
  SAVE_X30_AND_SYSREGS x10, x11
  b el0_sync_full
  .cfi_endproc

// arch_aspace_set_restricted(as x0, restricted w1): the C path's mode change
// (core/object/restricted.c), ending with the ISB its caller may need.
.global arch_aspace_set_restricted
arch_aspace_set_restricted:
  .cfi_startproc
  mrs x2, tpidr_el1
.if ASID_OFF
  ldr x3, [x0, #ASPACE_NORMAL_TTBR1]
  ldr x2, [x2, #CPU_MMU_KERNEL_ROOT]
  cmp x3, x2
  b.ne arch_aspace_set_restricted_slow  // (ends with an ISB)
.else
  cbz w1, 1f
  mov x3, #1
  ldp x7, x8, [x2, #CPU_MMU_TTBR1]      // normal mode's: the window (if any), TTBR0
  TABLES_TO_RESTRICTED x7, x8, x2, x3, x4, x5
  isb
  ret
1:
  ldr x4, [x0, #ASPACE_NORMAL_TTBR1]
  TABLES_TO_NORMAL x4, x2, x5, x6
  isb
.endif
  ret
  .cfi_endproc
