// The first user program of demo builds (user/user.mk): starts "main" (make run
// PROGRAM=...) or else "demo" from the boot filesystem, in a job of its own, waits for
// it, ends whatever it left running, and exits with its exit code, which the kernel
// prints and `make run` checks.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <stdio.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

int main(void) {
  zx_handle_t bootfs = janus_bootfs();
  const char *name = janus_bootfs_find(bootfs, "main", NULL, NULL) == ZX_OK ? "main" : "demo";
  zx_handle_t job, proc;
  zx_status_t status = zx_job_create(zx_job_default(), 0, &job);
  if (status == ZX_OK) status = janus_launch_bootfs(job, bootfs, name, &proc);
  if (status != ZX_OK) {
    printf("init: cannot start %s: status %d\n", name, status);
    return 1;
  }
  zx_info_process_t info = {0};
  status = zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL);
  if (status == ZX_OK)
    status = zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL);
  zx_task_kill(job);  // anything the program started and left behind
  if (status != ZX_OK) {
    printf("init: lost %s: status %d\n", name, status);
    return 1;
  }
  printf("program %s exited with %ld\n", name, (long)info.return_code);
  zx_process_exit(info.return_code);
}
