// Region bookkeeping in offsets from the region's base, so nothing wraps even when
// the region ends at 2^64: every child satisfies off + size <= r->size.
#include "vm_range.h"
#include "lib/hash.h"

#define PAGE_MASK ((uintptr_t)VM_RANGE_PAGE - 1)

zx_status_t vm_range_init(struct vm_range *r, uintptr_t base, size_t size) {
  *r = (struct vm_range){0};
  if (size == 0 || ((base | size) & PAGE_MASK) || size - 1 > UINTPTR_MAX - base)
    return ZX_ERR_INVALID_ARGS;
  r->base = base;
  r->size = size;
  return ZX_OK;
}

// Last byte of [base, base + size), clipped to the top of the address space.
static uintptr_t last_byte(uintptr_t base, size_t size) {
  return size - 1 > UINTPTR_MAX - base ? UINTPTR_MAX : base + (size - 1);
}

bool vm_range_overlaps(const struct vm_range_node *node, uintptr_t base, size_t size) {
  if (size == 0) return false;
  return node->base <= last_byte(base, size) && base <= node->base + (node->size - 1);
}

struct vm_range_node *vm_range_first_overlap(const struct vm_range *r, uintptr_t base,
                                             size_t size) {
  if (size == 0) return NULL;
  uintptr_t last = last_byte(base, size);
  for (struct vm_range_node *n = r->first; n && n->base <= last; n = n->next) {
    if (base <= n->base + (n->size - 1)) return n;
  }
  return NULL;
}

struct vm_range_node *vm_range_find(const struct vm_range *r, uintptr_t addr) {
  return vm_range_first_overlap(r, addr, 1);
}

zx_status_t vm_range_insert(struct vm_range *r, struct vm_range_node *node, uintptr_t base,
                            size_t size) {
  if (size == 0 || ((base | size) & PAGE_MASK)) return ZX_ERR_INVALID_ARGS;
  if (base < r->base || size > r->size || base - r->base > r->size - size)
    return ZX_ERR_INVALID_ARGS;
  // The first child ending at or after base decides both overlap and position.
  struct vm_range_node *after = r->first;
  while (after && after->base + (after->size - 1) < base) after = after->next;
  if (after && after->base <= base + (size - 1)) return ZX_ERR_ALREADY_EXISTS;
  node->base = base;
  node->size = size;
  node->next = after;
  node->prev = after ? after->prev : r->last;
  if (node->prev) node->prev->next = node;
  else r->first = node;
  if (after) after->prev = node;
  else r->last = node;
  r->count++;
  return ZX_OK;
}

void vm_range_remove(struct vm_range *r, struct vm_range_node *node) {
  if (node->prev) node->prev->next = node->next;
  else r->first = node->next;
  if (node->next) node->next->prev = node->prev;
  else r->last = node->prev;
  node->prev = node->next = NULL;
  r->count--;
}

// Aligned positions for size bytes in the gap [gap_start, gap_end) (offsets);
// *first gets the lowest one. 0 when none fits.
static uint64_t gap_positions(const struct vm_range *r, size_t gap_start, size_t gap_end,
                              size_t size, size_t align, size_t *first) {
  if (gap_end - gap_start < size) return 0;
  // gap_start < r->size here, so the absolute address does not wrap.
  size_t pad = (size_t)(-(r->base + gap_start)) & (align - 1);
  if (pad > gap_end - gap_start - size) return 0;
  *first = gap_start + pad;
  return (gap_end - *first - size) / align + 1;
}

// Visits the gaps in address order. Not picking: returns how many positions fit.
// Picking: sets *out to the pick-th position and returns 1 (0 if there is none).
static uint64_t walk_gaps(const struct vm_range *r, size_t size, size_t align, uint64_t pick,
                          bool picking, uintptr_t *out) {
  uint64_t total = 0;
  size_t gap_start = 0;
  const struct vm_range_node *n = r->first;
  for (;;) {
    size_t gap_end = n ? n->base - r->base : r->size;
    size_t first;
    uint64_t count = gap_positions(r, gap_start, gap_end, size, align, &first);
    if (picking && pick < count) {
      *out = r->base + first + pick * align;
      return 1;
    }
    pick -= picking ? count : 0;
    total += count;
    if (!n) return total;
    gap_start = n->base - r->base + n->size;
    n = n->next;
  }
}

zx_status_t vm_range_find_free(const struct vm_range *r, size_t size, size_t align,
                               uint64_t random, uintptr_t *out) {
  if (align == 0) align = VM_RANGE_PAGE;
  if (size == 0 || (size & PAGE_MASK) || align < VM_RANGE_PAGE || (align & (align - 1)))
    return ZX_ERR_INVALID_ARGS;
  if (size > r->size) return ZX_ERR_NO_RESOURCES;
  uint64_t pick = 0;
  if (random) {
    uint64_t total = walk_gaps(r, size, align, 0, false, NULL);
    if (!total) return ZX_ERR_NO_RESOURCES;
    pick = hash_splitmix64(random) % total;
  }
  return walk_gaps(r, size, align, pick, true, out) ? ZX_OK : ZX_ERR_NO_RESOURCES;
}
