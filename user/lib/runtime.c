// The handles a process starts with (see crt0.S), for the zx_*_self() calls.
#include <zircon/syscalls.h>

static zx_handle_t process_self, thread_self, vmar_root_self, job_default;

// The kernel starts a program with handles to its process, first thread, root VMAR
// and job in x0-x3.
void __janus_runtime_init(zx_handle_t process, zx_handle_t thread, zx_handle_t vmar,
                          zx_handle_t job);
void __janus_runtime_init(zx_handle_t process, zx_handle_t thread, zx_handle_t vmar,
                          zx_handle_t job) {
  process_self = process;
  thread_self = thread;
  vmar_root_self = vmar;
  job_default = job;
}

zx_handle_t zx_process_self(void) { return process_self; }
zx_handle_t zx_thread_self(void) { return thread_self; }
// Filled in when VMARs and jobs arrive: the kernel does not pass them yet.
zx_handle_t zx_vmar_root_self(void) { return vmar_root_self; }
zx_handle_t zx_job_default(void) { return job_default; }
