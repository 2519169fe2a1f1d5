// Restricted mode on arm64: the current user thread's registers live in its
// exception frame at the top of its kernel stack (vectors.S) and in TPIDR_EL0;
// entering and leaving restricted mode rewrites them (see arch/restricted.h).
#include <arch/memory_map.h>
#include <arch/restricted.h>
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <janus/thread.h>
#include <string.h>

#include "arch/arm64/esr.h"


// x0-x30 (31 words) between a restricted state and a trap frame, with ldp/stp: each
// direction runs on every restricted round trip, where newlib's memcpy took 120
// instructions and its memset 86 (QEMU icount).
static inline void copy_x0_to_x30(uint64_t dst[31], const uint64_t src[31]) {
  __asm__ volatile(
      ".irp off, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224\n"
      "  ldp x9, x10, [%1, #\\off]\n"
      "  stp x9, x10, [%0, #\\off]\n"
      ".endr\n"
      "ldr x9, [%1, #240]\n"
      "str x9, [%0, #240]\n"
      :
      : "r"(dst), "r"(src)
      : "x9", "x10", "memory");
}

static inline void clear_x0_to_x30(uint64_t dst[31]) {
  __asm__ volatile(
      ".irp off, 0, 16, 32, 48, 64, 80, 96, 112, 128, 144, 160, 176, 192, 208, 224\n"
      "  stp xzr, xzr, [%0, #\\off]\n"
      ".endr\n"
      "str xzr, [%0, #240]\n"
      :
      : "r"(dst)
      : "memory");
}

// A user thread's frame from EL0 is always at the top of its (empty) kernel stack.
static struct trap_frame *user_frame(void) {
  return (struct trap_frame *)(thread_current()->kstack_top - sizeof(struct trap_frame));
}

zx_status_t arch_restricted_check(const zx_restricted_state_t *s) {
  // Restricted mode sees only the TTBR0 range: code anywhere else could never run.
  if (s->cpsr & ~SPSR_NZCV || s->pc < USER_ASPACE_BASE || s->pc >= USER_ASPACE_END)
    return ZX_ERR_BAD_STATE;
  return ZX_OK;
}

_Static_assert(sizeof(((struct trap_frame *)0)->x) == 31 * sizeof(uint64_t), "x0-x30");
_Static_assert(sizeof(((zx_restricted_state_t *)0)->x) == 31 * sizeof(uint64_t), "x0-x30");

void arch_restricted_load(const zx_restricted_state_t *s, const uint64_t x[31],
                          struct arch_normal_state *save) {
  struct trap_frame *f = user_frame();
  save->ttbr1 = read_sysreg(ttbr1_el1);  // normal mode's: the window, if any
  save->sp = f->sp;
  save->tpidr_el0 = read_sysreg(tpidr_el0);
  copy_x0_to_x30(f->x, x);
  f->sp = s->sp;
  f->elr = s->pc;
  f->spsr = SPSR_MODE_EL0T | (s->cpsr & SPSR_NZCV);
  write_sysreg(tpidr_el0, s->tpidr_el0);
}

void arch_restricted_vector(uintptr_t vector, uintptr_t context, uint64_t reason) {
  struct trap_frame *f = user_frame();
  f->x[0] = context;
  f->x[1] = reason;
  f->elr = vector;
  f->spsr = SPSR_MODE_EL0T;
}

void arch_restricted_save(zx_restricted_state_t *out, const struct arch_normal_state *normal,
                          uintptr_t vector, uintptr_t context, uint64_t reason) {
  struct trap_frame *f = user_frame();
  copy_x0_to_x30(out->x, f->x);
  out->sp = f->sp;
  out->pc = f->elr;  // after an svc: the next instruction
  out->tpidr_el0 = read_sysreg(tpidr_el0);
  out->cpsr = (uint32_t)(f->spsr & SPSR_NZCV);
  clear_x0_to_x30(f->x);  // nothing of restricted mode leaks through registers
  f->sp = normal->sp;
  write_sysreg(tpidr_el0, normal->tpidr_el0);
  arch_restricted_vector(vector, context, reason);
}

void arch_exception_report(uint64_t esr, uint64_t far, zx_exception_report_t *report) {
  uint32_t type;
  switch (esr_ec(esr)) {
    case ESR_EC_UNKNOWN: type = ZX_EXCP_UNDEFINED_INSTRUCTION; break;
    case ESR_EC_BRK64: type = ZX_EXCP_SW_BREAKPOINT; break;
    case ESR_EC_BREAKPT_LOWER:
    case ESR_EC_WATCHPT_LOWER:
    case ESR_EC_STEP_LOWER: type = ZX_EXCP_HW_BREAKPOINT; break;
    case ESR_EC_PC_ALIGN:
    case ESR_EC_SP_ALIGN: type = ZX_EXCP_UNALIGNED_ACCESS; break;
    case ESR_EC_DABT_LOWER:
    case ESR_EC_IABT_LOWER:
      type = (esr_iss(esr) & ESR_ABT_FSC_MASK) == ESR_FSC_ALIGNMENT ? ZX_EXCP_UNALIGNED_ACCESS
                                                        : ZX_EXCP_FATAL_PAGE_FAULT;
      break;
    default: type = ZX_EXCP_GENERAL;
  }
  memset(report, 0, sizeof *report);
  report->header.size = sizeof *report;
  report->header.type = type;
  report->context.arch.u.arm_64.esr = (uint32_t)esr;
  report->context.arch.u.arm_64.far = far;
}
