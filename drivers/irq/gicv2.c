// GICv2 distributor and CPU interface (Arm IHI 0048B). All interrupts in group 1
// where the GIC has security extensions and we run non-secure.
#include "drivers/irq/gicv2.h"

#include <janus/cpu.h>

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ICPENDR 0x280
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_SGIR 0xf00

#define GICC_CTLR 0x000
#define GICC_PMR 0x004
#define GICC_BPR 0x008
#define GICC_IAR 0x00c
#define GICC_EOIR 0x010

#define GICC_CTLR_ENABLE_GRP0 (1u << 0)
#define GICC_CTLR_ENABLE_GRP1 (1u << 1)
#define GICC_CTLR_ACKCTL (1u << 2)

#define PRIORITY_DEFAULT 0xa0
#define PRIORITY_MASK_ALL 0xf0

static uintptr_t gicd_base, gicc_base;
static uint8_t cpu_interface_mask[MAX_CPUS];  // GICv2 targets CPUs by interface bit

static inline volatile uint32_t *gicd(unsigned off) { return (volatile uint32_t *)(gicd_base + off); }
static inline volatile uint32_t *gicc(unsigned off) { return (volatile uint32_t *)(gicc_base + off); }

void gic_init_distributor(uintptr_t gicd_kva, uintptr_t gicc_kva) {
  gicd_base = gicd_kva;
  gicc_base = gicc_kva;
  *gicd(GICD_CTLR) = 0;
  unsigned lines = 32 * ((*gicd(GICD_TYPER) & 0x1f) + 1);
  for (unsigned i = 32; i < lines; i += 32) {
    *gicd(GICD_ICENABLER + i / 8) = ~0u;
    *gicd(GICD_ICPENDR + i / 8) = ~0u;
    *gicd(GICD_IGROUPR + i / 8) = ~0u;
  }
  for (unsigned i = 32; i < lines; i += 4) {
    *gicd(GICD_IPRIORITYR + i) = PRIORITY_DEFAULT * 0x01010101u;
    *gicd(GICD_ITARGETSR + i) = 0x01010101u;
  }
  *gicd(GICD_CTLR) = 3;  // enable group 0 and group 1 forwarding
}

void gic_init_cpu(unsigned cpu) {
  // The first eight ITARGETSR bytes are banked: they name this CPU's interface.
  cpu_interface_mask[cpu] = (uint8_t)(*gicd(GICD_ITARGETSR) & 0xff);
  *gicd(GICD_IGROUPR) = ~0u;  // banked: SGIs and PPIs in group 1
  for (unsigned i = 0; i < 32; i += 4) *gicd(GICD_IPRIORITYR + i) = PRIORITY_DEFAULT * 0x01010101u;
  *gicd(GICD_ISENABLER) = 0xffff;  // SGIs 0-15
  *gicc(GICC_PMR) = PRIORITY_MASK_ALL;
  *gicc(GICC_BPR) = 0;
  // Both groups enabled, both as IRQ; AckCtl so that IAR acknowledges group 1 too
  // when we are the secure (or only) world. In the non-secure view only bit 0 counts.
  *gicc(GICC_CTLR) = GICC_CTLR_ENABLE_GRP0 | GICC_CTLR_ENABLE_GRP1 | GICC_CTLR_ACKCTL;
}

void gic_enable_ppi(unsigned intid) { *gicd(GICD_ISENABLER) = 1u << intid; }

uint32_t gic_acknowledge(void) { return *gicc(GICC_IAR); }

void gic_end_of_interrupt(uint32_t iar) { *gicc(GICC_EOIR) = iar; }

void gic_send_sgi(unsigned cpu, unsigned sgi) {
  __asm__ volatile("dsb ishst" ::: "memory");  // our writes before the target's handler
  *gicd(GICD_SGIR) = (uint32_t)cpu_interface_mask[cpu] << 16 | (sgi & 0xf);
}
