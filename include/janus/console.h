// The kernel console: formatted output (newlib's integer-only printf) to the UART.
#ifndef JANUS_CONSOLE_H_
#define JANUS_CONSOLE_H_

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef void (*console_putc_fn)(char c);

void console_init(console_putc_fn putc);
__attribute__((format(printf, 1, 2))) void kprintf(const char *fmt, ...);
void kvprintf(const char *fmt, va_list args);
void console_write(const char *s, size_t len);
// A panicking CPU writes without waiting for a lock another CPU may hold forever.
void console_enter_panic_mode(void);

#endif  // JANUS_CONSOLE_H_
