// Reads kernel memory from user mode: EL0 may not, so the kernel must kill this
// process (a permission fault: the physmap is mapped EL1-only) and carry on.
#include <stdint.h>
#include <stdio.h>

int main(void) {
  volatile uint64_t *p = (volatile uint64_t *)0xffff800040200000UL;
  __asm__ volatile("" : "+r"(p));
  printf("fault_kernel_read: reading 0x%lx\n", (unsigned long)(uintptr_t)p);
  uint64_t value = *p;
  printf("fault_kernel_read: read 0x%lx from the kernel!\n", (unsigned long)value);
  return 1;
}
