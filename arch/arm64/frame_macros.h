// Assembly only: struct trap_frame's layout checks and the macros that store and load
// its general registers (vectors.S, restricted_entry.S). Needs .altmacro.
#ifndef ARCH_ARM64_FRAME_MACROS_H_
#define ARCH_ARM64_FRAME_MACROS_H_

#include <asm_offsets.h>

// The frame is struct trap_frame (trap_frame.h): x0-x30, sp, elr, spsr. The macros
// below store x<n> at 8 * n and pair x30 with sp and elr with spsr; the assembler
// refuses a layout that disagrees.
.if FRAME_X30 != 8 * 30 || FRAME_SP != FRAME_X30 + 8 || FRAME_ELR != FRAME_SP + 8
.error "struct trap_frame: x0-x30, sp, elr, spsr expected in that order"
.endif
.if FRAME_SIZE != FRAME_ELR + 16 || FRAME_SIZE % 16
.error "struct trap_frame: spsr last, and a 16-byte multiple for sp"
.endif

// op (stp or ldp) x<first> .. x<last> at 8 * n from base (sp: the frame), in pairs
// (first even).
.macro REG_PAIR op, a, b, base
  \op x\a, x\b, [\base, #(8 * \a)]
.endm
.macro REGS_AT op, first, last, base
  REG_PAIR \op, \first, %(\first + 1), \base
  .if \first + 2 < \last
  REGS_AT \op, %(\first + 2), \last, \base
  .endif
.endm
.macro FRAME_REGS op, first, last
  REGS_AT \op, \first, \last, sp
.endm

// A syscall's frame but x10 and x11, which el0_sync saved first: x0-x9, x12-x19, x30,
// sp_el0, elr and spsr (x20-x29 are callee-saved in the C code and stay in place).
.macro SAVE_SYSCALL_FRAME
  FRAME_REGS stp, 0, 9
  FRAME_REGS stp, 12, 19
  SAVE_X30_AND_SYSREGS
.endm

// x30, sp_el0, elr and spsr into the frame (x9 and x10 scratch, already saved).
.macro SAVE_X30_AND_SYSREGS
  mrs x9, sp_el0
  stp x30, x9, [sp, #FRAME_X30]
  mrs x9, elr_el1
  mrs x10, spsr_el1
  stp x9, x10, [sp, #FRAME_ELR]
.endm

#endif  // ARCH_ARM64_FRAME_MACROS_H_
