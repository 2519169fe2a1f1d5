// The exception vector table (VBAR_EL1) and the register save/restore around the C
// handlers (exception.c, user_entry.c). Each vector saves the whole frame (the C side
// may print it or rewrite it), except the syscall fast path (el0_sync), which saves
// only what the C code may clobber.
#include <arch/asm.h>
#include <asm_offsets.h>

.altmacro  // %(expr) arguments: FRAME_REGS computes register numbers
#include "frame_macros.inc"

// The unwinder stops at an exception entry: nothing called it, so x30 holds no return
// address (gdb's bt ends here instead of looping through the vectors).
.macro ENTRY_CFI
  .cfi_startproc
  .cfi_undefined x30
.endm

// el: 1 for exceptions from the kernel (sp is the kernel's), 0 from user mode (sp_el0).
.macro SAVE_FRAME el
  sub sp, sp, #FRAME_SIZE
  FRAME_REGS stp, 0, 29
  .if \el == 1
  add x21, sp, #FRAME_SIZE              // the interrupted sp
  .else
  mrs x21, sp_el0
  .endif
  stp x30, x21, [sp, #FRAME_X30]
  mrs x21, elr_el1
  mrs x22, spsr_el1
  stp x21, x22, [sp, #FRAME_ELR]
  mov x0, sp
.endm

.macro RESTORE_FRAME_AND_ERET el
  .if \el == 0
  ldr x21, [sp, #FRAME_SP]
  msr sp_el0, x21
  .endif
  ldp x21, x22, [sp, #FRAME_ELR]
  msr elr_el1, x21
  msr spsr_el1, x22
  FRAME_REGS ldp, 0, 29
  ldr x30, [sp, #FRAME_X30]
  add sp, sp, #FRAME_SIZE
  eret
.endm

// An entry the kernel does not handle yet: report it and stop.
.macro VECTOR_UNEXPECTED index
  .balign 128
  ENTRY_CFI
  SAVE_FRAME 1
  mov x1, #\index
  bl exception_unexpected
  b .
  .cfi_endproc
.endm

.macro VECTOR_TO label
  .balign 128
  b \label
.endm

.section .text.vectors, "ax"
.balign 2048
.global exception_vectors
exception_vectors:
  VECTOR_UNEXPECTED 0                   // EL1t: sync, irq, fiq, serror
  VECTOR_UNEXPECTED 1
  VECTOR_UNEXPECTED 2
  VECTOR_UNEXPECTED 3
  VECTOR_TO el1_sync                    // EL1h
  VECTOR_TO el1_irq
  VECTOR_UNEXPECTED 6
  VECTOR_UNEXPECTED 7
  VECTOR_TO el0_sync                    // EL0 AArch64
  VECTOR_TO el0_irq
  VECTOR_UNEXPECTED 10
  VECTOR_UNEXPECTED 11
  VECTOR_UNEXPECTED 12                  // EL0 AArch32: never
  VECTOR_UNEXPECTED 13
  VECTOR_UNEXPECTED 14
  VECTOR_UNEXPECTED 15

el1_sync:
  ENTRY_CFI
  SAVE_FRAME 1
  bl exception_sync_kernel
  RESTORE_FRAME_AND_ERET 1
  .cfi_endproc

el1_irq:
  ENTRY_CFI
  SAVE_FRAME 1
  bl exception_irq
  RESTORE_FRAME_AND_ERET 1
  .cfi_endproc

// A syscall from normal mode: x20-x29 are callee-saved in the C code, so they stay in
// their registers (their frame slots are stale) and only x0-x19, x30, sp_el0, elr and
// spsr are saved. x0-x7 stay in place as the wrapper's arguments; x9-x11 are scratch
// (saved). x10 and x11 go first: with them the entry tells restricted mode (every
// exception there leaves it) and zx_restricted_enter apart from the rest, and
// restricted_entry.S takes both without the rest of the frame. Everything else
// (faults, a bad number) completes the frame and goes to exception_sync_user.
  ENTRY_CFI                             // one CFI region: every path below is an entry's
el0_sync:
  sub sp, sp, #FRAME_SIZE
  stp x10, x11, [sp, #80]
  mrs x10, tpidr_el1
  ldr x11, [x10, #CPU_CURRENT]
  ldrb w10, [x11, #THREAD_IN_RESTRICTED]
  cbnz w10, el0_restricted_sync         // restricted_entry.S (x11: the thread)
  cmp x16, #SYSCALL_RESTRICTED_ENTER
  b.eq el0_restricted_enter             // restricted_entry.S (x11: the thread)
.global el0_sync_save
el0_sync_save:
  SAVE_SYSCALL_FRAME
  mrs x9, esr_el1
  lsr x9, x9, #26
  cmp x9, #EC_SVC64
  b.ne el0_sync_full
  cmp x16, #SYSCALLS
  b.hs el0_sync_full
  adrp x9, syscall_table                // page-aligned (syscall_table.h): no :lo12: add
  ldr x9, [x9, x16, lsl #3]
  msr daifclr, #2                       // syscalls may take a while; the tick keeps running
  blr x9
  // Back to user mode: the return work (user_return_work) only when a reschedule or a
  // kill is pending, the two flags tested with interrupts masked.
  msr daifset, #2
  mrs x9, tpidr_el1
  ldrb w10, [x9, #CPU_NEED_RESCHED]
  ldr x11, [x9, #CPU_CURRENT]
  ldrb w11, [x11, #THREAD_KILLED]
  orr w10, w10, w11
  cbnz w10, el0_svc_return_work
el0_svc_restore:                        // x0 holds the result
  ldr x9, [sp, #FRAME_SP]
  msr sp_el0, x9
  ldp x9, x10, [sp, #FRAME_ELR]
  msr elr_el1, x9
  msr spsr_el1, x10
  ldr x1, [sp, #8]
  FRAME_REGS ldp, 2, 19
  ldr x30, [sp, #FRAME_X30]
  add sp, sp, #FRAME_SIZE
  eret

el0_svc_return_work:
  str x0, [sp]
  mov x0, sp
  bl user_return_work                   // may switch threads: x20-x29 survive as callee-saved
  ldr x0, [sp]
  b el0_svc_restore

.global el0_sync_full
el0_sync_full:
  FRAME_REGS stp, 20, 29
  mov x0, sp
  bl exception_sync_user
  b return_to_user

// zx_restricted_enter when restricted_entry.S's fast path does not apply (any error, a
// kick, a vector not yet checked, pending return work), with the syscall's frame saved:
// on ZX_OK the wrapper rewrote the whole frame (restricted mode's registers, or the
// vector for a pending kick); any other status goes to x0.
.global el0_restricted_enter_slow
el0_restricted_enter_slow:
  FRAME_REGS stp, 20, 29
  adrp x9, syscall_table
  add x9, x9, :lo12:syscall_table
  ldr x9, [x9, #SYSCALL_RESTRICTED_ENTER * 8]
  msr daifclr, #2
  blr x9
  cbz x0, return_to_user
  str x0, [sp]
  b return_to_user

el0_irq:
  SAVE_FRAME 0
  bl exception_irq
  b return_to_user

// Also the first code of a new user thread: its kernel stack holds a frame to "return" to.
// The return work (reschedule, die if killed, leave restricted mode on a kick) runs
// only when one of its three flags is set, tested with interrupts masked.
.global return_to_user
return_to_user:
  msr daifset, #2
  mrs x9, tpidr_el1
  ldrb w10, [x9, #CPU_NEED_RESCHED]
  ldr x11, [x9, #CPU_CURRENT]
  ldrb w12, [x11, #THREAD_KILLED]
  ldrb w13, [x11, #THREAD_RESTRICTED_KICK]
  orr w10, w10, w12
  orr w10, w10, w13
  cbz w10, 1f
  mov x0, sp
  bl user_return_work                   // returns with IRQs masked
1:
  RESTORE_FRAME_AND_ERET 0
  .cfi_endproc
