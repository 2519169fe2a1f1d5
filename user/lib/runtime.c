// The handles a process starts with (see crt0.S), for the zx_*_self() calls, and its
// arguments. A program the kernel starts gets its handles in x0-x4 (and one started
// with Janus's zx_process_start_handles any further ones in x5-x7); one a launcher
// starts (janus_launch) gets, as in Zircon, a bootstrap channel in x0 (x1 = 0) whose one
// message is a processargs message (<zircon/processargs.h>) with the handles and argv.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <stdint.h>
#include <zircon/processargs.h>
#include <zircon/syscalls.h>
#include <zircon/time.h>

static zx_handle_t process_self, thread_self, vmar_root_self, job_default, bootfs;
static zx_handle_t extra[JANUS_LAUNCH_EXTRA_HANDLES_MAX];

// main's arguments (crt0.S passes them): none for a program the kernel starts.
#define MAX_ARGS 8
int __janus_argc;
static char *argv_store[MAX_ARGS + 1];
char **__janus_argv = argv_store;
static char args_store[256];

static void take_args(const uint8_t *buf, uint32_t size, const zx_proc_args_t *pa) {
  if (pa->args_off >= size) return;
  uint32_t len =
      size - pa->args_off < sizeof args_store - 1 ? size - pa->args_off : sizeof args_store - 1;
  __builtin_memcpy(args_store, buf + pa->args_off, len);
  args_store[len] = 0;
  char *p = args_store, *end = args_store + len;
  while (__janus_argc < MAX_ARGS && (uint32_t)__janus_argc < pa->args_num && p < end) {
    argv_store[__janus_argc++] = p;
    while (p < end && *p) p++;
    p++;
  }
}

static void read_bootstrap(zx_handle_t channel) {
  static uint8_t buf[512] __attribute__((aligned(8)));
  zx_handle_t handles[ZX_CHANNEL_MAX_MSG_HANDLES];
  uint32_t size = 0, count = 0;
  if (zx_channel_read(channel, 0, buf, handles, sizeof buf, ZX_CHANNEL_MAX_MSG_HANDLES, &size,
                      &count) != ZX_OK)
    return;
  const zx_proc_args_t *pa = (const zx_proc_args_t *)buf;
  if (size < sizeof *pa || pa->protocol != ZX_PROCARGS_PROTOCOL ||
      pa->version != ZX_PROCARGS_VERSION || pa->handle_info_off > size ||
      (size - pa->handle_info_off) / sizeof(uint32_t) < count)
    return;
  const uint32_t *info = (const uint32_t *)(buf + pa->handle_info_off);
  for (uint32_t i = 0; i < count; i++) {
    switch (PA_HND_TYPE(info[i])) {
      case PA_PROC_SELF:
        process_self = handles[i];
        break;
      case PA_THREAD_SELF:
        thread_self = handles[i];
        break;
      case PA_VMAR_ROOT:
        vmar_root_self = handles[i];
        break;
      case PA_JOB_DEFAULT:
        job_default = handles[i];
        break;
      case PA_VMO_BOOTFS:
        bootfs = handles[i];
        break;
      case PA_USER0:
        if (PA_HND_ARG(info[i]) < JANUS_LAUNCH_EXTRA_HANDLES_MAX) {
          extra[PA_HND_ARG(info[i])] = handles[i];
          break;
        }
        __attribute__((fallthrough));
      default:
        zx_handle_close(handles[i]);  // nothing here would use it
    }
  }
  take_args(buf, size, pa);
}

void __janus_runtime_init(zx_handle_t process, zx_handle_t thread, zx_handle_t vmar,
                          zx_handle_t job, zx_handle_t boot, zx_handle_t x5, zx_handle_t x6,
                          zx_handle_t x7);
void __janus_runtime_init(zx_handle_t process, zx_handle_t thread, zx_handle_t vmar,
                          zx_handle_t job, zx_handle_t boot, zx_handle_t x5, zx_handle_t x6,
                          zx_handle_t x7) {
  if (thread == ZX_HANDLE_INVALID && process != ZX_HANDLE_INVALID) {
    read_bootstrap(process);
    zx_handle_close(process);
    return;
  }
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
