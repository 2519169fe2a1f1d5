// The physical page allocator: a buddy allocator over 4 KiB pages. Each range handed
// to pmm_add_range becomes an arena that keeps one metadata byte per page at its own
// start; free blocks are linked through their first page (reached via the physmap).
// Blocks are 2^order pages, naturally aligned in physical address space.
// Pages come back uninitialized: callers zero what they need zeroed.
#ifndef JANUS_PMM_H_
#define JANUS_PMM_H_

#include <stdint.h>
#include <janus/physmap.h>
#include <zircon/types.h>

// Largest block: order 10 = 1024 pages = 4 MiB (covers 2 MiB block mappings).
#define PMM_MAX_ORDER 10u
#define PMM_MAX_ARENAS 16

// Adds [base, base + size), shrunk inward to whole pages. ZX_OK also when the range is
// too small to hold its metadata plus one page (it is skipped); ZX_ERR_INVALID_ARGS
// if it wraps past 2^64; ZX_ERR_ALREADY_EXISTS if it overlaps an arena;
// ZX_ERR_NO_RESOURCES when all PMM_MAX_ARENAS are in use.
zx_status_t pmm_add_range(paddr_t base, uint64_t size);

// 2^order contiguous pages aligned to their size. ZX_ERR_INVALID_ARGS for
// order > PMM_MAX_ORDER, ZX_ERR_NO_MEMORY when no block is free.
zx_status_t pmm_alloc(unsigned order, paddr_t *out);

// Returns a block from pmm_alloc with the same order. Anything else (double free,
// wrong order, a page never handed out) is reported to pmm_corruption and ignored.
void pmm_free(paddr_t pa, unsigned order);

// Small zeroed tables for arch (a TTBR0 root): PMM_SMALL_TABLE_BYTES, aligned to their
// size, in the physmap, never at the start of a page; NULL when memory ran out. From a
// slab cache (core/vm/small_table.c): counted as slab memory.
#define PMM_SMALL_TABLE_BYTES 64u
void *pmm_small_table_alloc(void);
void pmm_small_table_free(void *table);

uint64_t pmm_free_pages(void);
uint64_t pmm_total_pages(void);  // managed pages, metadata excluded

// Called (outside the allocator lock) when the metadata shows a kernel bug at pa.
// The kernel panics; host tests record it.
void pmm_corruption(paddr_t pa);

#endif  // JANUS_PMM_H_
