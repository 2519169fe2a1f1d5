// An address space as the MMU sees it. A process's own (TTBR0) space: its tables
// and the ASID that tags them in normal mode; in a shared group restricted mode tags
// them with the ASID's pair (lib/asid.h). A shared group's window (TTBR1): a root table
// whose level-0 entries 0-255 belong to the group and 256-511 are the kernel's.
#ifndef ARCH_ASPACE_H_
#define ARCH_ASPACE_H_

#include <stdbool.h>
#include <stdint.h>

#include "lib/asid.h"

#define ASPACE_TABLES 6

struct arch_aspace {
  uint64_t root_pa;
  bool shared_window;         // a group's TTBR1 window, not a TTBR0 space
  bool owned_leaves;          // some page was mapped owned: teardown must read every leaf
  uint64_t normal_ttbr1_pa;   // TTBR0 spaces: TTBR1 in normal mode (kernel root or group's)
  // lib/asid.c: generation and ASID, revalidated on switch. Restricted mode of a group
  // member: TTBR1 is the kernel-only root, so the shared window's TLB entries (tagged
  // with the ASID) must not match: TTBR0 carries the ASID's pair instead.
  struct asid_state asid;
  // TTBR0 spaces: the tables made below the root, while they fit (ntables is
  // ASPACE_TABLES + 1 once one did not), so that a small space's teardown frees them
  // without reading them (a forked Linux child has 5).
  uint8_t ntables;
  uint64_t tables[ASPACE_TABLES];
};

// ASID=off's mode change (aspace.c), which restricted_entry.S's calls; with ASIDs the
// assembly changes the tables itself.
void arch_aspace_set_restricted_slow(const struct arch_aspace *as, bool restricted);

#endif  // ARCH_ASPACE_H_
