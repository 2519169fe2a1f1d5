// zx_vmo_create_child: snapshots (copy on write) and slices (see core/vm/vmo.h).
#include <stdlib.h>

#include "core/object/signals.h"
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

// Links child under parent (ZX_VMO_ZERO_CHILDREN goes off while it lives).
static void link_child_locked(struct vmo *parent, struct vmo *child) {
  if (!parent->children) object_signal(&parent->obj, ZX_VMO_ZERO_CHILDREN, 0);
  child->parent = parent;
  child->sibling_next = parent->children;
  if (parent->children) parent->children->sibling_prev = child;
  parent->children = child;
}

// *slot becomes (or already is) a shared page, with one more reference for the caller.
static zx_status_t share_slot(vmo_slot_t *slot) {
  if (!(*slot & VMO_SLOT_SHARED)) {
    struct vmo_shared_page *sp = malloc(sizeof *sp);
    if (!sp) return ZX_ERR_NO_MEMORY;
    sp->pa = *slot;
    sp->refs = 1;
    *slot = (vmo_slot_t)sp | VMO_SLOT_SHARED;
  }
  ((struct vmo_shared_page *)(*slot & ~VMO_SLOT_SHARED))->refs++;
  return ZX_OK;
}

// Gives child (size pages) a reference to each committed page of owner from page
// `first` on, up to owner page `limit`. Empty leaves are skipped whole, and a leaf's
// empty slots in a tight loop, so a sparse parent costs little more than it holds.
// [*lo, *hi): the owner pages it shared (empty when none).
static zx_status_t share_pages_locked(struct vmo *owner, uint64_t first, uint64_t limit,
                                      struct vmo *child, uint64_t pages, uint64_t *lo,
                                      uint64_t *hi) {
  uint64_t end = first + pages < limit ? first + pages : limit;
  *lo = *hi = first;
  for (uint64_t idx = first; idx < end;) {
    size_t i = idx / VMO_LEAF_PAGES;
    if (i >= owner->top_len) break;
    uint64_t leaf_end = (uint64_t)(i + 1) * VMO_LEAF_PAGES;
    if (leaf_end > end) leaf_end = end;
    vmo_slot_t *leaf = owner->top[i];
    if (!leaf) {
      idx = leaf_end;
      continue;
    }
    for (; idx < leaf_end; idx++) {
      vmo_slot_t *src = &leaf[idx % VMO_LEAF_PAGES];
      if (!*src) continue;
      vmo_slot_t *dst = vmo_slot_locked(child, idx - first, true);
      if (!dst || share_slot(src) != ZX_OK) return ZX_ERR_NO_MEMORY;
      *dst = *src;
      child->committed++;
      if (*lo == *hi) *lo = idx;
      *hi = idx + 1;
    }
  }
  return ZX_OK;
}

zx_status_t vmo_snapshot_locked(struct vmo *parent, uint64_t offset, uint64_t size,
                                uint32_t options, struct vmo **out) {
  *out = NULL;
  uint64_t first = offset / PAGE_SIZE;
  struct vmo *owner = vmo_page_owner(parent, &first);
  if (owner->pinned) return ZX_ERR_BAD_STATE;
  struct vmo *child;
  zx_status_t status = vmo_create(size, options, &child);
  if (status != ZX_OK) return status;
  // Pages past the parent's end (a slice's end, for a slice) read as zero.
  uint64_t parent_pages = parent->size / PAGE_SIZE;
  uint64_t limit = offset / PAGE_SIZE < parent_pages
                       ? first + (parent_pages - offset / PAGE_SIZE) : first;
  child->ever_shared = true;
  owner->ever_shared = true;
  uint64_t lo, hi;
  status = share_pages_locked(owner, first, limit, child, size / PAGE_SIZE, &lo, &hi);
  if (status != ZX_OK) {
    // child holds references already: its destroy drops them (it takes vm_lock).
    *out = child;
    return status;
  }
  // The parent's mappings of pages now shared must fault on their next write: only
  // committed pages can be mapped, so the span of those shared (an 8 MiB stack's
  // few pages at its top, not its 4 tables) is all there is to protect.
  if (hi > lo) vm_vmo_write_protect_locked(owner, lo * PAGE_SIZE, hi * PAGE_SIZE);
  child->cow_child = true;
  link_child_locked(parent, child);
  *out = child;
  return ZX_OK;
}

zx_status_t vmo_create_child(struct vmo *parent, enum vmo_child_kind kind, bool resizable,
                             uint64_t offset, uint64_t size, struct vmo **out) {
  if (offset & (PAGE_SIZE - 1)) return ZX_ERR_INVALID_ARGS;
  if (size > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
  size = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
  if (offset > UINT64_MAX - size) return ZX_ERR_OUT_OF_RANGE;
  zx_status_t status = ZX_OK;
  struct vmo *child = NULL;
  if (kind == VMO_CHILD_SLICE) {
    if (resizable) return ZX_ERR_INVALID_ARGS;  // no other option goes with a slice
    status = vmo_create(size, 0, &child);
    if (status != ZX_OK) return status;
  }
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  if (kind == VMO_CHILD_SNAPSHOT) {
    status = vmo_snapshot_locked(parent, offset, size, resizable ? ZX_VMO_RESIZABLE : 0, &child);
  } else if (offset > parent->size || size > parent->size - offset) {
    status = ZX_ERR_INVALID_ARGS;  // a slice lies wholly inside its parent
  } else if (parent->options & ZX_VMO_RESIZABLE) {
    status = ZX_ERR_NOT_SUPPORTED;
  } else {
    uint64_t idx = offset / PAGE_SIZE;
    struct vmo *root = vmo_page_owner(parent, &idx);  // slices of slices stay flat
    kobject_ref(&root->obj);
    child->slice_root = root;
    child->slice_offset = idx * PAGE_SIZE;
    child->slice_next = root->slices;
    if (root->slices) root->slices->slice_prev = child;
    root->slices = child;
    link_child_locked(parent, child);
  }
  spin_unlock_irqrestore(&vm_lock, state);
  if (status != ZX_OK) {
    if (child) kobject_unref(&child->obj);
    return status;
  }
  *out = child;
  return ZX_OK;
}
