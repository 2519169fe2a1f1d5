// Arm PL011 UART: polled output for the kernel console, polled input for zx_debug_read.
#ifndef DRIVERS_UART_PL011_H_
#define DRIVERS_UART_PL011_H_

#include <stdint.h>

void pl011_init(uintptr_t base, uint32_t clock_hz, uint32_t baud);
void pl011_putc(uintptr_t base, char c);
int pl011_getc(uintptr_t base);  // a received byte, or -1 when none is waiting

#endif  // DRIVERS_UART_PL011_H_
