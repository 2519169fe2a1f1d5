// Handle-table chunks are exactly a page: they come straight from the page allocator
// and go straight back to it, so a dead table's memory is free again at once.
#include "core/object/handle_table.h"

#include <janus/physmap.h>

#include <janus/pmm.h>

_Static_assert(HANDLE_TABLE_CHUNK_BYTES == PAGE_SIZE, "one chunk, one page");

void *handle_chunk_alloc(void) {
  paddr_t pa;
  return pmm_alloc(0, &pa) == ZX_OK ? paddr_to_kva(pa) : NULL;
}

void handle_chunk_free(void *chunk) { pmm_free(kva_to_paddr(chunk), 0); }
