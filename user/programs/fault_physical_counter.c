// Reads the physical counter: EL0 may read only the virtual one (zx_ticks_get), so the
// kernel must kill this process and carry on.
#include <stdint.h>
#include <stdio.h>

int main(void) {
  printf("fault_physical_counter: reading cntpct_el0\n");
  uint64_t v;
  __asm__ volatile("mrs %0, cntpct_el0" : "=r"(v));
  printf("fault_physical_counter: read the physical counter (%llu)!\n", (unsigned long long)v);
  return 1;
}
