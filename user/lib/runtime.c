// The handles a process starts with (see crt0.S), for the zx_*_self() calls.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <zircon/syscalls.h>

static zx_handle_t process_self, thread_self, vmar_root_self, job_default, bootfs;
static zx_handle_t extra[JANUS_LAUNCH_EXTRA_HANDLES_MAX];

// Every program starts with handles to its process, first thread, root VMAR, job and
// the boot filesystem in x0-x4 (docs/design.md, "Starting programs"), and whatever
// else its launcher passed in x5-x7 (0 when nothing).
void __janus_runtime_init(zx_handle_t process, zx_handle_t thread, zx_handle_t vmar,
                          zx_handle_t job, zx_handle_t boot, zx_handle_t x5, zx_handle_t x6,
                          zx_handle_t x7);
void __janus_runtime_init(zx_handle_t process, zx_handle_t thread, zx_handle_t vmar,
                          zx_handle_t job, zx_handle_t boot, zx_handle_t x5, zx_handle_t x6,
                          zx_handle_t x7) {
  process_self = process;
  thread_self = thread;
  vmar_root_self = vmar;
  job_default = job;
  bootfs = boot;
  extra[0] = x5;
  extra[1] = x6;
  extra[2] = x7;
}

zx_handle_t zx_process_self(void) { return process_self; }
zx_handle_t zx_thread_self(void) { return thread_self; }
zx_handle_t zx_vmar_root_self(void) { return vmar_root_self; }
zx_handle_t zx_job_default(void) { return job_default; }
zx_handle_t janus_bootfs(void) { return bootfs; }
zx_handle_t janus_startup_handle(unsigned index) {
  return index < JANUS_LAUNCH_EXTRA_HANDLES_MAX ? extra[index] : ZX_HANDLE_INVALID;
}
