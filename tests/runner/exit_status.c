// tests/test.sh: a program that exits with status 7, which the runner must report
// as a program exit status (not a fault, panic or timeout).
#include <stdio.h>

int main(void) {
  printf("exit_status: exiting with 7\n");
  return 7;
}
