// janus: shared-prototype
// Started by tests/user/launch.c through janus_launch: a shared prototype (linked into
// the shared window) checks that its code and its root VMAR are the window's, and
// exits with 44; 1 when anything is wrong.
#include <stdio.h>
#include <stdlib.h>
#include <zircon/syscalls.h>
#include <zircon/syscalls/object.h>

static volatile int in_window_data = 7;  // the image's data: in the window too

int main(void) {
  int bad = 0;
  zx_info_vmar_t root = {0};
  bad |= zx_object_get_info(zx_vmar_root_self(), ZX_INFO_VMAR, &root, sizeof root, NULL, NULL) !=
         ZX_OK;
  uintptr_t code = (uintptr_t)&main, data = (uintptr_t)&in_window_data;
  bad |= code >> 48 != 0xffff || code < root.base || code - root.base >= root.len;
  bad |= data < root.base || data - root.base >= root.len || in_window_data != 7;
  zx_info_process_t info = {0};
  bad |= zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL) !=
         ZX_OK;
  char *heap = malloc(4096);
  bad |= heap == NULL;
  free(heap);
  printf("launched_shared: %s\n", bad ? "BAD" : "a shared prototype, in its window");
  return bad ? 1 : 44;
}
