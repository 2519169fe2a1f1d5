// Booted without kernel.enable-debugging-syscalls=true (tools/test.sh runs it alone,
// janus.user=write_memory_disabled): zx_process_write_memory is ZX_ERR_NOT_SUPPORTED,
// before any argument is looked at, as in Zircon; zx_process_read_memory still works.
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

static char target[16] = "original";

int main(void) {
  int bad = 0;
  size_t actual = 0;
  bad |= zx_process_write_memory(zx_process_self(), (uintptr_t)target, "PWNED", 5, &actual) !=
         ZX_ERR_NOT_SUPPORTED;
  bad |= zx_process_write_memory(ZX_HANDLE_INVALID, 0, NULL, 0, NULL) != ZX_ERR_NOT_SUPPORTED;
  bad |= strcmp(target, "original") != 0;
  char buf[16] = {0};
  bad |= zx_process_read_memory(zx_process_self(), (uintptr_t)target, buf, 9, &actual) != ZX_OK;
  bad |= strcmp(buf, "original") != 0;
  printf("write_memory_disabled: %s\n", bad ? "FAILED" : "ZX_ERR_NOT_SUPPORTED, as it should");
  return bad;
}
