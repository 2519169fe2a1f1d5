// The smallest Janus program: stdio over zx_debug_write, exit status 0.
#include <stdio.h>

int main(void) {
  printf("hello from user space\n");
  return 0;
}
