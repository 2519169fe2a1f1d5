// tests/test.sh: a user program with a warning (an unused parameter). It builds by
// default, warning, and fails with USER_CFLAGS=-Werror.
#include <stdio.h>

static int twice(int x, int unused) { return 2 * x; }

int main(void) {
  printf("unused_param: %d\n", twice(21, 0));
  return 0;
}
