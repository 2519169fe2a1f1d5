// The Pi 4 console against a fake register block: QEMU's raspi4b does not model pin
// muxing, so this is where GPIO14/15 -> ALT0 (and their pulls) is checked.
#include <string.h>

#include <board.h>  // board/rpi4 (host.mk)
#include <janus/board_console.h>
#include <janus/physmap.h>

#include "drivers/gpio/bcm2711_gpio.h"
#include "test.h"

// GPIO at +0, the PL011 at +0x1000, as on the BCM2711.
#define FAKE_WORDS (0x2000 / 4)
static uint32_t fake[FAKE_WORDS];
#define REG(off) fake[(off) / 4]
#define GPFSEL1 0x04
#define GPFSEL3 0x0c
#define PUP_PDN0 0xe4
#define UART(off) (0x1000 + (off))

TEST(rpi4_board_facts) {
  EXPECT_EQ(BOARD_UART_BASE - BOARD_BCM2711_GPIO_BASE, 0x1000);
  EXPECT_EQ(BOARD_UART_TX_GPIO, 14);
  EXPECT_EQ(BOARD_UART_RX_GPIO, 15);
  EXPECT_EQ(BOARD_UART_GPIO_FUNCTION, BCM2711_GPIO_ALT0);
}

TEST(rpi4_console_routes_uart0_to_gpio14_15) {
  uintptr_t saved = physmap_offset;
  // Every pin in some other function with pull-downs: only the UART's fields may change.
  memset(fake, 0xff, sizeof fake);
  REG(UART(0x18)) = 0;  // UARTFR: not busy, transmit FIFO not full
  uint32_t before[FAKE_WORDS];
  memcpy(before, fake, sizeof fake);
  physmap_offset = (uintptr_t)fake - BOARD_BCM2711_GPIO_BASE;

  board_console_init();
  board_console_putc('J');

  // GPFSEL1: GPIO14 bits 14:12 and GPIO15 bits 17:15 = 0b100 (ALT0); the rest kept.
  EXPECT_EQ(REG(GPFSEL1), (0xffffffffu & ~(0x3fu << 12)) | (4u << 12) | (4u << 15));
  // GPFSEL3: GPIO30-33 (Bluetooth's UART0 pins, bits 11:0) back to inputs.
  EXPECT_EQ(REG(GPFSEL3), 0xffffffffu & ~0xfffu);
  // Pulls: GPIO14 (bits 29:28) none, GPIO15 (bits 31:30) up = 0b01.
  EXPECT_EQ(REG(PUP_PDN0), 0x4fffffffu);
  // The PL011: 115200 baud from 48 MHz (divisor 26 + 3/64), 8N1 with FIFOs, enabled.
  EXPECT_EQ(REG(UART(0x24)), 26);
  EXPECT_EQ(REG(UART(0x28)), 3);
  EXPECT_EQ(REG(UART(0x2c)), 0x70);
  EXPECT_EQ(REG(UART(0x30)), 0x301);
  EXPECT_EQ(REG(UART(0x00)), 'J');

  // Nothing else written.
  static const unsigned touched[] = {GPFSEL1,    GPFSEL3,    PUP_PDN0,   UART(0x00), UART(0x24),
                                     UART(0x28), UART(0x2c), UART(0x30), UART(0x38), UART(0x44)};
  for (unsigned off = 0; off < sizeof fake; off += 4) {
    int expected = 0;
    for (unsigned i = 0; i < sizeof touched / sizeof touched[0]; i++) expected |= touched[i] == off;
    if (!expected) EXPECT_EQ(fake[off / 4], before[off / 4]);
  }
  physmap_offset = saved;
}

TEST(bcm2711_gpio_fields_in_every_register) {
  uintptr_t base = (uintptr_t)fake;
  memset(fake, 0, sizeof fake);
  bcm2711_gpio_set_function(base, 9, BCM2711_GPIO_ALT5);     // GPFSEL0 bits 29:27
  bcm2711_gpio_set_function(base, 57, BCM2711_GPIO_OUTPUT);  // GPFSEL5 bits 23:21
  bcm2711_gpio_set_pull(base, 31, BCM2711_GPIO_PULL_DOWN);   // REG1 bits 31:30
  bcm2711_gpio_set_pull(base, 57, BCM2711_GPIO_PULL_UP);     // REG3 bits 19:18
  EXPECT_EQ(REG(0x00), 2u << 27);
  EXPECT_EQ(REG(0x14), 1u << 21);
  EXPECT_EQ(REG(0xe8), 2u << 30);
  EXPECT_EQ(REG(0xf0), 1u << 18);
}
