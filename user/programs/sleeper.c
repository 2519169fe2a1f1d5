// Stays alive, waking every 20 ms, until it is killed: the kernel's many-processes
// self-test keeps thousands of these alive at once so that address spaces outnumber
// ASIDs and every CPU keeps switching among them.
#include <zircon/syscalls.h>

int main(void) {
  for (;;) zx_nanosleep(zx_clock_get_monotonic() + 20000000);
}
