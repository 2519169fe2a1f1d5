// Entropy from the board's hardware: the RNG200 where the board has one (the Pi 4),
// nothing elsewhere (QEMU virt has no RNG device Janus drives; the CPRNG there is
// seeded from the device tree's seeds and the counter, core/kernel/cprng.c).
#include <board.h>
#include <janus/arch.h>
#include <janus/physmap.h>

#include <janus/bootinfo.h>

#include "drivers/rng/bcm2711_rng200.h"

#define HW_ENTROPY_TIMEOUT_NS 100000000LL  // 100 ms: the RNG's warm-up, with margin

static int64_t now_ns(void) { return arch_monotonic_ns(); }

size_t arch_hw_entropy(const struct bootinfo *bi, void *buf, size_t len) {
#ifdef BOARD_RNG200_BASE
  if (!bi->rng200) return 0;  // the device tree says it is not there (QEMU's raspi4b)
  return bcm2711_rng200_read((uintptr_t)paddr_to_kva(BOARD_RNG200_BASE), buf, len,
                             HW_ENTROPY_TIMEOUT_NS, now_ns);
#else
  (void)bi;
  (void)buf;
  (void)len;
  (void)now_ns;
  return 0;
#endif
}
