// Self-tests of the page allocator and the kernel heap on the real machine.
#include <janus/physmap.h>
#include <janus/selftest.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <janus/pmm.h>

SELFTEST(pmm_alloc_free_restores_count) {
  enum { N = 64 };
  paddr_t pages[N];
  uint64_t before = pmm_free_pages();
  for (unsigned i = 0; i < N; i++) {
    unsigned order = i % 4;
    CHECK(pmm_alloc(order, &pages[i]) == ZX_OK);
    CHECK((pages[i] & ((PAGE_SIZE << order) - 1)) == 0);
    memset(paddr_to_kva(pages[i]), (int)i, PAGE_SIZE << order);
  }
  CHECK(pmm_free_pages() < before);
  for (unsigned i = 0; i < N; i++) {
    const uint8_t *p = paddr_to_kva(pages[i]);
    CHECK(p[0] == (uint8_t)i && p[(PAGE_SIZE << (i % 4)) - 1] == (uint8_t)i);
  }
  for (unsigned i = 0; i < N; i++) pmm_free(pages[i], i % 4);
  CHECK(pmm_free_pages() == before);
  return true;
}

SELFTEST(heap_malloc_free_realloc) {
  enum { N = 256 };
  static unsigned char *blocks[N];
  for (unsigned i = 0; i < N; i++) {
    size_t size = 1 + (i * 97) % 5000;
    blocks[i] = malloc(size);
    CHECK(blocks[i] != NULL);
    memset(blocks[i], (int)i, size);
  }
  for (unsigned i = 0; i < N; i++) CHECK(blocks[i][(i * 97) % 5000] == (unsigned char)i);
  for (unsigned i = 0; i < N; i += 2) free(blocks[i]);
  unsigned char *big = malloc(1 << 20);
  CHECK(big != NULL);
  memset(big, 0x5a, 1 << 20);
  big = realloc(big, 2 << 20);
  CHECK(big != NULL && big[(1 << 20) - 1] == 0x5a);
  free(big);
  for (unsigned i = 1; i < N; i += 2) free(blocks[i]);
  // Growing the heap's last block: newlib's nano realloc used to copy the new size
  // out of it, running off the end of the heap (core/kernel/libc_glue.c).
  unsigned char *last = malloc(3 << 20);
  CHECK(last != NULL);
  last[0] = 7;
  last = realloc(last, 8 << 20);
  CHECK(last != NULL && last[0] == 7);
  free(last);
  return true;
}
