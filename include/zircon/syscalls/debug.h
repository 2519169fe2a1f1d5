// Thread state for debuggers (Zircon's <zircon/syscalls/debug.h>, arm64, general
// registers): what zx_thread_read_state / _write_state move.
#ifndef ZIRCON_SYSCALLS_DEBUG_H_
#define ZIRCON_SYSCALLS_DEBUG_H_

#include <stdint.h>

typedef struct zx_thread_state_general_regs {
  uint64_t r[30];
  uint64_t lr;
  uint64_t sp;
  uint64_t pc;
  uint64_t cpsr;
  uint64_t tpidr;
} zx_thread_state_general_regs_t;

typedef uint32_t zx_thread_state_topic_t;
#define ZX_THREAD_STATE_GENERAL_REGS ((zx_thread_state_topic_t)0u)

#endif  // ZIRCON_SYSCALLS_DEBUG_H_
