// Reads the virtual timer's control register: EL0 may read the counter, never program
// or inspect a timer, so the kernel must kill this process and carry on.
#include <stdint.h>
#include <stdio.h>

int main(void) {
  printf("fault_timer_register: reading cntv_ctl_el0\n");
  uint64_t v;
  __asm__ volatile("mrs %0, cntv_ctl_el0" : "=r"(v));
  printf("fault_timer_register: read a timer register (%llu)!\n", (unsigned long long)v);
  return 1;
}
