// Syscalls of the process and thread life cycle that user programs need first.
#include <janus/arch.h>
#include <janus/console.h>
#include "core/object/process.h"
#include <janus/thread.h>

#include "core/syscalls/syscall_table.h"
#include "core/kernel/timer.h"

#define DEBUG_WRITE_MAX 4096
#define DEBUG_WRITE_CHUNK 256

zx_status_t sys_debug_write(user_in_ptr_t buffer, size_t buffer_size) {
  if (buffer_size > DEBUG_WRITE_MAX) return ZX_ERR_INVALID_ARGS;
  char chunk[DEBUG_WRITE_CHUNK];
  for (size_t done = 0; done < buffer_size;) {
    size_t n = buffer_size - done < sizeof chunk ? buffer_size - done : sizeof chunk;
    zx_status_t status = arch_copy_from_user(chunk, buffer.addr + done, n);
    if (status != ZX_OK) return status;
    console_write(chunk, n);
    done += n;
  }
  return ZX_OK;
}

void sys_process_exit(int64_t retcode) { process_exit_current(retcode); }

void sys_thread_exit(void) { process_thread_exit(); }

zx_time_t sys_clock_get_monotonic(void) { return arch_monotonic_ns(); }

zx_status_t sys_nanosleep(zx_time_t deadline) {
  // zx_nanosleep(0), the usual yield, needs no clock read: time is never negative.
  if (deadline <= 0 || deadline <= arch_monotonic_ns())
    thread_yield();
  else
    thread_sleep_until(deadline);
  return ZX_OK;
}

zx_status_t sys_handle_close(zx_handle_t handle) {
  if (handle == ZX_HANDLE_INVALID) return ZX_OK;
  return handle_table_close(process_current()->handles, handle);
}
