// The console device each board names in board.h (a PL011 on both boards).
#include <board.h>
#include <janus/board_console.h>
#include <janus/physmap.h>

#include "drivers/uart/pl011.h"
#ifdef BOARD_BCM2711_GPIO_BASE
#include "drivers/gpio/bcm2711_gpio.h"
#endif

#define CONSOLE_BAUD 115200

static uintptr_t uart_base(void) { return (uintptr_t)paddr_to_kva(BOARD_UART_BASE); }

// Boards whose UART shares pins with other functions route it here, before the first
// character, whatever the firmware left behind.
static void route_uart_pins(void) {
#ifdef BOARD_BCM2711_GPIO_BASE
  uintptr_t gpio = (uintptr_t)paddr_to_kva(BOARD_BCM2711_GPIO_BASE);
  static const unsigned bt_pins[] = BOARD_UART_BT_GPIOS;
  for (unsigned i = 0; i < sizeof bt_pins / sizeof bt_pins[0]; i++)
    bcm2711_gpio_set_function(gpio, bt_pins[i], BCM2711_GPIO_INPUT);
  bcm2711_gpio_route_uart(gpio, BOARD_UART_TX_GPIO, BOARD_UART_RX_GPIO, BOARD_UART_GPIO_FUNCTION);
#endif
}

void board_console_init(void) {
  route_uart_pins();
  pl011_init(uart_base(), BOARD_UART_CLOCK_HZ, CONSOLE_BAUD);
}

void board_console_putc(char c) { pl011_putc(uart_base(), c); }

int board_console_getc(void) { return pl011_getc(uart_base()); }
