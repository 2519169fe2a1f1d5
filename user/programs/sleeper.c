// Stays alive a little while, sleeping and waking: the kernel's many-processes
// self-test runs dozens of these at once so that address spaces outnumber ASIDs.
#include <zircon/syscalls.h>

int main(void) {
  for (int i = 0; i < 10; i++) zx_nanosleep(zx_clock_get_monotonic() + 5000000);  // 5 ms
  return 0;
}
