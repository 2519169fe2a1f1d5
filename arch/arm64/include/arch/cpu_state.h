// The arm64 part of each CPU's per-CPU state (struct cpu's `arch`).
#ifndef ARCH_CPU_STATE_H_
#define ARCH_CPU_STATE_H_

#include <stdint.h>

struct arch_cpu_state {
  uint64_t last_fault_esr;  // ESR_EL1 of the last expected fault (self-tests read it)
};

#endif  // ARCH_CPU_STATE_H_
