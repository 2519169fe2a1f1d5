// Buddy allocator. Metadata is one byte per page, meaningful only at a block's first
// page: FREE|order for a free block, USED|order for an allocated one, 0 for every
// other page. So pmm_free can check in O(1) that it gets back exactly a block that
// was handed out, and a buddy can be merged only when it is a whole free block.
#include <janus/pmm.h>
#include <janus/testing.h>

#include <stdbool.h>
#include <string.h>

#include <janus/spinlock.h>

#define META_FREE 0x80u
#define META_USED 0x40u
#define META_ORDER 0x0fu

// Lives in the first page of each free block.
struct free_block {
  struct free_block *next, *prev;
};

struct arena {
  uint64_t start_pfn;         // the metadata's first page
  uint64_t first_pfn, pages;  // managed pages, after the metadata
  uint8_t *meta;              // one byte per managed page
};

static spinlock_t pmm_lock = SPINLOCK_INIT;
static struct arena arenas[PMM_MAX_ARENAS];
static unsigned arena_count;
// Circular lists with static heads, so no link is ever "none".
static struct free_block free_lists[PMM_MAX_ORDER + 1];
static uint64_t free_pages, total_pages;

static void lists_init_locked(void) {
  for (unsigned o = 0; o <= PMM_MAX_ORDER; o++) {
    if (!free_lists[o].next) free_lists[o].next = free_lists[o].prev = &free_lists[o];
  }
}

static struct free_block *block_at(uint64_t pfn) {
  return paddr_to_kva(pfn << PAGE_SHIFT);
}

static uint64_t block_pfn(const struct free_block *b) {
  return kva_to_paddr(b) >> PAGE_SHIFT;
}

static void list_push(unsigned order, struct free_block *b) {
  struct free_block *head = &free_lists[order];
  b->next = head->next;
  b->prev = head;
  head->next->prev = b;
  head->next = b;
}

static void list_remove(struct free_block *b) {
  b->prev->next = b->next;
  b->next->prev = b->prev;
}

static struct arena *arena_of(uint64_t pfn) {
  for (unsigned i = 0; i < arena_count; i++) {
    if (pfn >= arenas[i].first_pfn && pfn - arenas[i].first_pfn < arenas[i].pages)
      return &arenas[i];
  }
  return NULL;
}

static uint8_t *meta_of(struct arena *a, uint64_t pfn) { return &a->meta[pfn - a->first_pfn]; }

// Frees [pfn, pfn + 2^order) into a, merging with free buddies inside the arena.
static void free_block_locked(struct arena *a, uint64_t pfn, unsigned order) {
  while (order < PMM_MAX_ORDER) {
    uint64_t buddy = pfn ^ ((uint64_t)1 << order);
    if (buddy < a->first_pfn || buddy - a->first_pfn >= a->pages) break;
    if (*meta_of(a, buddy) != (META_FREE | order)) break;
    list_remove(block_at(buddy));
    *meta_of(a, buddy) = 0;
    *meta_of(a, pfn) = 0;
    pfn &= ~((uint64_t)1 << order);
    order++;
  }
  *meta_of(a, pfn) = (uint8_t)(META_FREE | order);
  list_push(order, block_at(pfn));
}

zx_status_t pmm_add_range(paddr_t base, uint64_t size) {
  if (size > UINT64_MAX - base) return ZX_ERR_INVALID_ARGS;
  if (base > UINT64_MAX - (PAGE_SIZE - 1)) return ZX_OK;  // no whole page in it
  uint64_t first = (base + PAGE_SIZE - 1) >> PAGE_SHIFT;
  uint64_t end = (base + size) >> PAGE_SHIFT;
  if (end <= first) return ZX_OK;
  // The metadata pages hold a byte for each remaining page: meta * 4097 >= all.
  uint64_t all = end - first;
  uint64_t meta_pages = (all + PAGE_SIZE) / (PAGE_SIZE + 1);
  if (all <= meta_pages) return ZX_OK;

  irq_state_t irq = spin_lock_irqsave(&pmm_lock);
  zx_status_t st = ZX_OK;
  for (unsigned i = 0; i < arena_count && st == ZX_OK; i++) {
    const struct arena *a = &arenas[i];
    if (first < a->first_pfn + a->pages && a->start_pfn < end) st = ZX_ERR_ALREADY_EXISTS;
  }
  if (st == ZX_OK && arena_count == PMM_MAX_ARENAS) st = ZX_ERR_NO_RESOURCES;
  if (st != ZX_OK) {
    spin_unlock_irqrestore(&pmm_lock, irq);
    return st;
  }
  lists_init_locked();
  struct arena *a = &arenas[arena_count++];
  a->start_pfn = first;
  a->meta = paddr_to_kva(first << PAGE_SHIFT);
  a->first_pfn = first + meta_pages;
  a->pages = all - meta_pages;
  memset(a->meta, 0, a->pages);
  // Seed with the largest naturally aligned blocks that fit.
  uint64_t pfn = a->first_pfn, stop = a->first_pfn + a->pages;
  while (pfn < stop) {
    unsigned order = 0;
    while (order < PMM_MAX_ORDER && (pfn & (((uint64_t)2 << order) - 1)) == 0 &&
           ((uint64_t)2 << order) <= stop - pfn)
      order++;
    *meta_of(a, pfn) = (uint8_t)(META_FREE | order);
    list_push(order, block_at(pfn));
    pfn += (uint64_t)1 << order;
  }
  free_pages += a->pages;
  total_pages += a->pages;
  spin_unlock_irqrestore(&pmm_lock, irq);
  return ZX_OK;
}

zx_status_t pmm_alloc(unsigned order, paddr_t *out) {
  if (order > PMM_MAX_ORDER || !out) return ZX_ERR_INVALID_ARGS;
  irq_state_t irq = spin_lock_irqsave(&pmm_lock);
  lists_init_locked();
  unsigned o = order;
  while (o <= PMM_MAX_ORDER && free_lists[o].next == &free_lists[o]) o++;
  if (o > PMM_MAX_ORDER) {
    spin_unlock_irqrestore(&pmm_lock, irq);
    return ZX_ERR_NO_MEMORY;
  }
  struct free_block *b = free_lists[o].next;
  uint64_t pfn = block_pfn(b);
  struct arena *a = arena_of(pfn);
  if (!a || *meta_of(a, pfn) != (META_FREE | o)) {
    // A free-list link was overwritten: refuse to hand the block out.
    spin_unlock_irqrestore(&pmm_lock, irq);
    pmm_corruption(pfn << PAGE_SHIFT);
    return ZX_ERR_NO_MEMORY;
  }
  list_remove(b);
  // Split: keep the low half, free the high half, until the block is the right size.
  while (o > order) {
    o--;
    uint64_t half = pfn + ((uint64_t)1 << o);
    *meta_of(a, half) = (uint8_t)(META_FREE | o);
    list_push(o, block_at(half));
  }
  *meta_of(a, pfn) = (uint8_t)(META_USED | order);
  free_pages -= (uint64_t)1 << order;
  spin_unlock_irqrestore(&pmm_lock, irq);
  *out = pfn << PAGE_SHIFT;
  return ZX_OK;
}

void pmm_free(paddr_t pa, unsigned order) {
  uint64_t pfn = pa >> PAGE_SHIFT;
  irq_state_t irq = spin_lock_irqsave(&pmm_lock);
  struct arena *a = order <= PMM_MAX_ORDER && (pa & (PAGE_SIZE - 1)) == 0
                        ? arena_of(pfn) : NULL;
  if (!a || *meta_of(a, pfn) != (META_USED | order)) {
    spin_unlock_irqrestore(&pmm_lock, irq);
    pmm_corruption(pa);
    return;
  }
  free_pages += (uint64_t)1 << order;
  free_block_locked(a, pfn, order);
  spin_unlock_irqrestore(&pmm_lock, irq);
}

uint64_t pmm_free_pages(void) {
  irq_state_t irq = spin_lock_irqsave(&pmm_lock);
  uint64_t n = free_pages;
  spin_unlock_irqrestore(&pmm_lock, irq);
  return n;
}

uint64_t pmm_total_pages(void) {
  irq_state_t irq = spin_lock_irqsave(&pmm_lock);
  uint64_t n = total_pages;
  spin_unlock_irqrestore(&pmm_lock, irq);
  return n;
}

#ifdef JANUS_HOST
void pmm_reset_for_test(void) {
  irq_state_t irq = spin_lock_irqsave(&pmm_lock);
  memset(arenas, 0, sizeof arenas);
  arena_count = 0;
  for (unsigned o = 0; o <= PMM_MAX_ORDER; o++)
    free_lists[o].next = free_lists[o].prev = &free_lists[o];
  free_pages = total_pages = 0;
  spin_unlock_irqrestore(&pmm_lock, irq);
}
#endif
