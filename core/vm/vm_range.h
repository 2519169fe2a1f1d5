// The address-range allocator behind VMARs: a region [base, base + size) holding
// non-overlapping, page-aligned children (sub-VMARs and mappings). Children embed a
// struct vm_range_node; the region keeps them in a sorted list. No locking: the
// VMAR that owns the region serializes access.
//
// All arithmetic is overflow-safe: a region may end exactly at 2^64, and any
// (base, size) whose end would wrap is rejected.
#ifndef CORE_VM_RANGE_H_
#define CORE_VM_RANGE_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#define VM_RANGE_PAGE 4096u

struct vm_range_node {
  uintptr_t base;
  size_t size;
  struct vm_range_node *prev, *next;  // address order; owned by the region
};

struct vm_range {
  uintptr_t base;
  size_t size;
  struct vm_range_node *first, *last;
  size_t count;
};

// ZX_ERR_INVALID_ARGS when base or size is not page-aligned, size is 0, or the
// region would run past 2^64 (ending exactly at 2^64 is fine). r is empty either way.
zx_status_t vm_range_init(struct vm_range *r, uintptr_t base, size_t size);

// A free, align-aligned spot for size bytes. random == 0: the lowest one (compact);
// otherwise one chosen from every fitting position, uniformly by random.
// ZX_ERR_INVALID_ARGS: size 0 or unaligned, align not a power of two >= 4096
// (0 means 4096). ZX_ERR_NO_RESOURCES: nothing fits.
zx_status_t vm_range_find_free(const struct vm_range *r, size_t size, size_t align,
                               uint64_t random, uintptr_t *out);

// Places node at [base, base + size). ZX_ERR_INVALID_ARGS: size 0, base or size
// unaligned, or not inside the region; ZX_ERR_ALREADY_EXISTS: overlaps a child
// (as zx_vmar_map with ZX_VM_SPECIFIC).
zx_status_t vm_range_insert(struct vm_range *r, struct vm_range_node *node, uintptr_t base,
                            size_t size);
// Takes node (which must be a child of r) out.
void vm_range_remove(struct vm_range *r, struct vm_range_node *node);

// The child containing addr, or NULL.
struct vm_range_node *vm_range_find(const struct vm_range *r, uintptr_t addr);
// The lowest child overlapping [base, base + size), or NULL; a range running past
// 2^64 is clipped there. Walk on with vm_range_next while node->base is in range
// (vm_range_overlaps says whether a node still is).
struct vm_range_node *vm_range_first_overlap(const struct vm_range *r, uintptr_t base,
                                             size_t size);
bool vm_range_overlaps(const struct vm_range_node *node, uintptr_t base, size_t size);

// Address-order iteration. Removing the current node is safe if next was read first.
static inline struct vm_range_node *vm_range_first(const struct vm_range *r) { return r->first; }
static inline struct vm_range_node *vm_range_next(const struct vm_range_node *n) { return n->next; }
static inline struct vm_range_node *vm_range_prev(const struct vm_range_node *n) { return n->prev; }
static inline size_t vm_range_count(const struct vm_range *r) { return r->count; }

#endif  // CORE_VM_RANGE_H_
