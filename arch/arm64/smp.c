// Starting secondary CPUs (PSCI CPU_ON on virt, the spin table on the Pi), per-CPU
// register setup, stopping CPUs, and leaving the machine.
#include <arch/boot.h>
#include <arch/irq.h>
#include <arch/pmu.h>
#include <arch/psci.h>
#include <arch/sysreg.h>
#include <board.h>
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/physmap.h>
#include <string.h>

#include <janus/bootinfo.h>
#include "drivers/irq/gicv2.h"

extern char exception_vectors[];

uint64_t cpu_hw_ids[MAX_CPUS];
uintptr_t secondary_stack_tops[MAX_CPUS];
paddr_t kernel_image_pa;

uintptr_t arch_image_base(void) { return (uintptr_t)_image_start; }

uint64_t arch_cpu_hw_id(void) { return read_sysreg(mpidr_el1) & 0xffffff; }

// Before the console and the device tree: just enough to take exceptions.
void arch_cpu_early_init(unsigned index) {
  write_sysreg(tpidr_el1, &cpus[index]);
  write_sysreg(vbar_el1, exception_vectors);
  isb();
}

void arch_cpu_init(unsigned index) {
  arch_cpu_early_init(index);
  gic_init_cpu(index);
  timer_init_cpu();
  pmu_init_cpu();
}

// Clean to the point of coherency: a CPU with its MMU still off reads memory directly.
static void clean_to_poc(const void *start, size_t size) {
  for (uintptr_t p = (uintptr_t)start & ~63UL; p < (uintptr_t)start + size; p += 64)
    __asm__ volatile("dc civac, %0" ::"r"(p) : "memory");
  dsb(sy);
}

zx_status_t arch_start_cpu(unsigned index, const struct bootinfo *bi) {
  cpu_hw_ids[index] = bi->cpus[index].mpidr;
  secondary_stack_tops[index] = cpus[index].stack_top;
  clean_to_poc(cpu_hw_ids, sizeof cpu_hw_ids);
  clean_to_poc(secondary_stack_tops, sizeof secondary_stack_tops);
  if (bi->cpus[index].enable_method == CPU_ENABLE_SPIN_TABLE) {
    uint64_t release = bi->cpus[index].release_addr;
    uint64_t *slot = paddr_to_kva(release);
    *slot = kva_to_paddr(spin_table_entry);
    clean_to_poc(slot, sizeof *slot);
    __asm__ volatile("sev");
    return ZX_OK;
  }
  int64_t r = psci_call(PSCI_CPU_ON, bi->cpus[index].mpidr, kva_to_paddr(secondary_entry), index);
  return r == 0 ? ZX_OK : ZX_ERR_INTERNAL;
}

void arch_cpu_kick(unsigned cpu) { gic_send_sgi(cpu, IPI_PING); }

void arch_stop_other_cpus(void) {
  unsigned self = arch_cpu_index();
  for (unsigned i = 0; i < cpu_count; i++)
    if (i != self && cpus[i].online) gic_send_sgi(i, IPI_STOP);
}

void arch_aspace_init_allocator(void);

void arch_platform_init(const struct bootinfo *bi) {
  psci_set_conduit(bi->psci);
  arch_aspace_init_allocator();
  gic_init_distributor((uintptr_t)paddr_to_kva(BOARD_GICD_BASE),
                       (uintptr_t)paddr_to_kva(BOARD_GICC_BASE));
}
