// Recurses until it runs off its stack: the kernel's report must say "stack overflow"
// (the fault is on the page below the stack mapping) and the program is killed.
#include <stdio.h>

__attribute__((noinline)) static int descend(int depth) {
  volatile char frame[512];
  frame[0] = (char)depth;
  if (frame[0] == 127 && depth < 0) return 0;  // never: keeps the recursion finite to the compiler
  return descend(depth + 1) + frame[0];
}

int main(void) {
  printf("fault_stack_overflow: recursing without end\n");
  return descend(0);
}
