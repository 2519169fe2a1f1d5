// Raspberry Pi 4 Model B (BCM2711) in low-peripheral mode, as the firmware leaves it.
#ifndef BOARD_H_
#define BOARD_H_

#define BOARD_NAME "rpi4"
#define BOARD_UART_BASE 0xfe201000UL  // PL011 UART0 on GPIO14/15
#define BOARD_UART_CLOCK_HZ 48000000u  // config.txt: init_uart_clock=48000000
// The PL011's pins, set by the console driver itself (no overlay can: the Debian
// device tree has no __symbols__). Without disable-bt the firmware gives the PL011
// to Bluetooth on GPIO30-33 (ALT3) and GPIO14/15 to the mini UART (ALT5).
// docs/hardware.md has the evidence.
#define BOARD_BCM2711_GPIO_BASE 0xfe200000UL
#define BOARD_UART_TX_GPIO 14       // TXD0, header pin 8
#define BOARD_UART_RX_GPIO 15       // RXD0, header pin 10
#define BOARD_UART_GPIO_FUNCTION 4  // ALT0 (BCM2711_GPIO_ALT0)
#define BOARD_UART_BT_GPIOS {30, 31, 32, 33}  // back to inputs: one place for UART0
#define BOARD_GICD_BASE 0xff841000UL   // GIC-400 distributor
#define BOARD_GICC_BASE 0xff842000UL   // GIC-400 CPU interface
#define BOARD_TIMER_FREQ_HZ 54000000u  // used only if CNTFRQ_EL0 reads 0
// Power management (reset and halt through its watchdog; the Pi has no PSCI).
#define BOARD_BCM2835_PM_BASE 0xfe100000UL
// Hardware random number generator (RNG200; drivers/rng/bcm2711_rng200.c).
#define BOARD_RNG200_BASE 0xfe104000UL
#define BOARD_DEVICE_WINDOWS {{0xfc000000UL, 0x04000000UL}}
// The firmware's spin-table stubs live below the kernel's load address.
#define BOARD_RAM_HOLES {{0, 0x80000UL}}

#endif  // BOARD_H_
