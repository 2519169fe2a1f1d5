// Started by tests/user/launch.c through janus_launch: checks the handles and the
// arguments (argv = {the name it was launched as}) a launched program finds in its
// bootstrap message (docs/design.md, "Starting programs") and exits with 42, or 43 when
// it was also given the boot filesystem, or 100 + its CPU when its launcher passed an
// event as its one extra handle; 1 when anything is wrong.
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

static zx_info_handle_basic_t basic(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  return info;
}

int main(int argc, char **argv) {
  char name[ZX_MAX_NAME_LEN] = {0};
  zx_object_get_property(zx_process_self(), ZX_PROP_NAME, name, sizeof name);
  int bad = argc != 1 || argv[1] != NULL || strcmp(argv[0], name) != 0;
  zx_info_handle_basic_t process = basic(zx_process_self()), thread = basic(zx_thread_self());
  zx_info_handle_basic_t job = basic(zx_job_default());
  bad |= process.type != ZX_OBJ_TYPE_PROCESS;
  bad |= thread.type != ZX_OBJ_TYPE_THREAD || thread.related_koid != process.koid;
  bad |= job.type != ZX_OBJ_TYPE_JOB || job.koid != process.related_koid;
  zx_info_vmar_t root = {0};
  bad |= zx_object_get_info(zx_vmar_root_self(), ZX_INFO_VMAR, &root, sizeof root, NULL, NULL) !=
         ZX_OK;
  uintptr_t code = (uintptr_t)&main;
  bad |= code < root.base || code - root.base >= root.len;
  char *heap = malloc(100000);  // memory comes through the root VMAR
  bad |= heap == NULL;
  if (heap) memset(heap, 1, 100000);
  free(heap);
  zx_handle_t bootfs = janus_bootfs();
  bool has_bootfs = bootfs != ZX_HANDLE_INVALID;
  if (has_bootfs) bad |= janus_bootfs_find(bootfs, "launched", NULL, NULL) != ZX_OK;
  zx_handle_t extra = janus_startup_handle(0);
  bad |= janus_startup_handle(1) != ZX_HANDLE_INVALID || janus_startup_handle(2) != ZX_HANDLE_INVALID;
  bad |= janus_startup_handle(JANUS_LAUNCH_EXTRA_HANDLES_MAX) != ZX_HANDLE_INVALID;
  uint32_t cpu = JANUS_THREAD_CPU_ANY;
  if (extra != ZX_HANDLE_INVALID) {
    bad |= basic(extra).type != ZX_OBJ_TYPE_EVENT;
    bad |= zx_object_get_property(zx_thread_self(), JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu) != ZX_OK;
  }
  printf("launched: %s, %s the boot filesystem\n", bad ? "BAD start-up handles" : "start-up handles ok",
         has_bootfs ? "with" : "without");
  if (bad) return 1;
  return extra != ZX_HANDLE_INVALID ? 100 + (int)cpu : has_bootfs ? 43 : 42;
}
