// arm64 implementation of the inline part of <janus/arch.h>.
#ifndef ARCH_ARCH_INLINE_H_
#define ARCH_ARCH_INLINE_H_

#include <arch/sysreg.h>
#include <janus/cpu.h>

static inline irq_state_t arch_irq_save(void) {
  irq_state_t daif = read_sysreg(daif);
  __asm__ volatile("msr daifset, #2" ::: "memory");
  return daif;
}
static inline void arch_irq_restore(irq_state_t state) { write_sysreg(daif, state); }
static inline void arch_irq_enable(void) { __asm__ volatile("msr daifclr, #2" ::: "memory"); }
static inline void arch_irq_disable(void) { __asm__ volatile("msr daifset, #2" ::: "memory"); }

// TPIDR_EL1 holds the running CPU's struct cpu (set once at CPU bring-up).
static inline struct cpu *arch_this_cpu(void) { return (struct cpu *)read_sysreg(tpidr_el1); }
static inline unsigned arch_cpu_index(void) { return arch_this_cpu()->index; }
static inline void arch_cpu_relax(void) { __asm__ volatile("wfe" ::: "memory"); }
static inline void arch_cpu_wake(void) { __asm__ volatile("dsb ishst; sev" ::: "memory"); }
static inline void arch_wait_for_interrupt(void) { __asm__ volatile("wfi" ::: "memory"); }

#endif  // ARCH_ARCH_INLINE_H_
