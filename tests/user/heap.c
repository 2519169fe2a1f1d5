// The user heap (user/lib/newlib_glue.c): large allocations succeed up to what the
// machine has, an allocation larger than memory is NULL (not a fault on first touch),
// and its partly committed pages are given back, so the next one succeeds again.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "user_test.h"

#define MIB ((size_t)1 << 20)

// Allocates n bytes, writes its first, middle and last pages, and frees it.
static int big_allocation_works(size_t n) {
  uint8_t *p = malloc(n);
  if (!p) return 0;
  p[0] = 1;
  p[n / 2] = 2;
  p[n - 1] = 3;
  int ok = p[0] == 1 && p[n / 2] == 2 && p[n - 1] == 3;
  free(p);
  return ok;
}

int main(void) {
  EXPECT_EQ(big_allocation_works(100 * MIB), 1);
  // More than any machine Janus runs on: the commit runs out of memory, sbrk fails.
  void *huge = malloc((size_t)16 << 30);
  EXPECT_EQ(huge == NULL, 1);
  free(huge);
  // What that attempt committed was given back: the same 100 MiB fit again.
  EXPECT_EQ(big_allocation_works(100 * MIB), 1);
  // Many small blocks still come from the same heap.
  void *small[1000];
  for (int i = 0; i < 1000; i++) {
    small[i] = malloc(64 + i);
    if (small[i]) memset(small[i], i & 0xff, 64 + i);
  }
  int intact = 1;
  for (int i = 0; i < 1000; i++) {
    intact &= small[i] != NULL && ((uint8_t *)small[i])[63 + i] == (i & 0xff);
    free(small[i]);
  }
  EXPECT_EQ(intact, 1);
  printf("heap: %d failures of %d checks\n", failures, checks);
  return failures;
}
