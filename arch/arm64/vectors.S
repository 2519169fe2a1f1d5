// The exception vector tables (VBAR_EL1) and the register save/restore around the C
// handlers (exception.c, user_entry.c). Each vector saves the whole frame (the C side
// may print it or rewrite it), except the syscall fast path, which saves only what
// the C code may clobber and the user's C calling convention keeps.
//
// Two tables, the same but for the slot of EL0's synchronous exceptions:
// exception_vectors, whose slot is the syscall fast path, and restricted_vectors,
// whose slot goes to restricted_entry.S. Every return to EL0 in restricted mode runs
// with restricted_vectors (zx_restricted_enter's fast path, return_to_user), so a
// syscall in normal mode needs no restricted-mode test; restricted mode's exit sets
// exception_vectors back. A thread in normal mode may still come back to EL0 with
// restricted_vectors (another thread's, after a switch): their slot sends its svc on
// to the normal slot (and its faults to the same C as restricted mode's, which tells
// the modes apart). No ISB after the writes: the eret to EL0 synchronizes.
//
// While a thread runs at EL0, SP_EL1 points at its frame (the top of its kernel stack
// minus FRAME_SIZE): EL0's vectors find it without a sub, and every eret to EL0 leaves
// sp there.
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

// el: 1 for exceptions from the kernel (a frame below the interrupted sp), 0 from
// user mode (sp is already the frame; sp_el0 is the user's).
.macro SAVE_FRAME el
  .if \el == 1
  sub sp, sp, #FRAME_SIZE
  .endif
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
  .if \el == 1
  add sp, sp, #FRAME_SIZE
  .endif
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

// A vector table (2 KiB); el0_sync: the macro that fills EL0's synchronous slot.
.macro VECTOR_TABLE el0_sync
  VECTOR_UNEXPECTED 0                   // EL1t: sync, irq, fiq, serror
  VECTOR_UNEXPECTED 1
  VECTOR_UNEXPECTED 2
  VECTOR_UNEXPECTED 3
  VECTOR_TO el1_sync                    // EL1h
  VECTOR_TO el1_irq
  VECTOR_UNEXPECTED 6
  VECTOR_UNEXPECTED 7
  .balign 128                           // EL0 AArch64
  \el0_sync
  VECTOR_TO el0_irq
  VECTOR_UNEXPECTED 10
  VECTOR_UNEXPECTED 11
  VECTOR_UNEXPECTED 12                  // EL0 AArch32: never
  VECTOR_UNEXPECTED 13
  VECTOR_UNEXPECTED 14
  VECTOR_UNEXPECTED 15
.endm

// A syscall from normal mode, in the slot itself. x0-x17 are caller-saved in the C
// calling convention the user stubs follow, so they are not saved: x0-x7 stay in
// place as the implementation's arguments, and the return clears x1-x17 (x0: the
// result) so that nothing of the kernel's leaks. x18 (the platform register) is saved
// with x19, which the fast path may use as scratch; x20-x29 are callee-saved in the C
// code and stay in their registers. Anything else (a fault, a number past the table)
// completes the frame and goes to exception_sync_user.
.macro EL0_SYNC_NORMAL
  ENTRY_CFI
.global el0_sync
el0_sync:
  stp x18, x19, [sp, #(8 * 18)]
  mrs x18, esr_el1
  lsr x18, x18, #26
  cmp x16, #SYSCALLS
  ccmp x18, #EC_SVC64, #0, lo           // in range: an svc? (else "ne")
  b.ne el0_sync_other
  SAVE_X30_AND_SYSREGS x18, x19
  adrp x18, syscall_table               // page-aligned (syscall_table.S): no :lo12: add
  ldr x18, [x18, x16, lsl #3]
  msr daifclr, #2                       // syscalls may take a while; the tick keeps running
  blr x18
  sxtw x0, w0                           // a zx_status_t (syscall_table.S: the other types)
  b el0_svc_return
  .cfi_endproc
.endm

// restricted_vectors' slot (x10 and x11 saved): an svc goes to restricted_entry.S
// (x11 = the thread) when the thread is in restricted mode, else to the normal slot;
// anything else to the whole frame and exception_sync_user, which tells the modes
// apart itself.
.macro EL0_SYNC_RESTRICTED
  ENTRY_CFI
  stp x10, x11, [sp, #80]
  mrs x10, esr_el1
  lsr x10, x10, #26
  cmp x10, #EC_SVC64
  b.ne el0_restricted_exception
  mrs x10, tpidr_el1
  ldr x11, [x10, #CPU_CURRENT]
  ldrb w10, [x11, #THREAD_IN_RESTRICTED]
  cbz w10, el0_sync_misrouted
  b el0_restricted_svc
  .cfi_endproc
.endm

.section .text.vectors, "ax"
.balign 4096                            // adrp alone finds either table
.global exception_vectors
exception_vectors:
  VECTOR_TABLE EL0_SYNC_NORMAL

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

  ENTRY_CFI                             // one CFI region: every path below is an entry's
// Back to user mode from a syscall with the result in x0: the return work
// (user_return_work) only when a reschedule or a kill is pending, the two flags
// tested with interrupts masked.
.global el0_svc_return
el0_svc_return:
  msr daifset, #2
  mrs x9, tpidr_el1
  ldrb w10, [x9, #CPU_NEED_RESCHED]
  ldr x11, [x9, #CPU_CURRENT]
  ldrb w11, [x11, #THREAD_KILLED]
  orr w10, w10, w11
  cbnz w10, el0_svc_return_work
el0_svc_restore:                        // x9: this CPU
  ldp x30, x10, [sp, #FRAME_X30]
  msr sp_el0, x10
  ldp x10, x11, [sp, #FRAME_ELR]
  msr elr_el1, x10
  msr spsr_el1, x11
  ZERO_REGS 1, 8, x9                    // x1-x17 = 0, x9 (the base) last
  ZERO_REGS 10, 17, x9
  ldr x9, [x9, #CPU_ZERO_PAIR]
  ldp x18, x19, [sp, #(8 * 18)]
  eret

el0_svc_return_work:
  str x0, [sp]
  mov x0, sp
  bl user_return_work                   // may switch threads; x19-x29 are callee-saved
  ldr x0, [sp]
  mrs x9, tpidr_el1
  b el0_svc_restore

// A normal-mode thread on restricted_vectors (x10 and x11 saved): the normal table
// from now on, and its slot.
el0_sync_misrouted:
  adrp x10, exception_vectors
  msr vbar_el1, x10
  ldp x10, x11, [sp, #80]
  b el0_sync

// Not a syscall of the table (x18 and x19 saved): the whole frame, then the C.
el0_sync_other:
  FRAME_REGS stp, 0, 17
  FRAME_REGS stp, 20, 29
  SAVE_X30_AND_SYSREGS x18, x19
.global el0_sync_full
el0_sync_full:                          // the whole frame saved
  mov x0, sp
  bl exception_sync_user
  b return_to_user

el0_irq:
  SAVE_FRAME 0
  bl exception_irq
  b return_to_user

// Also the first code of a new user thread: sp points at a frame to "return" to.
// The return work (reschedule, die if killed, leave restricted mode on a kick) runs
// only when one of its three flags is set, tested with interrupts masked. Then the
// vector table of the mode the thread returns to.
.global return_to_user
return_to_user:
  msr daifset, #2
  mrs x9, tpidr_el1
  ldrb w10, [x9, #CPU_NEED_RESCHED]
  ldr x11, [x9, #CPU_CURRENT]
  ldrh w12, [x11, #THREAD_KILLED]       // and restricted_kick (restricted_entry.S checks)
  orr w10, w10, w12
  cbnz w10, return_work
return_restore:                         // x11: the current thread
  ldrb w12, [x11, #THREAD_IN_RESTRICTED]
  adrp x13, exception_vectors
  add x13, x13, x12, lsl #12            // restricted_vectors when 1 (the .org below)
  msr vbar_el1, x13
  RESTORE_FRAME_AND_ERET 0

return_work:
  mov x0, sp
  bl user_return_work                   // returns with IRQs masked
  mrs x9, tpidr_el1
  ldr x11, [x9, #CPU_CURRENT]
  b return_restore
  .cfi_endproc

.org exception_vectors + 4096           // an error if the code above outgrew the gap
.global restricted_vectors
restricted_vectors:
  VECTOR_TABLE EL0_SYNC_RESTRICTED
