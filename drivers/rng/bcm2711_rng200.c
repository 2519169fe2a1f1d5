// BCM2711 RNG200 (iProc RNG200), at 0xfe104000 on the Pi 4 in low-peripheral mode.
// Registers as Linux's iproc-rng200 driver, the EDK2 Raspberry Pi port
// (Silicon/Broadcom/Bcm283x/Include/IndustryStandard/Bcm2838Rng.h) and QEMU's
// bcm2838_rng200 model agree on them:
//   0x00 RNG_CTRL: bits 12:0 RBG enable (0x1fff mask; 1 = on), bits 20:13 the sample
//        rate divisor
//   0x10 RNG_TOTAL_BIT_COUNT_THRESHOLD: bits to gather before the FIFO fills
//   0x20 RNG_FIFO_DATA: the next 32 random bits
//   0x24 RNG_FIFO_COUNT: bits 7:0 words waiting in the FIFO
// The Pi firmware usually leaves it running; if not, it is started the way EDK2 does
// (threshold 0x40000, divisor 3).
#include "drivers/rng/bcm2711_rng200.h"

#include <string.h>

#define RNG_CTRL 0x00u
#define RNG_TOTAL_BIT_COUNT_THRESHOLD 0x10u
#define RNG_FIFO_DATA 0x20u
#define RNG_FIFO_COUNT 0x24u
#define RNG_CTRL_RBG_ENABLE_MASK 0x1fffu
#define RNG_CTRL_DIV_SHIFT 13
#define RNG_FIFO_COUNT_MASK 0xffu

static uint32_t read32(uintptr_t addr) { return *(volatile uint32_t *)addr; }
static void write32(uintptr_t addr, uint32_t value) { *(volatile uint32_t *)addr = value; }

size_t bcm2711_rng200_read(uintptr_t base, void *buf, size_t len, int64_t timeout_ns,
                           int64_t (*now)(void)) {
  if (!(read32(base + RNG_CTRL) & RNG_CTRL_RBG_ENABLE_MASK)) {
    write32(base + RNG_TOTAL_BIT_COUNT_THRESHOLD, 0x40000u);
    write32(base + RNG_CTRL, 3u << RNG_CTRL_DIV_SHIFT | 1u);
  }
  int64_t deadline = now() + timeout_ns;
  size_t done = 0;
  while (done < len) {
    if (!(read32(base + RNG_FIFO_COUNT) & RNG_FIFO_COUNT_MASK)) {
      if (now() > deadline) break;
      continue;
    }
    uint32_t word = read32(base + RNG_FIFO_DATA);
    size_t n = len - done < sizeof word ? len - done : sizeof word;
    memcpy((uint8_t *)buf + done, &word, n);
    done += n;
  }
  return done;
}
