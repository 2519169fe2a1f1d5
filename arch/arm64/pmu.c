// The PMU cycle counter: started on every CPU and readable from EL0, so user programs
// time paths without a syscall around the measurement. Under QEMU it follows
// virtual time (with -icount shift=0: one count per instruction); on a Pi 4 it counts
// CPU cycles.
#include <arch/pmu.h>
#include <arch/sysreg.h>

void pmu_init_cpu(void) {
  write_sysreg(pmccfiltr_el0, PMCCFILTR_EL0_EL1);
  write_sysreg(pmcntenset_el0, PMCNTEN_C);
  // Every other writable bit clear: D (count every 64th cycle), DP, X reset UNKNOWN.
  write_sysreg(pmcr_el0, PMCR_E | PMCR_LC | PMCR_C);
  // CR only: EL0 reads PMCCNTR_EL0 but cannot reprogram the PMU (EN would allow it).
  write_sysreg(pmuserenr_el0, PMUSERENR_CR);
  isb();
}
