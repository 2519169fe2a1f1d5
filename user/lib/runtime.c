// The handles a process starts with (see crt0.S), for the zx_*_self() calls.
#include <janus-user/bootfs.h>
#include <zircon/syscalls.h>

static zx_handle_t process_self, thread_self, vmar_root_self, job_default, bootfs;

// Every program starts with handles to its process, first thread, root VMAR, job and
// the boot filesystem in x0-x4 (docs/design.md, "Starting programs").
void __janus_runtime_init(zx_handle_t process, zx_handle_t thread, zx_handle_t vmar,
                          zx_handle_t job, zx_handle_t boot);
void __janus_runtime_init(zx_handle_t process, zx_handle_t thread, zx_handle_t vmar,
                          zx_handle_t job, zx_handle_t boot) {
  process_self = process;
  thread_self = thread;
  vmar_root_self = vmar;
  job_default = job;
  bootfs = boot;
}

zx_handle_t zx_process_self(void) { return process_self; }
zx_handle_t zx_thread_self(void) { return thread_self; }
zx_handle_t zx_vmar_root_self(void) { return vmar_root_self; }
zx_handle_t zx_job_default(void) { return job_default; }
zx_handle_t janus_bootfs(void) { return bootfs; }
