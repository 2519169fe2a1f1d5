// Restricted mode (Zircon's <zircon/syscalls-next.h>): the state a thread runs with
// in restricted mode, kept in the VMO zx_restricted_bind_state returns, and the
// reasons normal mode is re-entered at the vector zx_restricted_enter was given.
#ifndef ZIRCON_SYSCALLS_NEXT_H_
#define ZIRCON_SYSCALLS_NEXT_H_

#include <stdint.h>
#include <zircon/syscalls/exception.h>

typedef uint64_t zx_restricted_reason_t;

#define ZX_RESTRICTED_REASON_SYSCALL ((zx_restricted_reason_t)0)
#define ZX_RESTRICTED_REASON_EXCEPTION ((zx_restricted_reason_t)1)
#define ZX_RESTRICTED_REASON_KICK ((zx_restricted_reason_t)2)

// arm64: 280 bytes. cpsr carries only the user-controllable flags (NZCV, bits 28-31).
typedef struct zx_restricted_state {
  uint64_t x[31];
  uint64_t sp;
  uint64_t pc;
  uint64_t tpidr_el0;
  uint32_t cpsr;
  uint8_t padding1[4];
} zx_restricted_state_t;

// What the state VMO holds after an exit with ZX_RESTRICTED_REASON_EXCEPTION.
typedef struct zx_restricted_exception {
  zx_restricted_state_t state;
  zx_exception_report_t exception;
} zx_restricted_exception_t;

#endif  // ZIRCON_SYSCALLS_NEXT_H_
