// Janus's own additions to zx_object_get_info (not in Zircon). Topic numbers use a
// range Zircon does not: 0x4a4e0000 ("JN") and up.
#ifndef ZIRCON_SYSCALLS_JANUS_H_
#define ZIRCON_SYSCALLS_JANUS_H_

#include <stdint.h>

// On a job handle with ZX_RIGHT_INSPECT: one record per CPU, in CPU order, of the ASID
// core's counters since boot (docs/asid.md). actual/avail as for other array topics.
#define JANUS_INFO_ASID_COUNTERS ((uint32_t)0x4a4e0001u)

typedef struct janus_info_asid_counters {
  uint64_t fast_switches;  // switches that took no lock
  uint64_t slow_switches;  // switches that took the allocator's lock
  uint64_t allocations;    // fresh ASIDs handed out
  uint64_t rollovers;      // generation bumps this CPU performed
  uint64_t local_flushes;  // whole-TLB flushes of this CPU (after rollovers)
  uint32_t asid_bits;      // the width in use; 0: ASIDs off (the baseline build)
  uint32_t cpu;
} janus_info_asid_counters_t;

#endif  // ZIRCON_SYSCALLS_JANUS_H_
