// Runs every registered host test; `runner NAME` runs the tests whose name contains NAME.
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define MAX_TESTS 1024

static struct {
  const char *name;
  test_fn fn;
} tests[MAX_TESTS];
static int test_count;
int test_current_failed;

void test_register(const char *name, test_fn fn) {
  if (test_count == MAX_TESTS) abort();
  tests[test_count].name = name;
  tests[test_count].fn = fn;
  test_count++;
}

void test_fail(const char *file, int line, const char *what) {
  printf("  %s:%d: expected %s\n", file, line, what);
  test_current_failed = 1;
}

int main(int argc, char **argv) {
  int passed = 0, failed = 0;
  for (int i = 0; i < test_count; i++) {
    if (argc > 1 && !strstr(tests[i].name, argv[1])) continue;
    test_current_failed = 0;
    tests[i].fn();
    printf("%s host/%s\n", test_current_failed ? "FAIL" : "PASS", tests[i].name);
    if (test_current_failed) failed++; else passed++;
  }
  printf("host: %d passed, %d failed\n", passed, failed);
  return failed ? 1 : 0;
}
