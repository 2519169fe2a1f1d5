// An exclusive load from a misaligned address always takes an alignment fault: the
// kernel must kill this process and carry on.
#include <stdint.h>
#include <stdio.h>

static uint64_t words[2];

int main(void) {
  uintptr_t misaligned = (uintptr_t)words + 1;
  uint64_t value;
  printf("fault_alignment: ldxr from 0x%lx\n", (unsigned long)misaligned);
  __asm__ volatile("ldxr %0, [%1]" : "=r"(value) : "r"(misaligned) : "memory");
  printf("fault_alignment: survived a misaligned exclusive load (0x%lx)!\n", (unsigned long)value);
  return 1;
}
