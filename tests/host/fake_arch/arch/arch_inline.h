// Host stand-in for the arch interface: no interrupts; threads stand for CPUs.
#ifndef ARCH_ARCH_INLINE_H_
#define ARCH_ARCH_INLINE_H_

#include <sched.h>

static inline irq_state_t arch_irq_save(void) { return 0; }
static inline void arch_irq_restore(irq_state_t state) { (void)state; }
static inline unsigned arch_cpu_index(void) { return 0; }
// Yield while spinning: with more threads than host CPUs, a ticket lock whose
// next owner is descheduled would otherwise convoy.
static inline void arch_cpu_relax(void) { sched_yield(); }
static inline void arch_cpu_wake(void) {}

#endif  // ARCH_ARCH_INLINE_H_
