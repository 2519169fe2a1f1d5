// Fatal kernel errors: report, stop every CPU, leave.
#ifndef JANUS_PANIC_H_
#define JANUS_PANIC_H_

#define PANIC_EXIT_STATUS 3  // what QEMU exits with after a panic (semihosting)

#include <stdbool.h>

__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);
// For reporters that print their own details (crash reports): panic_begin() claims
// the console (false: another CPU is already panicking), panic_halt() stops all.
bool panic_begin(void);
__attribute__((noreturn)) void panic_halt(void);
// Invariants that only a kernel bug can break; never for checking user input.
#define ASSERT(cond) \
  ((cond) ? (void)0 : panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__))

#endif  // JANUS_PANIC_H_
