// void arch_context_switch(struct arch_thread_context *from, struct arch_thread_context *to);
// void thread_trampoline(void);  first code of a new thread: x19 = entry, x20 = arg
#include <arch/asm.h>

FUNCTION arch_context_switch
  stp x19, x20, [x0, #16 * 0]
  stp x21, x22, [x0, #16 * 1]
  stp x23, x24, [x0, #16 * 2]
  stp x25, x26, [x0, #16 * 3]
  stp x27, x28, [x0, #16 * 4]
  stp x29, x30, [x0, #16 * 5]
  mov x2, sp
  str x2, [x0, #16 * 6]
  ldp x19, x20, [x1, #16 * 0]
  ldp x21, x22, [x1, #16 * 1]
  ldp x23, x24, [x1, #16 * 2]
  ldp x25, x26, [x1, #16 * 3]
  ldp x27, x28, [x1, #16 * 4]
  ldp x29, x30, [x1, #16 * 5]
  ldr x2, [x1, #16 * 6]
  mov sp, x2
  ret
END arch_context_switch

FUNCTION thread_trampoline
  OUTERMOST_FRAME
  mov x0, x19
  mov x1, x20
  bl thread_kernel_start                // never returns
  b .
  .cfi_endproc
END thread_trampoline

// First code of a new user thread: sp points at the frame arch_thread_init_user built.
FUNCTION user_thread_trampoline
  bl sched_switch_tail
  b return_to_user
END user_thread_trampoline
