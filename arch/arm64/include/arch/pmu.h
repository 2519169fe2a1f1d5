// The PMU cycle counter, which user programs read to time paths.
#ifndef ARCH_PMU_H_
#define ARCH_PMU_H_

// Per CPU: the cycle counter runs (64-bit, EL0 and EL1, not EL2) and EL0 may read it.
void pmu_init_cpu(void);

#endif  // ARCH_PMU_H_
