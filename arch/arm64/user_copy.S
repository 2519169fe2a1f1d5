// zx_status_t arch_copy_from_user(void *dst, uintptr_t user_src, size_t len);
// zx_status_t arch_copy_to_user(uintptr_t user_dst, const void *src, size_t len);
// zx_status_t arch_copy_u32_from_user(void *dst, uintptr_t user_src);
// User memory is touched only with LDTR/STTR, which check EL0's permissions, so a
// user pointer to kernel memory faults like any bad pointer. A fault resumes at 9:
// (cpu->fault_resume) and returns ZX_ERR_INVALID_ARGS.
#include <arch/asm.h>
#include <asm_offsets.h>

// x_user: the user address register; checks [x_user, x_user + x2) inside the TTBR0
// range or inside the shared window (which only a group member's TTBR1 maps: for
// anyone else LDTR/STTR fault there like anywhere unmapped).
.macro CHECK_USER_RANGE x_user
  adds x3, \x_user, x2
  b.cs 8f
  mov x4, #USER_END
  cmp x3, x4
  b.ls 7f
  ldr x4, =WINDOW_BASE
  cmp \x_user, x4
  b.lo 8f
  ldr x4, =WINDOW_END
  cmp x3, x4
  b.hi 8f
7:mrs x5, tpidr_el1
  adr x6, 9f
  str x6, [x5, #CPU_FAULT_RESUME]
.endm

.macro DONE
  str xzr, [x5, #CPU_FAULT_RESUME]
  mov x0, #0
  ret
9:str xzr, [x5, #CPU_FAULT_RESUME]
8:mov x0, #-10                          // ZX_ERR_INVALID_ARGS
  ret
.endm

// 16 bytes a turn while they last, then 8, then 4, then bytes: any alignment (SCTLR_EL1.A
// is clear and both sides are normal memory). A fault midway fails the whole copy, as a
// byte loop's would.
FUNCTION arch_copy_from_user
  CHECK_USER_RANGE x1
  subs x2, x2, #16
  b.lo 3f
1:ldtr x6, [x1]
  ldtr x7, [x1, #8]
  add x1, x1, #16
  stp x6, x7, [x0], #16
  subs x2, x2, #16
  b.hs 1b
3:tbz x2, #3, 4f                        // x2 = remainder - 16: bit 3 is the remainder's
  ldtr x6, [x1]
  add x1, x1, #8
  str x6, [x0], #8
4:tbz x2, #2, 6f                        // a 4-byte word (a futex's) in one turn
  ldtr w6, [x1]
  add x1, x1, #4
  str w6, [x0], #4
6:ands x2, x2, #3
  b.eq 2f
5:ldtrb w6, [x1]
  add x1, x1, #1
  strb w6, [x0], #1
  subs x2, x2, #1
  b.ne 5b
2:DONE
END arch_copy_from_user

// One 32-bit word (a futex's, on every wait): the checks and the fault handling of
// arch_copy_from_user without its length dispatch.
FUNCTION arch_copy_u32_from_user
  mov x2, #4
  CHECK_USER_RANGE x1
  ldtr w6, [x1]
  str w6, [x0]
  DONE
END arch_copy_u32_from_user

FUNCTION arch_copy_to_user
  CHECK_USER_RANGE x0
  subs x2, x2, #16
  b.lo 3f
1:ldp x6, x7, [x1], #16
  sttr x6, [x0]
  sttr x7, [x0, #8]
  add x0, x0, #16
  subs x2, x2, #16
  b.hs 1b
3:tbz x2, #3, 4f
  ldr x6, [x1], #8
  sttr x6, [x0]
  add x0, x0, #8
4:tbz x2, #2, 6f
  ldr w6, [x1], #4
  sttr w6, [x0]
  add x0, x0, #4
6:ands x2, x2, #3
  b.eq 2f
5:ldrb w6, [x1], #1
  sttrb w6, [x0]
  add x0, x0, #1
  subs x2, x2, #1
  b.ne 5b
2:DONE
END arch_copy_to_user
