// Arm PL011 UART: polled output for the kernel console.
#ifndef DRIVERS_UART_PL011_H_
#define DRIVERS_UART_PL011_H_

#include <stdint.h>

void pl011_init(uintptr_t base, uint32_t clock_hz, uint32_t baud);
void pl011_putc(uintptr_t base, char c);

#endif  // DRIVERS_UART_PL011_H_
