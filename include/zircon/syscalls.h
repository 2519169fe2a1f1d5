// User-side syscall prototypes, generated from <zircon/syscalls.def>. The bodies are
// the stubs of user/lib/syscall_stubs.S (number in x16, svc #0, status in x0).
#ifndef ZIRCON_SYSCALLS_H_
#define ZIRCON_SYSCALLS_H_

#include <zircon/rights.h>
#include <zircon/syscalls/debug.h>
#include <zircon/syscalls/exception.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>

#define ARG(T, name) T name
#define USER_IN(T, name) T name
#define USER_OUT(T, name) T name
#define SYSCALL(num, name, rtype, nargs, args) \
  ZX_SYSCALL_RTYPE(rtype) zx_##name(ZX_SYSCALL_PARAMS(nargs, args));
#include <zircon/syscalls.def>

// Handles the process was started with, kept by the user runtime (not syscalls).
// zx_thread_self() is the program's first thread, whichever thread asks: the runtime
// has no thread library to keep one per thread, so pass a thread you start its own
// handle (as zx_thread_start's arg1, say).
zx_handle_t zx_process_self(void);
zx_handle_t zx_thread_self(void);
zx_handle_t zx_vmar_root_self(void);
zx_handle_t zx_job_default(void);

// The system counter, read in user space without a syscall (arm64: CNTVCT_EL0 and
// CNTFRQ_EL0, which the kernel lets EL0 read). zx_clock_get_monotonic() is the same
// counter in nanoseconds.
zx_ticks_t zx_ticks_get(void);
zx_ticks_t zx_ticks_per_second(void);
// What Zircon's vDSO builds on its syscalls (user/lib/runtime.c).
// len random bytes from the kernel's CPRNG, in zx_cprng_draw_once calls of at most
// ZX_CPRNG_DRAW_MAX_LEN; a bad buffer ends the process with an exception, as in Zircon.
void zx_cprng_draw(void *buffer, size_t buffer_size);
// zx_clock_get_monotonic() + nanoseconds, saturating at ZX_TIME_INFINITE.
zx_time_t zx_deadline_after(zx_duration_t nanoseconds);

#endif  // ZIRCON_SYSCALLS_H_
