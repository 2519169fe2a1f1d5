// Interrupt numbers Janus uses (GIC INTIDs) and the IPIs it sends.
#ifndef ARCH_IRQ_H_
#define ARCH_IRQ_H_

#define IRQ_VIRTUAL_TIMER 27  // PPI 11: EL1 virtual timer
#define IPI_PING 0            // SGI 0: "take an interrupt" (tests, wakeups)
#define IPI_STOP 1            // SGI 1: halt this CPU (panic)

void timer_init_cpu(void);
void timer_handle_irq(void);

#endif  // ARCH_IRQ_H_
