// Assembler helpers shared by the .S files.
#ifndef ARCH_ASM_H_
#define ARCH_ASM_H_

#ifdef __ASSEMBLY__
// Call-frame information goes to .debug_frame, for debuggers only (.eh_frame is not
// kept in the image).
.cfi_sections .debug_frame

// Opens a CFI region whose code has no caller: the frame-pointer chain and gdb's
// backtrace end here (x29 = 0, x30 undefined). Close it with .cfi_endproc.
.macro OUTERMOST_FRAME
  .cfi_startproc
  .cfi_undefined x30
  mov x29, #0
.endm

// Address of a symbol, PC-relative (+-4 GiB): valid before and after relocation.
.macro adr_l reg, sym
  adrp \reg, \sym
  add \reg, \reg, :lo12:\sym
.endm

.macro FUNCTION name
  .global \name
  .type \name, %function
  .balign 4
\name:
.endm

.macro END name
  .size \name, . - \name
.endm
#endif

#endif  // ARCH_ASM_H_
