// Writes to an unmapped address: the kernel must kill this process and carry on.
#include <stdint.h>
#include <stdio.h>

int main(void) {
  volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)0x10;
  __asm__ volatile("" : "+r"(p));  // hide the constant: GCC rejects known-bad addresses
  printf("fault: writing to 0x10\n");
  *p = 1;
  printf("fault: still alive after the write (the kernel did not stop us)\n");
  return 1;
}
