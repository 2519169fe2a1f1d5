// GICv2 (GIC-400 on the Pi 4; QEMU virt with gic-version=2): one driver for both boards.
#ifndef DRIVERS_IRQ_GICV2_H_
#define DRIVERS_IRQ_GICV2_H_

#include <stdint.h>

// INTIDs 1020-1023 are special (1022/1023: nothing to acknowledge here).
#define GIC_FIRST_SPECIAL_INTID 1020

void gic_init_distributor(uintptr_t gicd, uintptr_t gicc);
void gic_init_cpu(unsigned cpu);     // this CPU's interface; enables SGIs
void gic_enable_ppi(unsigned intid);  // banked per CPU: call on each CPU
uint32_t gic_acknowledge(void);       // GICC_IAR (intid in bits 9:0)
void gic_end_of_interrupt(uint32_t iar);
void gic_send_sgi(unsigned cpu, unsigned sgi);

#endif  // DRIVERS_IRQ_GICV2_H_
