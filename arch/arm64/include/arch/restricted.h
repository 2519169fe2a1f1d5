// The arm64 side of restricted mode: moving the current thread's user registers
// (its exception frame and TPIDR_EL0) between normal mode and zx_restricted_state_t.
#ifndef ARCH_RESTRICTED_H_
#define ARCH_RESTRICTED_H_

#include <stdint.h>
#include <zircon/syscalls-next.h>
#include <zircon/types.h>

// Normal mode's registers that survive a stay in restricted mode. Zircon leaves
// every register but x0/x1 undefined at the vector; Janus keeps sp and TPIDR_EL0, so
// the vector may be an ordinary C function. ttbr1: the space's TTBR1 in normal mode
// (its group's window, or the kernel root), for restricted_entry.S's exit; first, so
// that the enter stores it with the binding's context in one stp.
struct arch_normal_state {
  uint64_t ttbr1;
  uint64_t sp;
  uint64_t tpidr_el0;
};

// ZX_ERR_BAD_STATE unless s can run: pc in the restricted range, cpsr only NZCV.
zx_status_t arch_restricted_check(const zx_restricted_state_t *s);
// The current thread returns to user mode in restricted mode with s's sp, pc,
// tpidr_el0 and cpsr and the general registers x; normal mode's registers go to save.
// Called from zx_restricted_enter (normal mode's frame).
void arch_restricted_load(const zx_restricted_state_t *s, const uint64_t x[31],
                          struct arch_normal_state *save);
// The current thread (in restricted mode) returns to normal mode at vector with
// x0 = context, x1 = reason; its restricted registers go to out.
void arch_restricted_save(zx_restricted_state_t *out, const struct arch_normal_state *normal,
                          uintptr_t vector, uintptr_t context, uint64_t reason);
// From normal mode straight to the vector (a kick latched before zx_restricted_enter).
void arch_restricted_vector(uintptr_t vector, uintptr_t context, uint64_t reason);
// An exception report for esr/far, as zx_restricted_exception_t carries it.
void arch_exception_report(uint64_t esr, uint64_t far, zx_exception_report_t *report);

#endif  // ARCH_RESTRICTED_H_
