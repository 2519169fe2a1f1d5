// Fuzz target: the VMAR range tree (core/vm/vm_range.c) against its bitmap model
// (tests/host/vm_range_model.c); the input bytes are the model's randomness.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/host/vm_range_model.h"

struct bytes {
  const uint8_t *p;
  size_t left;
};

static uint64_t next_from_input(void *ctx) {
  struct bytes *b = ctx;
  uint64_t v = 0;
  size_t n = b->left < 8 ? b->left : 8;
  memcpy(&v, b->p, n);
  b->p += n;
  b->left -= n;
  return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct bytes b = {data, size};
  char why[160];
  int step = vm_range_model_run(next_from_input, &b, (int)(size / 8) + 1, why, sizeof why);
  if (step >= 0) {
    fprintf(stderr, "vm_range model: step %d: %s\n", step, why);
    abort();
  }
  return 0;
}
