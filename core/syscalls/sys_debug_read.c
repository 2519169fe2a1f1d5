// zx_debug_read: bytes from the serial console, as Zircon's. It waits for the first
// byte, then takes what else is already there. The UART is polled once per 10 ms
// while waiting (no receive interrupt: the console's only reader is a shell's
// keystrokes, and the poll costs nothing when nobody reads).
#include <janus/arch.h>
#include <janus/board_console.h>
#include <janus/thread.h>

#include "core/syscalls/syscall_table.h"
#include "core/kernel/timer.h"

#define POLL_NS 10000000
#define DEBUG_READ_MAX 4096

zx_status_t sys_debug_read(zx_handle_t handle, user_out_ptr_t buffer, size_t buffer_size,
                           user_out_ptr_t actual) {
  (void)handle;  // Zircon's root resource: Janus has none to check
  if (buffer_size > DEBUG_READ_MAX) buffer_size = DEBUG_READ_MAX;
  char chunk[64];
  size_t got = 0;
  while (buffer_size) {
    int c = board_console_getc();
    if (c >= 0) {
      chunk[got++] = (char)c;
      if (got < sizeof chunk && got < buffer_size) continue;
      break;
    }
    if (got) break;
    if (thread_current()->killed) return ZX_ERR_CANCELED;
    thread_sleep_until(arch_monotonic_ns() + POLL_NS);
  }
  if (got && arch_copy_to_user(buffer.addr, chunk, got) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  if (arch_copy_to_user(actual.addr, &got, sizeof got) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  return ZX_OK;
}
