// The console device each board names in board.h (a PL011 on both boards).
#include <board.h>
#include <janus/board_console.h>
#include <janus/physmap.h>

#include "drivers/uart/pl011.h"

#define CONSOLE_BAUD 115200

static uintptr_t uart_base(void) { return (uintptr_t)paddr_to_kva(BOARD_UART_BASE); }

void board_console_init(void) { pl011_init(uart_base(), BOARD_UART_CLOCK_HZ, CONSOLE_BAUD); }

void board_console_putc(char c) { pl011_putc(uart_base(), c); }

int board_console_getc(void) { return pl011_getc(uart_base()); }
