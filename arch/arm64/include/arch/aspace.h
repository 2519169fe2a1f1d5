// A user address space as the MMU sees it: a TTBR0 root and the ASID that tags it.
#ifndef ARCH_ASPACE_H_
#define ARCH_ASPACE_H_

#include <stdint.h>

#include "core/asid.h"

struct arch_aspace {
  uint64_t root_pa;
  struct asid_state asid;  // core/asid.c: generation and ASID, revalidated on switch
};

#endif  // ARCH_ASPACE_H_
