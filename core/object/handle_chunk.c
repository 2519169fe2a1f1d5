// Handle-table chunks are exactly a page: they come straight from the page allocator
// and go straight back to it, so a dead table's memory is free again at once.
#include "core/object/handle_table.h"

#include <janus/physmap.h>

#include <janus/pmm.h>

_Static_assert(HANDLE_TABLE_CHUNK_BYTES == PAGE_SIZE, "one chunk, one page");

static uint64_t chunk_pages;  // atomic: kernel memory statistics

uint64_t handle_chunk_pages(void) { return __atomic_load_n(&chunk_pages, __ATOMIC_RELAXED); }

void *handle_chunk_alloc(void) {
  paddr_t pa;
  if (pmm_alloc(0, &pa) != ZX_OK) return NULL;
  __atomic_fetch_add(&chunk_pages, 1, __ATOMIC_RELAXED);
  return paddr_to_kva(pa);
}

void handle_chunk_free(void *chunk) {
  __atomic_fetch_sub(&chunk_pages, 1, __ATOMIC_RELAXED);
  pmm_free(kva_to_paddr(chunk), 0);
}
