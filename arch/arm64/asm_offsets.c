// Compiled to assembly only: the Makefile turns each "->NAME value" marker into
// #define NAME value in generated/asm_offsets.h, so .S files never hard-code offsets.
#include <arch/aspace.h>
#include <arch/memory_map.h>
#include <arch/sysreg_bits.h>
#include <arch/trap_frame.h>
#include <janus/cpu.h>
#include <janus/restricted.h>
#include <janus/syscalls.h>
#include <janus/thread.h>
#include <stddef.h>

#include "arch/arm64/esr.h"
#include <zircon/syscalls-next.h>

#define DEFINE(name, value) __asm__ volatile("\n->" #name " %0" ::"i"(value))

void asm_offsets(void);
void asm_offsets(void) {
  DEFINE(FRAME_SIZE, sizeof(struct trap_frame));
  DEFINE(FRAME_X30, offsetof(struct trap_frame, x[30]));
  DEFINE(FRAME_ELR, offsetof(struct trap_frame, elr));
  DEFINE(FRAME_SP, offsetof(struct trap_frame, sp));
  DEFINE(CPU_FAULT_RESUME, offsetof(struct cpu, fault_resume));
  DEFINE(CPU_CURRENT, offsetof(struct cpu, current));
  DEFINE(CPU_NEED_RESCHED, offsetof(struct cpu, need_resched));
  DEFINE(CPU_ZERO_PAIR, offsetof(struct cpu, arch.zero_pair));
  DEFINE(CPU_MMU_TTBR1, offsetof(struct cpu, arch.mmu.ttbr1_pa));
  DEFINE(CPU_MMU_RESTRICTED, offsetof(struct cpu, arch.mmu.restricted));
  DEFINE(CPU_MMU_TTBR0, offsetof(struct cpu, arch.mmu.ttbr0));
  DEFINE(CPU_MMU_KERNEL_ROOT, offsetof(struct cpu, arch.mmu.kernel_root));
  DEFINE(CPU_MMU_TTBR0_PAIR, offsetof(struct cpu, arch.mmu.ttbr0_pair));
  DEFINE(ASPACE_NORMAL_TTBR1, offsetof(struct arch_aspace, normal_ttbr1_pa));
  DEFINE(ASID_OFF, KCONFIG_ASID_OFF);
  DEFINE(THREAD_KILLED, offsetof(struct thread, killed));
  DEFINE(THREAD_IN_RESTRICTED, offsetof(struct thread, in_restricted));
  DEFINE(THREAD_RESTRICTED_KICK, offsetof(struct thread, restricted_kick));
  DEFINE(THREAD_RESTRICTED, offsetof(struct thread, restricted));
  DEFINE(THREAD_ASPACE, offsetof(struct thread, aspace));
  DEFINE(BINDING_STATE, offsetof(struct restricted_binding, state));
  DEFINE(BINDING_VECTOR, offsetof(struct restricted_binding, vector));
  DEFINE(BINDING_CONTEXT, offsetof(struct restricted_binding, context));
  DEFINE(BINDING_NORMAL_TTBR1, offsetof(struct restricted_binding, normal.ttbr1));
  DEFINE(BINDING_NORMAL_SP, offsetof(struct restricted_binding, normal.sp));
  DEFINE(BINDING_NORMAL_TPIDR, offsetof(struct restricted_binding, normal.tpidr_el0));
  DEFINE(STATE_X30, offsetof(zx_restricted_state_t, x[30]));
  DEFINE(STATE_SP, offsetof(zx_restricted_state_t, sp));
  DEFINE(STATE_PC, offsetof(zx_restricted_state_t, pc));
  DEFINE(STATE_TPIDR, offsetof(zx_restricted_state_t, tpidr_el0));
  DEFINE(STATE_CPSR, offsetof(zx_restricted_state_t, cpsr));
  DEFINE(EC_SVC64, ESR_EC_SVC64);
  DEFINE(SYSCALLS, SYSCALL_COUNT);
  DEFINE(RESTRICTED_REASON_SYSCALL, ZX_RESTRICTED_REASON_SYSCALL);
  DEFINE(SPSR_NZCV_BITS, SPSR_NZCV);
  DEFINE(USER_BASE, USER_ASPACE_BASE);
  DEFINE(USER_END, USER_ASPACE_END);
  DEFINE(USER_END_SHIFT, __builtin_ctzll(USER_ASPACE_END));
  DEFINE(WINDOW_BASE, SHARED_WINDOW_BASE);
  DEFINE(WINDOW_END, SHARED_WINDOW_END);
}
