// Small translation tables for arch (include/janus/pmm.h): a slab cache of aligned
// objects, so 63 TTBR0 roots share a page.
#include <janus/pmm.h>

#include "core/vm/slab.h"

static struct slab_cache small_tables =
    SLAB_CACHE_ALIGNED("small_table", PMM_SMALL_TABLE_BYTES, PMM_SMALL_TABLE_BYTES);

void *pmm_small_table_alloc(void) { return slab_alloc(&small_tables); }

void pmm_small_table_free(void *table) { slab_free(&small_tables, table); }
