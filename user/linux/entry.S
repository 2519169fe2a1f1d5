// Restricted-mode entry and the vector it comes back to (docs/design.md, "The Linux
// personality"). A Linux thread's FP/SIMD registers are the Janus thread's own, which
// the personality's C code (newlib's string routines) also uses: so they are saved
// on every exit before any such C runs and restored just before the entry after it.
// The calls of fastcall.c, futex.c's lx_dispatch_futex and pipe.c's lx_dispatch_pipe
// run before, in code without FP/SIMD registers, and re-enter with the registers
// untouched.
// struct lx_thread starts with fp[66] (q0-q31, fpsr, fpcr), then stack_top, then regs
// (user/linux/linux.h; thread.c checks the offsets).
#include "fastcall.h"
#define T_FP 0
#define T_STACK_TOP 528
#define T_REGS 536

.text
// lx_enter(t): never returns. sp becomes t's normal-mode stack top, which is also
// where the vector runs, so every round trip starts on an empty stack.
.globl lx_enter
.type lx_enter, %function
lx_enter:
  ldr x1, [x0, #T_STACK_TOP]
  mov sp, x1
  mov x19, x0
  ldp q0, q1, [x0, #T_FP + 0]
  ldp q2, q3, [x0, #T_FP + 32]
  ldp q4, q5, [x0, #T_FP + 64]
  ldp q6, q7, [x0, #T_FP + 96]
  ldp q8, q9, [x0, #T_FP + 128]
  ldp q10, q11, [x0, #T_FP + 160]
  ldp q12, q13, [x0, #T_FP + 192]
  ldp q14, q15, [x0, #T_FP + 224]
  ldp q16, q17, [x0, #T_FP + 256]
  ldp q18, q19, [x0, #T_FP + 288]
  ldp q20, q21, [x0, #T_FP + 320]
  ldp q22, q23, [x0, #T_FP + 352]
  ldp q24, q25, [x0, #T_FP + 384]
  ldp q26, q27, [x0, #T_FP + 416]
  ldp q28, q29, [x0, #T_FP + 448]
  ldp q30, q31, [x0, #T_FP + 480]
  add x5, x0, #T_FP + 512
  ldp x3, x4, [x5]
  msr fpsr, x3
  msr fpcr, x4
  mov x2, x0               // context: the thread
  adr x1, lx_vector
  mov x0, #0               // options
  bl zx_restricted_enter   // returns only on failure
  mov x1, x0
  mov x0, x19
  bl lx_enter_failed
.size lx_enter, . - lx_enter

// x0 = the thread (context), x1 = the reason; sp as lx_enter left it.
.type lx_vector, %function
.balign 4
lx_vector:
  mov x19, x0
  cbnz x1, 1f              // not a system call (ZX_RESTRICTED_REASON_SYSCALL is 0)
  ldr x9, [x0, #T_REGS]
  ldr x9, [x9, #8 * 8]     // x8: the number
  sub x9, x9, #LX_FAST_FIRST
  cmp x9, #LX_FAST_LAST - LX_FAST_FIRST
  b.ls 4f
  cmn x9, #LX_FAST_FIRST - LX_FAST_FUTEX
  b.eq 6f
  add x10, x9, #LX_FAST_FIRST - LX_FAST_READ
  cmp x10, #1              // read or write
  b.ls 7f
  cmn x9, #LX_FAST_FIRST - LX_FAST_YIELD
  b.ne 1f
  bl lx_dispatch_yield     // as lx_dispatch_fast
  b 5f
4:
  bl lx_dispatch_fast      // general-regs-only: the FP/SIMD registers stay as they are
5:
  cbz w0, 2f
  mov x0, #0
  adr x1, lx_vector
  mov x2, x19
  bl zx_restricted_enter   // returns only on failure
  mov x1, x0
  mov x0, x19
  bl lx_enter_failed
6:
  bl lx_dispatch_futex     // 0 or 1: as lx_dispatch_fast; 2: lx_dispatch runs the call
  tbz w0, #1, 5b
  b 8f
7:
  bl lx_dispatch_pipe      // the same
  tbz w0, #1, 5b
8:
  mov x0, x19
  mov x1, #0               // the reason: a system call
  b 1f
2:
  mov x0, x19              // done, but a signal or an exit waits
  mov x1, #0
  mov x2, #1
  b 3f
1:
  mov x2, #0               // lx_dispatch's fast_done
3:
  stp q0, q1, [x0, #T_FP + 0]
  stp q2, q3, [x0, #T_FP + 32]
  stp q4, q5, [x0, #T_FP + 64]
  stp q6, q7, [x0, #T_FP + 96]
  stp q8, q9, [x0, #T_FP + 128]
  stp q10, q11, [x0, #T_FP + 160]
  stp q12, q13, [x0, #T_FP + 192]
  stp q14, q15, [x0, #T_FP + 224]
  stp q16, q17, [x0, #T_FP + 256]
  stp q18, q19, [x0, #T_FP + 288]
  stp q20, q21, [x0, #T_FP + 320]
  stp q22, q23, [x0, #T_FP + 352]
  stp q24, q25, [x0, #T_FP + 384]
  stp q26, q27, [x0, #T_FP + 416]
  stp q28, q29, [x0, #T_FP + 448]
  stp q30, q31, [x0, #T_FP + 480]
  mrs x3, fpsr
  mrs x4, fpcr
  add x5, x0, #T_FP + 512
  stp x3, x4, [x5]
  mov x29, #0              // a fresh frame chain
  bl lx_dispatch
  mov x0, x19
  b lx_enter
.size lx_vector, . - lx_vector

.section .note.GNU-stack, "", %progbits
