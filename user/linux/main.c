// The Linux personality's prototype (user/linux; README "Linux programs"): loads the
// file system, starts the console reader, runs the command line in the boot
// filesystem's "linux-cmd" (NUL-separated arguments, made by `make linux`) as Linux
// process 1, and exits with its status as a shell reports it: the exit code, or 128 +
// the signal that ended it. Whatever it leaves running is ended then.
#include <janus-user/bootfs.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"

#define MAX_ARGS 64

static char *const default_env[] = {"PATH=/bin:/sbin:/usr/bin:/usr/sbin",
                                    "HOME=/root",
                                    "TERM=vt100",
                                    "USER=root",
                                    "LOGNAME=root",
                                    "SHELL=/bin/sh",
                                    "PWD=/"};

// The command: "linux-cmd" split at NULs; /bin/sh without one.
static size_t read_command(zx_handle_t bootfs, char **argv) {
  uint64_t offset, size;
  if (janus_bootfs_find(bootfs, "linux-cmd", &offset, &size) != ZX_OK || size == 0 ||
      size > 65536) {
    argv[0] = "/bin/sh";
    return 1;
  }
  char *text = calloc(1, size + 1);
  if (!text || zx_vmo_read(bootfs, text, offset, size) != ZX_OK) {
    argv[0] = "/bin/sh";
    return 1;
  }
  size_t argc = 0;
  for (char *p = text; p < text + size && argc < MAX_ARGS; p += strlen(p) + 1) argv[argc++] = p;
  return argc;
}

int main(void) {
  zx_handle_t bootfs = janus_bootfs();
  int err = lx_vfs_init(bootfs);
  if (err) {
    lx_log("cannot load the file system: error %d", -err);
    return 1;
  }
  char *argv[MAX_ARGS + 1] = {0};
  size_t argc = read_command(bootfs, argv);
  lx_console_start();
  if (lx_start_init(argv, argc, default_env, sizeof default_env / sizeof default_env[0]) != 0)
    return 127;
  int status = lx_wait_init();
  lx_process_kill_all();
  int sig = status & 0x7f;
  if (sig) {
    lx_log("%s ended by %s", argv[0], lx_signal_names[sig] ? lx_signal_names[sig] : "a signal");
    return 128 + sig;
  }
  return (status >> 8) & 0xff;
}
