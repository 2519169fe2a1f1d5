// The handles a process starts with (see crt0.S), for the zx_*_self() calls.
#include <zircon/syscalls.h>

static zx_handle_t process_self, thread_self;

void __janus_runtime_init(zx_handle_t process, zx_handle_t thread);
void __janus_runtime_init(zx_handle_t process, zx_handle_t thread) {
  process_self = process;
  thread_self = thread;
}

zx_handle_t zx_process_self(void) { return process_self; }
zx_handle_t zx_thread_self(void) { return thread_self; }
// Filled in when VMARs and jobs arrive: the kernel does not pass them yet.
zx_handle_t zx_vmar_root_self(void) { return ZX_HANDLE_INVALID; }
zx_handle_t zx_job_default(void) { return ZX_HANDLE_INVALID; }
