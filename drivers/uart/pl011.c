// Arm PL011 UART (DDI 0183): 8N1, FIFOs on, polled transmit and receive.
#include "drivers/uart/pl011.h"

#define UARTDR 0x00
#define UARTFR 0x18
#define UARTIBRD 0x24
#define UARTFBRD 0x28
#define UARTLCR_H 0x2c
#define UARTCR 0x30
#define UARTIMSC 0x38
#define UARTICR 0x44

#define FR_TXFF (1u << 5)
#define FR_RXFE (1u << 4)
#define FR_BUSY (1u << 3)
#define LCR_H_FEN (1u << 4)
#define LCR_H_WLEN8 (3u << 5)
#define CR_UARTEN (1u << 0)
#define CR_TXE (1u << 8)
#define CR_RXE (1u << 9)

static inline volatile uint32_t *reg(uintptr_t base, unsigned off) {
  return (volatile uint32_t *)(base + off);
}

void pl011_init(uintptr_t base, uint32_t clock_hz, uint32_t baud) {
  while (*reg(base, UARTFR) & FR_BUSY) {
  }
  *reg(base, UARTCR) = 0;
  // Divisor = clock / (16 * baud), with a 6-bit fraction, rounded.
  uint32_t div64 = (uint32_t)(((uint64_t)clock_hz * 4 + baud / 2) / baud);
  *reg(base, UARTIBRD) = div64 >> 6;
  *reg(base, UARTFBRD) = div64 & 0x3f;
  *reg(base, UARTLCR_H) = LCR_H_WLEN8 | LCR_H_FEN;
  *reg(base, UARTIMSC) = 0;
  *reg(base, UARTICR) = 0x7ff;
  *reg(base, UARTCR) = CR_UARTEN | CR_TXE | CR_RXE;
}

void pl011_putc(uintptr_t base, char c) {
  while (*reg(base, UARTFR) & FR_TXFF) {
  }
  *reg(base, UARTDR) = (uint8_t)c;
}

int pl011_getc(uintptr_t base) {
  if (*reg(base, UARTFR) & FR_RXFE) return -1;
  return (int)(*reg(base, UARTDR) & 0xff);
}
