// malloc of small and large blocks (brk and mmap), realloc, calloc.
#include <stdint.h>

#include "linux_test.h"

int main(void) {
  enum { N = 10000 };
  static char *small[N];
  for (int i = 0; i < N; i++) {
    small[i] = malloc(16 + i % 200);
    CHECK(small[i] != NULL);
    if (!small[i]) return test_done();
    memset(small[i], i & 0xff, 16 + i % 200);
  }
  for (int i = 0; i < N; i++) CHECK(small[i][15 + i % 200] == (char)(i & 0xff));
  for (int i = 0; i < N; i += 2) free(small[i]);
  size_t big_size = 64u << 20;
  unsigned char *big = malloc(big_size);  // mmap'd
  CHECK(big != NULL);
  if (big) {
    for (size_t i = 0; i < big_size; i += 4096) big[i] = (unsigned char)(i >> 12);
    for (size_t i = 0; i < big_size; i += 4096) CHECK(big[i] == (unsigned char)(i >> 12));
    free(big);
  }
  char *r = malloc(10);
  strcpy(r, "grow me");
  for (size_t n = 100; n < (4u << 20); n *= 4) {
    r = realloc(r, n);
    CHECK(r && !strcmp(r, "grow me"));
  }
  free(r);
  int *z = calloc(100000, sizeof *z);
  CHECK(z != NULL);
  long sum = 0;
  for (int i = 0; z && i < 100000; i++) sum += z[i];
  CHECK_EQ(sum, 0);
  free(z);
  for (int i = 1; i < N; i += 2) free(small[i]);
  return test_done();
}
