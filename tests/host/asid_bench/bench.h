// The ASID allocator benchmark (`make host-asid-bench`; a benchmark, not a test): the
// interface every allocator under comparison implements, so that one driver (bench.c)
// runs the same workloads on each. Only Janus's allocator is the kernel's code; the
// others are models written here for comparison.
#ifndef TESTS_HOST_ASID_BENCH_BENCH_H_
#define TESTS_HOST_ASID_BENCH_BENCH_H_

#include <stdint.h>
#include <zircon/types.h>

#include "lib/asid.h"

// One address space. Each allocator uses only its own field.
struct space {
  struct asid_state janus;  // Janus: generation | ASID, 0 = none yet
  uint64_t linux_id;        // Linux-style: mm->context.id, the same encoding
  uint16_t zircon_asid;     // Zircon-style: fixed for life; 0 = creation failed
};

struct bench_alloc {
  const char *name;
  zx_status_t (*init)(unsigned bits, unsigned cpus);     // resets all state
  zx_status_t (*create)(struct space *s);                // may fail (Zircon-style)
  uint16_t (*switch_to)(struct space *s, unsigned cpu);  // the ASID for TTBR0
  void (*destroy)(struct space *s);                      // no CPU runs s any more
  uint64_t (*rollovers)(void);                           // since init
};

extern const struct bench_alloc bench_null, bench_janus, bench_linux, bench_zircon;

// Stands for a TLB maintenance instruction (local flush, TLBI ASIDE1IS): a call that
// does nothing, so each allocator pays the same for it in the counts.
void bench_tlb_op(uint64_t arg);

#endif  // TESTS_HOST_ASID_BENCH_BENCH_H_
