// Host stand-in for the arch interface: one CPU, no interrupts.
#ifndef ARCH_ARCH_INLINE_H_
#define ARCH_ARCH_INLINE_H_

static inline irq_state_t arch_irq_save(void) { return 0; }
static inline void arch_irq_restore(irq_state_t state) { (void)state; }
static inline unsigned arch_cpu_index(void) { return 0; }
static inline void arch_cpu_relax(void) {}
static inline void arch_cpu_wake(void) {}

#endif  // ARCH_ARCH_INLINE_H_
