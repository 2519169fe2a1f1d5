// Executes an undefined instruction: the kernel must kill this process and carry on.
#include <stdio.h>

int main(void) {
  printf("fault_undefined: executing udf #0\n");
  __asm__ volatile("udf #0");
  printf("fault_undefined: survived an undefined instruction!\n");
  return 1;
}
