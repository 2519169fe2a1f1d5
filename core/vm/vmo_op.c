// zx_vmo_op_range on a VMO (see core/vm/vmo.h): commit, decommit, zero, cache
// maintenance. Each page is handled under its own hold of vm_lock, so a large range
// never keeps interrupts masked for long.
#include <janus/arch.h>
#include <string.h>

#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

// Zircon's TrimRange: offset past the end is ZX_ERR_OUT_OF_RANGE, the length is cut
// at the end.
static zx_status_t trim(struct vmo *vmo, uint64_t offset, uint64_t *len) {
  uint64_t size = vmo_get_size(vmo);
  if (offset > size || *len > UINT64_MAX - offset) return ZX_ERR_OUT_OF_RANGE;
  if (*len > size - offset) *len = size - offset;
  return ZX_OK;
}

// Every page of [offset, offset + len) committed as the VMO's own (a child's copy
// of a shared page: the same bytes).
static zx_status_t commit(struct vmo *vmo, uint64_t offset, uint64_t len) {
  zx_status_t status = trim(vmo, offset, &len);
  if (status != ZX_OK || len == 0) return status;
  for (uint64_t idx = offset / PAGE_SIZE; idx * PAGE_SIZE < offset + len && status == ZX_OK; idx++) {
    paddr_t pa;
    irq_state_t state = spin_lock_irqsave(&vm_lock);
    status = vmo_commit_page_locked(vmo, idx, true, &pa, NULL);
    spin_unlock_irqrestore(&vm_lock, state);
  }
  return status;
}

// vm_lock held: page idx of owner becomes uncommitted (reads as zero), out of every
// mapping first.
static void drop_page_locked(struct vmo *owner, uint64_t idx) {
  vmo_slot_t *slot = vmo_slot_locked(owner, idx, false);
  if (!slot || !*slot) return;
  vm_vmo_unmap_locked(owner, idx * PAGE_SIZE, (idx + 1) * PAGE_SIZE);
  vmo_slot_release(*slot);
  *slot = 0;
  owner->committed--;
}

static bool has_snapshot_children_locked(const struct vmo *vmo) {
  for (const struct vmo *c = vmo->children; c; c = c->sibling_next)
    if (!c->slice_root) return true;
  return false;
}

// As Zircon: only for VMOs that are not snapshots and have none (or slices of such).
static zx_status_t decommit(struct vmo *vmo, uint64_t offset, uint64_t len) {
  zx_status_t status = trim(vmo, offset, &len);
  if (status != ZX_OK || len == 0) return status;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  uint64_t first = offset / PAGE_SIZE;
  struct vmo *owner = vmo_page_owner(vmo, &first);
  if (owner->cow_child || has_snapshot_children_locked(owner)) status = ZX_ERR_NOT_SUPPORTED;
  else if ((offset | len) & (PAGE_SIZE - 1)) status = ZX_ERR_INVALID_ARGS;
  else if (owner->pinned) status = ZX_ERR_BAD_STATE;  // the kernel uses those pages
  spin_unlock_irqrestore(&vm_lock, state);
  for (uint64_t i = 0; status == ZX_OK && i < len / PAGE_SIZE; i++) {
    state = spin_lock_irqsave(&vm_lock);
    drop_page_locked(owner, first + i);
    spin_unlock_irqrestore(&vm_lock, state);
  }
  return status;
}

// Whole pages become uncommitted (shared zero reads, no memory); the ends of a range
// that cut a page are written with zeros (a page not committed already reads zero).
static zx_status_t zero(struct vmo *vmo, uint64_t offset, uint64_t len) {
  zx_status_t status = trim(vmo, offset, &len);
  uint64_t end = offset + len;
  for (uint64_t at = offset; status == ZX_OK && at < end;) {
    uint64_t idx = at / PAGE_SIZE, in_page = at % PAGE_SIZE;
    uint64_t n = PAGE_SIZE - in_page < end - at ? PAGE_SIZE - in_page : end - at;
    irq_state_t state = spin_lock_irqsave(&vm_lock);
    uint64_t owner_idx = idx;
    struct vmo *owner = vmo_page_owner(vmo, &owner_idx);
    if (n == PAGE_SIZE && !owner->pinned) {
      drop_page_locked(owner, owner_idx);
    } else if (vmo_lookup_page_locked(vmo, idx)) {
      paddr_t pa;
      status = vmo_commit_page_locked(vmo, idx, true, &pa, NULL);
      if (status == ZX_OK) memset((char *)paddr_to_kva(pa) + in_page, 0, n);
    }
    spin_unlock_irqrestore(&vm_lock, state);
    at += n;
  }
  return status;
}

// Cache maintenance on the committed pages of the range (nothing is cached for the
// others); as Zircon, an empty range is ZX_ERR_INVALID_ARGS and one past the end
// ZX_ERR_OUT_OF_RANGE.
static zx_status_t cache_op(struct vmo *vmo, uint64_t offset, uint64_t len, unsigned op) {
  if (len == 0) return ZX_ERR_INVALID_ARGS;
  uint64_t size = vmo_get_size(vmo);
  if (offset > size || len > size - offset) return ZX_ERR_OUT_OF_RANGE;
  for (uint64_t at = offset; at < offset + len;) {
    uint64_t in_page = at % PAGE_SIZE;
    uint64_t n = PAGE_SIZE - in_page < offset + len - at ? PAGE_SIZE - in_page : offset + len - at;
    irq_state_t state = spin_lock_irqsave(&vm_lock);
    paddr_t pa = at < vmo->size ? vmo_lookup_page_locked(vmo, at / PAGE_SIZE) : 0;
    if (pa) arch_cache_op((uintptr_t)paddr_to_kva(pa) + in_page, n, op);
    spin_unlock_irqrestore(&vm_lock, state);
    at += n;
  }
  return ZX_OK;
}

zx_status_t vmo_op_range(struct vmo *vmo, uint32_t op, uint64_t offset, uint64_t len) {
  switch (op) {
    case ZX_VMO_OP_COMMIT:
      return commit(vmo, offset, len);
    case ZX_VMO_OP_DECOMMIT:
      return decommit(vmo, offset, len);
    case ZX_VMO_OP_ZERO:
      return zero(vmo, offset, len);
    case ZX_VMO_OP_CACHE_SYNC:
      return cache_op(vmo, offset, len, ARCH_CACHE_SYNC);
    case ZX_VMO_OP_CACHE_CLEAN:
      return cache_op(vmo, offset, len, ARCH_CACHE_CLEAN);
    case ZX_VMO_OP_CACHE_INVALIDATE:
    case ZX_VMO_OP_CACHE_CLEAN_INVALIDATE:
      return cache_op(vmo, offset, len, ARCH_CACHE_CLEAN_INVALIDATE);
    case ZX_VMO_OP_LOCK:
    case ZX_VMO_OP_TRY_LOCK:
    case ZX_VMO_OP_UNLOCK:
      return ZX_ERR_NOT_SUPPORTED;  // Janus has no discardable VMOs
    case ZX_VMO_OP_DONT_NEED:
    case ZX_VMO_OP_ALWAYS_NEED: {
      uint64_t trimmed = len;
      return trim(vmo, offset, &trimmed);  // hints: nothing is ever evicted
    }
    default:
      return ZX_ERR_INVALID_ARGS;
  }
}
