// The arm64 part of each CPU's per-CPU state (struct cpu's `arch`).
#ifndef ARCH_CPU_STATE_H_
#define ARCH_CPU_STATE_H_

#include <stdbool.h>
#include <stdint.h>

struct arch_aspace;

// What the CPU's MMU holds now, so that a switch writes only what changed (aspace.c).
// restricted_entry.S flips the mode with one stp of restricted and ttbr1_pa and loads
// the rest in pairs (its .if checks keep the order).
struct cpu_mmu {
  const struct arch_aspace *as;  // TTBR0's space (NULL: none)
  bool restricted;
  uint8_t restricted_pad[7];  // always 0: that stp writes restricted as a 64-bit word
  uint64_t ttbr1_pa;
  // TTBR0 for as in normal mode, with the ASID the context switch claimed; restricted
  // mode's is the same | ttbr0_pair (lib/asid.h's asid_pair_bit in the ASID field).
  uint64_t ttbr0;
  uint64_t kernel_root;  // the kernel-only TTBR1 (set at boot; never changes)
  uint64_t ttbr0_pair;
};

struct arch_cpu_state {
  // Never written: the syscall return and restricted exit (vectors.S,
  // restricted_entry.S) clear user registers two at a time with ldp from here, where
  // they already hold the CPU's address.
  const uint64_t zero_pair[2];
  uint64_t last_fault_esr;  // ESR_EL1 of the last expected fault (self-tests read it)
  struct cpu_mmu mmu;       // here, not in an array: restricted enter and exit find it at once
};

#endif  // ARCH_CPU_STATE_H_
