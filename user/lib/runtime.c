// The handles a process starts with (see crt0.S), for the zx_*_self() calls.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <zircon/syscalls.h>
#include <zircon/time.h>

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

void zx_cprng_draw(void *buffer, size_t buffer_size) {
  for (size_t done = 0; done < buffer_size;) {
    size_t n = buffer_size - done;
    if (n > ZX_CPRNG_DRAW_MAX_LEN) n = ZX_CPRNG_DRAW_MAX_LEN;
    if (zx_cprng_draw_once((char *)buffer + done, n) != ZX_OK) __builtin_trap();
    done += n;
  }
}

zx_time_t zx_deadline_after(zx_duration_t nanoseconds) {
  return zx_time_add_duration(zx_clock_get_monotonic(), nanoseconds);
}

zx_handle_t janus_startup_handle(unsigned index) {
  return index < JANUS_LAUNCH_EXTRA_HANDLES_MAX ? extra[index] : ZX_HANDLE_INVALID;
}
