// Assembler helpers shared by the .S files.
#ifndef ARCH_ASM_H_
#define ARCH_ASM_H_

#ifdef __ASSEMBLY__
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
