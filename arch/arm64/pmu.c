// The PMU cycle counter: started on every CPU and readable from EL0, so benchmark
// programs time paths without a syscall around the measurement. Under QEMU it follows
// virtual time (with -icount shift=0: one count per instruction); on a Pi 4 it counts
// CPU cycles.
#include <arch/pmu.h>
#include <arch/sysreg.h>
#include <janus/arch.h>

void pmu_init_cpu(void) {
  write_sysreg(pmccfiltr_el0, PMCCFILTR_EL0_EL1);
  write_sysreg(pmcntenset_el0, PMCNTEN_C);
  // Every other writable bit clear: D (count every 64th cycle), DP, X reset UNKNOWN.
  write_sysreg(pmcr_el0, PMCR_E | PMCR_LC | PMCR_C);
  // CR only: EL0 reads PMCCNTR_EL0 but cannot reprogram the PMU (EN would allow it).
  write_sysreg(pmuserenr_el0, PMUSERENR_CR);
  isb();
}

uint64_t arch_cpu_clock_hz(void) {
  uint64_t freq = arch_timer_frequency();
  isb();
  uint64_t t0 = read_sysreg(cntvct_el0), c0 = read_sysreg(pmccntr_el0), t1;
  do {
    isb();
    t1 = read_sysreg(cntvct_el0);
  } while (t1 - t0 < freq / 20);  // 50 ms
  uint64_t c1 = read_sysreg(pmccntr_el0);
  return (uint64_t)((unsigned __int128)(c1 - c0) * freq / (t1 - t0));
}
