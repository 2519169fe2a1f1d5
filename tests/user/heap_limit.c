// A program's own heap limit (include/janus-user/heap.h): defining janus_heap_limit
// replaces the default, and malloc stops there with NULL.
#include <janus-user/heap.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "user_test.h"

size_t janus_heap_limit = (size_t)8 << 20;  // 8 MiB

int main(void) {
  EXPECT_EQ(malloc((size_t)16 << 20) == NULL, 1);
  uint8_t *p = malloc((size_t)4 << 20);
  EXPECT_EQ(p != NULL, 1);
  if (p) p[((size_t)4 << 20) - 1] = 1;
  free(p);
  EXPECT_EQ(JANUS_HEAP_LIMIT_DEFAULT, (size_t)64 << 30);
  printf("heap_limit: %d failures of %d checks\n", failures, checks);
  return failures;
}
