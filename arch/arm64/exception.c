// C side of exception entry (vectors.S): interrupts, expected faults, and the crash
// report for everything else.
#include <arch/irq.h>
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <janus/arch.h>
#include <janus/console.h>
#include <janus/cpu.h>
#include <janus/fault.h>
#include <janus/panic.h>
#include <janus/process.h>
#include <janus/thread.h>

#include "arch/arm64/crash_report.h"
#include "arch/arm64/esr.h"
#include "drivers/irq/gicv2.h"

void exception_irq(struct trap_frame *frame) {
  (void)frame;
  for (;;) {
    uint32_t iar = gic_acknowledge();
    uint32_t intid = iar & 0x3ff;
    if (intid >= GIC_FIRST_SPECIAL_INTID) return;
    struct cpu *cpu = arch_this_cpu();
    if (intid == IRQ_VIRTUAL_TIMER) {
      timer_handle_irq();
    } else if (intid == IPI_PING) {
      cpu->ipis++;
    } else if (intid == IPI_STOP) {
      gic_end_of_interrupt(iar);
      for (;;) __asm__ volatile("msr daifset, #0xf\n wfi");
    }
    gic_end_of_interrupt(iar);
  }
}

void exception_sync_kernel(struct trap_frame *frame) {
  uint64_t esr = read_sysreg(esr_el1);
  uint64_t far = read_sysreg(far_el1);
  struct cpu *cpu = arch_this_cpu();
  // A user copy touching a user page not faulted in yet: page it in and retry,
  // as the user's own access would have.
  struct thread *current = cpu->current;
  bool user_va = far < USER_ASPACE_END || (far >= SHARED_WINDOW_BASE && far < SHARED_WINDOW_END);
  // A write's permission fault is a page shared copy-on-write getting its own copy.
  bool write = esr & ESR_ABT_WNR;
  if (cpu->fault_resume && esr_is_data_abort(esr) && user_va && current && current->process &&
      (esr_fsc_is_translation(esr_iss(esr)) || (esr_fsc_is_permission(esr_iss(esr)) && write)) &&
      vm_handle_user_fault(current->process, far, write, false, false))
    return;
  if (cpu->fault_resume && esr_is_data_abort(esr)) {
    cpu->arch.last_fault_esr = esr;
    cpu->last_fault_addr = far;
    frame->elr = cpu->fault_resume;
    return;
  }
  crash_report(frame, esr, far, "kernel exception");
}

void exception_unexpected(struct trap_frame *frame, unsigned vector) {
  static const char *const names[] = {"EL1t sync", "EL1t IRQ", "EL1t FIQ", "EL1t SError",
                                      "EL1h sync", "EL1h IRQ", "EL1h FIQ", "EL1h SError",
                                      "EL0 sync", "EL0 IRQ", "EL0 FIQ", "EL0 SError",
                                      "EL0/32 sync", "EL0/32 IRQ", "EL0/32 FIQ", "EL0/32 SError"};
  crash_report(frame, read_sysreg(esr_el1), read_sysreg(far_el1), names[vector & 15]);
}
