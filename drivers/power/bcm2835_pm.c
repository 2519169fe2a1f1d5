// BCM2835-family power management: a watchdog that resets the SoC when it runs out.
// Every write carries the password in the top byte or the block ignores it.
#include "drivers/power/bcm2835_pm.h"

#define PM_RSTC 0x1cu  // reset control
#define PM_RSTS 0x20u  // reset status: the partition the firmware boots next
#define PM_WDOG 0x24u  // watchdog ticks left
#define PM_PASSWORD 0x5a000000u
#define PM_RSTC_WRCFG_MASK 0x30u
#define PM_RSTC_WRCFG_FULL_RESET 0x20u
// The partition number's six bits sit at every other bit of RSTS[10:0]; all set
// (partition 63) is the Pi firmware's "halt".
#define PM_RSTS_PARTITION_MASK 0x555u
#define PM_RSTS_PARTITION_HALT 0x555u
#define PM_WDOG_TICKS 10u

static uint32_t read32(uintptr_t addr) { return *(volatile uint32_t *)addr; }
static void write32(uintptr_t addr, uint32_t value) { *(volatile uint32_t *)addr = value; }

void bcm2835_pm_reset(uintptr_t base, bool halt) {
  uint32_t rsts = read32(base + PM_RSTS) & ~(PM_RSTS_PARTITION_MASK | 0xff000000u);
  write32(base + PM_RSTS, PM_PASSWORD | rsts | (halt ? PM_RSTS_PARTITION_HALT : 0));
  write32(base + PM_WDOG, PM_PASSWORD | PM_WDOG_TICKS);
  uint32_t rstc = read32(base + PM_RSTC) & ~(PM_RSTC_WRCFG_MASK | 0xff000000u);
  write32(base + PM_RSTC, PM_PASSWORD | rstc | PM_RSTC_WRCFG_FULL_RESET);
}
