// A first Janus program: `make run PROGRAM=examples/hello.c` boots the kernel and
// runs it. It is ordinary C with newlib's stdio; printf reaches the console
// through the zx_debug_write syscall, and main's return value is the exit status.
#include <stdio.h>
#include <zircon/syscalls.h>

int main(void) {
  printf("Hello, Janus! I am a user program.\n");
  printf("my process handle is 0x%x\n", zx_process_self());
  return 0;
}
