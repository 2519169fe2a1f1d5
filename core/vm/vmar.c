// VMARs and mappings (see core/vm/vmar.h); demand paging of user faults.
//
// References: a VMAR in its parent's children holds one reference from the parent;
// the root is held by its process (p->root_vmar); each mapping holds one on its VMO.
// Destroying a VMAR takes its subtree out of the tree (dropping those references) and
// marks every VMAR in it destroyed; handles to them stay valid but every operation on
// them is ZX_ERR_BAD_STATE.
#include "core/vm/vmar.h"

#include <janus/arch.h>
#include <janus/panic.h>
#include "core/object/process.h"
#include <stdlib.h>
#include <string.h>
#include <zircon/rights.h>

#include "core/object/shared_group.h"
#include "core/vm/vmo.h"
#include "lib/hash.h"
#include "core/vm/slab.h"

#define VM_PERM_MASK (ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_PERM_EXECUTE)
#define VM_ALIGN_MASK ((zx_vm_option_t)0x1fu << ZX_VM_ALIGN_BASE)

static struct vmar *node_vmar(struct vm_range_node *n) {
  return (struct vmar *)((char *)n - offsetof(struct vmar, node));
}
static struct vm_mapping *node_mapping(struct vm_range_node *n) {
  return (struct vm_mapping *)((char *)n - offsetof(struct vm_mapping, node));
}
static enum vm_node_kind node_kind(struct vm_range_node *n) { return ((struct vm_node *)n)->kind; }

static struct slab_cache vmar_cache = SLAB_CACHE("vmar", sizeof(struct vmar));
static struct slab_cache mapping_cache = SLAB_CACHE("vm_mapping", sizeof(struct vm_mapping));

static void vmar_obj_destroy(struct kobject *obj) {
  struct vmar *v = (struct vmar *)obj;
  ASSERT(vm_range_count(&v->children) == 0);
  slab_free(&vmar_cache, v);
}

static const struct kobject_ops vmar_ops = {.destroy = vmar_obj_destroy};

zx_rights_t vmar_handle_rights(const struct vmar *vmar) {
  zx_rights_t rights = ZX_DEFAULT_VMAR_RIGHTS;
  if (vmar->flags & ZX_VM_CAN_MAP_READ) rights |= ZX_RIGHT_READ;
  if (vmar->flags & ZX_VM_CAN_MAP_WRITE) rights |= ZX_RIGHT_WRITE;
  if (vmar->flags & ZX_VM_CAN_MAP_EXECUTE) rights |= ZX_RIGHT_EXECUTE;
  return rights;
}

static unsigned arch_perms(unsigned perms) {
  return (perms & ZX_VM_PERM_READ ? ARCH_MMU_READ : 0) |
         (perms & ZX_VM_PERM_WRITE ? ARCH_MMU_WRITE : 0) |
         (perms & ZX_VM_PERM_EXECUTE ? ARCH_MMU_EXECUTE : 0);
}

// Things to release once vm_lock is dropped.
struct vm_deferred {
  struct vm_mapping *mappings;  // linked through vmo_next
  struct vmar *vmars;           // linked through defer_next: drop the tree's reference
};

static void run_deferred(struct vm_deferred *d) {
  while (d->mappings) {
    struct vm_mapping *m = d->mappings;
    d->mappings = m->vmo_next;
    kobject_unref(&m->vmo->obj);
    slab_free(&mapping_cache, m);
  }
  while (d->vmars) {
    struct vmar *v = d->vmars;
    d->vmars = v->defer_next;
    kobject_unref(&v->obj);
  }
}

// Calls fn for every page of m (by VMO page index) whose VMO page is committed and
// whose VMO offset lies in [start, end), with its slot. A slice's pages are its root's.
static void for_committed_pages(struct vm_mapping *m, uint64_t start, uint64_t end,
                                void (*fn)(struct vm_mapping *m, uintptr_t va, vmo_slot_t *slot,
                                           void *arg),
                                void *arg) {
  uint64_t lo = m->vmo_offset, hi = m->vmo_offset + m->node.range.size;
  if (start > lo) lo = start;
  if (end < hi) hi = end;
  // A mapping may reach past its VMO's end, whose last leaf may be short.
  if (m->vmo->size < hi) hi = m->vmo->size;
  uint64_t shift = 0;  // owner page index - VMO page index
  const struct vmo *owner = vmo_page_owner(m->vmo, &shift);
  for (uint64_t idx = lo / PAGE_SIZE; idx < hi / PAGE_SIZE;) {
    size_t i = (idx + shift) / VMO_LEAF_PAGES;
    if (i >= owner->top_len) break;
    if (!owner->top[i]) {
      idx = (uint64_t)(i + 1) * VMO_LEAF_PAGES - shift;
      continue;
    }
    vmo_slot_t *slot = &owner->top[i][(idx + shift) % VMO_LEAF_PAGES];
    if (*slot) fn(m, m->node.range.base + (idx * PAGE_SIZE - m->vmo_offset), slot, arg);
    idx++;
  }
}

// Takes every page of [base, base + size) of as out of the page tables, with one
// batch of TLB maintenance (arch_aspace_unmap_range): a mapping's, a VMAR's or a
// range's pages go together, never page by page.
static void unmap_pages_locked(struct arch_aspace *as, uintptr_t base, uint64_t size) {
  if (as) arch_aspace_unmap_range(as, base, size / PAGE_SIZE);
}

void vm_mapping_unmap_vmo_range_locked(struct vm_mapping *m, uint64_t start, uint64_t end) {
  uint64_t lo = m->vmo_offset, hi = m->vmo_offset + m->node.range.size;
  if (start > lo) lo = start;
  if (end < hi) hi = end;
  if (lo < hi)
    unmap_pages_locked(m->vmar->aspace, m->node.range.base + (lo - m->vmo_offset), hi - lo);
}

// Calls fn(m, lo, hi) for every mapping m of owner (not a slice) and of its slices,
// with [lo, hi) the part of owner's [start, end) in m's VMO's offsets.
static void for_each_mapping_of(struct vmo *owner, uint64_t start, uint64_t end,
                                void (*fn)(struct vm_mapping *m, uint64_t lo, uint64_t hi)) {
  for (struct vm_mapping *m = owner->mappings; m; m = m->vmo_next) fn(m, start, end);
  for (struct vmo *s = owner->slices; s; s = s->slice_next) {
    if (end <= s->slice_offset) continue;
    uint64_t lo = start > s->slice_offset ? start - s->slice_offset : 0;
    for (struct vm_mapping *m = s->mappings; m; m = m->vmo_next) fn(m, lo, end - s->slice_offset);
  }
}

void vm_vmo_unmap_locked(struct vmo *owner, uint64_t start, uint64_t end) {
  for_each_mapping_of(owner, start, end, vm_mapping_unmap_vmo_range_locked);
}

// Writable mappings of [start, end) become read-only in the page tables (the mapping
// keeps its permissions: its next write faults and gets the page's own copy).
static void write_protect_mapping(struct vm_mapping *m, uint64_t start, uint64_t end) {
  uint64_t lo = m->vmo_offset, hi = m->vmo_offset + m->node.range.size;
  if (start > lo) lo = start;
  if (end < hi) hi = end;
  if (lo < hi && (m->perms & ZX_VM_PERM_WRITE) && m->vmar->aspace)
    arch_aspace_protect_range(m->vmar->aspace, m->node.range.base + (lo - m->vmo_offset),
                              (hi - lo) / PAGE_SIZE, arch_perms(m->perms & ~ZX_VM_PERM_WRITE));
}

void vm_vmo_write_protect_locked(struct vmo *owner, uint64_t start, uint64_t end) {
  for_each_mapping_of(owner, start, end, write_protect_mapping);
}

// Takes m out of its VMAR and its VMO's list (its pages are already out of the page
// tables); frees it later.
static void mapping_remove_locked(struct vm_mapping *m, struct vm_deferred *d) {
  vm_range_remove(&m->vmar->children, &m->node.range);
  struct vm_mapping **link = &m->vmo->mappings;
  while (*link != m) link = &(*link)->vmo_next;
  *link = m->vmo_next;
  m->vmo_next = d->mappings;
  d->mappings = m;
}

// Cuts m at `at` (page-aligned, strictly inside m): m keeps [base, at), n (unused
// memory) becomes [at, end) of the same VMO at the matching offset, with m's
// permissions and one more reference to the VMO. Page tables are not touched: the
// entries already there are right for either half.
static void mapping_split_locked(struct vm_mapping *m, uintptr_t at, struct vm_mapping *n) {
  uintptr_t base = m->node.range.base;
  size_t size = m->node.range.size;
  ASSERT(n && at > base && at - base < size && !(at & (PAGE_SIZE - 1)));
  memset(n, 0, sizeof *n);
  n->node.kind = VM_NODE_MAPPING;
  n->vmar = m->vmar;
  n->vmo = m->vmo;
  n->vmo_offset = m->vmo_offset + (at - base);
  n->perms = m->perms;
  n->max_perms = m->max_perms;
  n->private_copy = m->private_copy;
  m->node.range.size = at - base;  // shrinking in place keeps the list in order
  zx_status_t status = vm_range_insert(&m->vmar->children, &n->node.range, at, size - (at - base));
  ASSERT(status == ZX_OK);  // the space m just gave up
  kobject_ref(&m->vmo->obj);
  n->vmo_next = m->vmo->mappings;
  m->vmo->mappings = n;
}

// m loses [base, at): it starts at `at`, at the matching VMO offset.
static void mapping_trim_front_locked(struct vm_mapping *m, uintptr_t at) {
  uint64_t cut = at - m->node.range.base;
  m->vmo_offset += cut;
  m->node.range.base = at;  // moving the base up inside the old range keeps the order
  m->node.range.size -= cut;
}

// Takes v's subtree out of the bookkeeping (iteratively: nesting depth is up to user
// space) and v out of its parent; the caller already unmapped v's pages. The parent's
// reference to v goes to d.
static void vmar_teardown_locked(struct vmar *v, struct vm_deferred *d) {
  struct vmar *cur = v;
  for (;;) {
    struct vm_range_node *n = vm_range_first(&cur->children);
    if (n) {
      if (node_kind(n) == VM_NODE_MAPPING) mapping_remove_locked(node_mapping(n), d);
      else cur = node_vmar(n);
      continue;
    }
    cur->destroyed = true;
    cur->aspace = NULL;
    struct vmar *parent = cur->parent;
    if (parent) {
      vm_range_remove(&parent->children, &cur->node.range);
      cur->parent = NULL;
      cur->defer_next = d->vmars;
      d->vmars = cur;
    }
    if (cur == v) break;
    cur = parent;
  }
}

// Destroys v's subtree: every page in v's range leaves the page tables in one batch.
static void vmar_destroy_locked(struct vmar *v, struct vm_deferred *d) {
  unmap_pages_locked(v->aspace, v->children.base, v->children.size);
  vmar_teardown_locked(v, d);
}

static struct vmar *vmar_new(struct arch_aspace *aspace, struct vmar *parent, uint32_t flags) {
  struct vmar *v = slab_alloc(&vmar_cache);
  if (!v) return NULL;
  kobject_init(&v->obj, ZX_OBJ_TYPE_VMAR, &vmar_ops);
  v->node.kind = VM_NODE_VMAR;
  v->aspace = aspace;
  v->parent = parent;
  v->flags = flags;
  return v;
}

static struct vmar *root_new(struct arch_aspace *aspace, uintptr_t base, uintptr_t end) {
  struct vmar *v = vmar_new(aspace, NULL, VMAR_CAN_MAP_MASK);
  if (!v) return NULL;
  zx_status_t status = vm_range_init(&v->children, base, end - base);
  ASSERT(status == ZX_OK);
  v->node.range.base = base;
  v->node.range.size = v->children.size;
  return v;
}

zx_status_t process_vm_init(struct process *p) {
  p->root_vmar = root_new(&p->aspace, VMAR_ROOT_BASE, USER_ASPACE_END);
  return p->root_vmar ? ZX_OK : ZX_ERR_NO_MEMORY;
}

zx_status_t vm_window_init(struct arch_aspace *window, struct vmar **root) {
  *root = root_new(window, SHARED_WINDOW_BASE, SHARED_WINDOW_END);
  return *root ? ZX_OK : ZX_ERR_NO_MEMORY;
}

void vm_root_destroy(struct vmar *root) {
  struct vm_deferred d = {0};
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  if (!root->destroyed) vmar_destroy_locked(root, &d);
  spin_unlock_irqrestore(&vm_lock, state);
  run_deferred(&d);
  kobject_unref(&root->obj);
}

// The tables go in the same hold of vm_lock as the tree, so the pages need not leave
// them one by one first (a walk over every entry of the space): no walker
// (zx_process_read_memory) sees a table entry after its page is freed, no CPU has the
// tables in TTBR0, and TLB entries under p's ASIDs are never used again (asid_release:
// an ASID is reused only after a rollover has flushed every TLB).
void process_vm_destroy(struct process *p) {
  struct vm_deferred d = {0};
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  struct vmar *root = p->root_vmar;
  p->root_vmar = NULL;  // under the lock: vm_get_maps and faults read it under it
  if (root && !root->destroyed) vmar_teardown_locked(root, &d);
  arch_aspace_destroy(&p->aspace);
  spin_unlock_irqrestore(&vm_lock, state);
  run_deferred(&d);
  if (root) kobject_unref(&root->obj);
}

zx_status_t process_root_vmar_handle(struct process *p, zx_handle_t *out) {
  // Under vm_lock, a non-NULL root_vmar still holds the tree's reference (a dying
  // process clears it first): hold it before the lock goes.
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  struct vmar *root = p->group ? p->group->root_vmar : p->root_vmar;
  if (root) kobject_ref(&root->obj);
  spin_unlock_irqrestore(&vm_lock, state);
  if (!root) return ZX_ERR_BAD_STATE;
  zx_status_t status = handle_table_add(p->handles, &root->obj, vmar_handle_rights(root), out);
  kobject_unref(&root->obj);
  return status;
}

// ZX_VM_ALIGN_* in options: the alignment (0: a page), or 1 for invalid.
static uint64_t option_align(uint32_t options) {
  unsigned shift = (options & VM_ALIGN_MASK) >> ZX_VM_ALIGN_BASE;
  if (!shift) return PAGE_SIZE;
  if (shift < 12 || shift > 32) return 1;
  return 1ULL << shift;
}

static uint64_t placement_random(uint32_t options) {
  if (options & ZX_VM_COMPACT) return 0;
  static uint64_t counter;
  uint64_t c = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
  return ((uint64_t)arch_monotonic_ns() ^ (c * HASH_GOLDEN_RATIO_64)) | 1;
}

// Checks a SPECIFIC request [offset, offset + size) against v (vm_lock held) and
// returns the address, or finds a free spot.
static zx_status_t place_locked(struct vmar *v, uint32_t options, uint64_t offset, uint64_t size,
                                uint64_t align, uintptr_t *out) {
  if (options & (ZX_VM_SPECIFIC | ZX_VM_SPECIFIC_OVERWRITE)) {
    if (offset > v->children.size || size > v->children.size - offset) return ZX_ERR_INVALID_ARGS;
    *out = v->children.base + offset;
    if (*out & (align - 1)) return ZX_ERR_INVALID_ARGS;
    return ZX_OK;
  }
  return vm_range_find_free(&v->children, size, align, placement_random(options), out);
}

zx_status_t vmar_allocate(struct vmar *parent, uint32_t options, uint64_t offset, uint64_t size,
                          struct vmar **out, uintptr_t *out_addr) {
  const uint32_t allowed = ZX_VM_COMPACT | ZX_VM_SPECIFIC | VMAR_CAN_MAP_MASK | VM_ALIGN_MASK;
  if (options & ~allowed) return ZX_ERR_INVALID_ARGS;
  if (size == 0 || size > UINT64_MAX - PAGE_SIZE + 1) return ZX_ERR_INVALID_ARGS;
  size = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
  uint64_t align = option_align(options);
  if (align == 1) return ZX_ERR_INVALID_ARGS;
  bool specific = options & ZX_VM_SPECIFIC;
  if (!specific && offset != 0) return ZX_ERR_INVALID_ARGS;
  if (offset & (PAGE_SIZE - 1)) return ZX_ERR_INVALID_ARGS;
  uint32_t flags = options & VMAR_CAN_MAP_MASK;
  struct vmar *child = vmar_new(NULL, parent, flags);
  if (!child) return ZX_ERR_NO_MEMORY;
  zx_status_t status;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  uintptr_t addr = 0;
  if (parent->destroyed) {
    status = ZX_ERR_BAD_STATE;
  } else if ((flags & ~parent->flags) || (specific && !(parent->flags & ZX_VM_CAN_MAP_SPECIFIC))) {
    status = ZX_ERR_ACCESS_DENIED;
  } else {
    status = place_locked(parent, options, offset, size, align, &addr);
    if (status == ZX_OK)
      status = vm_range_insert(&parent->children, &child->node.range, addr, size);
    if (status == ZX_OK) {
      vm_range_init(&child->children, addr, size);
      child->aspace = parent->aspace;
      kobject_ref(&child->obj);  // the parent's
    }
  }
  spin_unlock_irqrestore(&vm_lock, state);
  if (status != ZX_OK) {
    kobject_unref(&child->obj);
    return status;
  }
  *out = child;
  *out_addr = addr;
  return ZX_OK;
}

static unsigned perms_from_rights(zx_rights_t rights) {
  return (rights & ZX_RIGHT_READ ? ZX_VM_PERM_READ : 0) |
         (rights & ZX_RIGHT_WRITE ? ZX_VM_PERM_WRITE : 0) |
         (rights & ZX_RIGHT_EXECUTE ? ZX_VM_PERM_EXECUTE : 0);
}

static uint32_t can_map_from_perms(unsigned perms) {
  return (perms & ZX_VM_PERM_READ ? ZX_VM_CAN_MAP_READ : 0) |
         (perms & ZX_VM_PERM_WRITE ? ZX_VM_CAN_MAP_WRITE : 0) |
         (perms & ZX_VM_PERM_EXECUTE ? ZX_VM_CAN_MAP_EXECUTE : 0);
}

// Mappings allocated before vm_lock is taken, for the splits an operation turns out
// to need (at most two: a protect inside one mapping). An operation that finds it has
// too few drops the lock, allocates and starts over.
struct spares {
  struct vm_mapping *m[2];
  unsigned n;
};

static bool spares_fill(struct spares *s, unsigned need) {
  ASSERT(need <= sizeof s->m / sizeof s->m[0]);
  while (s->n < need) {
    s->m[s->n] = slab_alloc(&mapping_cache);
    if (!s->m[s->n]) return false;
    s->n++;
  }
  return true;
}

static struct vm_mapping *spares_take(struct spares *s) {
  ASSERT(s->n > 0);
  return s->m[--s->n];
}

static void spares_free(struct spares *s) {
  while (s->n) slab_free(&mapping_cache, s->m[--s->n]);
}

// Runs an operation that may split mappings: under vm_lock, check decides (its status)
// and counts the spares it needs; apply runs only when that many are at hand. When too
// few are, the lock is dropped, they are allocated, and check runs again on whatever
// the tree has become. Always inlined: each caller gets direct calls.
typedef zx_status_t (*vm_check_fn)(void *op, unsigned *splits);
typedef zx_status_t (*vm_apply_fn)(void *op, struct spares *spares);
static inline __attribute__((always_inline)) zx_status_t with_spares(vm_check_fn check,
                                                                     vm_apply_fn apply, void *op) {
  struct spares spares = {0};
  zx_status_t status;
  for (;;) {
    unsigned splits = 0;
    irq_state_t state = spin_lock_irqsave(&vm_lock);
    status = check(op, &splits);
    bool short_of_spares = status == ZX_OK && spares.n < splits;
    if (status == ZX_OK && !short_of_spares) status = apply(op, &spares);
    spin_unlock_irqrestore(&vm_lock, state);
    if (!short_of_spares) break;
    if (!spares_fill(&spares, splits)) {
      status = ZX_ERR_NO_MEMORY;
      break;
    }
  }
  spares_free(&spares);
  return status;
}

// Whether [addr, addr + len) (inside v) can be unmapped, as Zircon says:
// ZX_ERR_INVALID_ARGS if a sub-VMAR overlaps it only in part, or at all when
// !may_destroy_vmars; ZX_ERR_NOT_FOUND if nothing overlaps it. *splits: mappings that
// extend past both ends (each needs a spare for its right part).
static zx_status_t unmap_check_locked(struct vmar *v, uintptr_t addr, uint64_t len,
                                      bool may_destroy_vmars, unsigned *splits) {
  uintptr_t end = addr + len;  // inside v: no wrap
  *splits = 0;
  struct vm_range_node *n = vm_range_first_overlap(&v->children, addr, len);
  if (!n) return ZX_ERR_NOT_FOUND;
  for (; n && vm_range_overlaps(n, addr, len); n = vm_range_next(n)) {
    bool inside = n->base >= addr && n->base + n->size <= end;
    if (node_kind(n) == VM_NODE_VMAR) {
      if (!inside || !may_destroy_vmars) return ZX_ERR_INVALID_ARGS;
    } else if (n->base < addr && n->base + n->size > end) {
      (*splits)++;
    }
  }
  return ZX_OK;
}

// Unmaps [addr, addr + len) of v (unmap_check_locked said it may): every page there
// leaves the page tables in one batch, then mappings inside go, mappings across an
// end are cut (keeping their VMO offsets), sub-VMARs inside are destroyed.
static void unmap_locked(struct vmar *v, uintptr_t addr, uint64_t len, struct spares *spares,
                         struct vm_deferred *d) {
  uintptr_t end = addr + len;
  unmap_pages_locked(v->aspace, addr, len);
  struct vm_range_node *n = vm_range_first_overlap(&v->children, addr, len);
  while (n && vm_range_overlaps(n, addr, len)) {
    struct vm_range_node *next = vm_range_next(n);  // a split's right part is past end
    uintptr_t n_end = n->base + n->size;
    if (node_kind(n) == VM_NODE_VMAR) {
      vmar_teardown_locked(node_vmar(n), d);
    } else if (n->base >= addr && n_end <= end) {
      mapping_remove_locked(node_mapping(n), d);
    } else if (n->base < addr) {
      if (n_end > end) mapping_split_locked(node_mapping(n), end, spares_take(spares));
      n->size = addr - n->base;  // keeps [base, addr)
    } else {
      mapping_trim_front_locked(node_mapping(n), end);  // keeps [end, n_end)
    }
    n = next;
  }
}

struct map_op {
  struct vmar *vmar;
  struct vm_mapping *m;
  uint32_t options;
  uint64_t vmar_offset, len, align;
  uintptr_t addr;  // where it goes (check)
  bool replace;    // ZX_VM_SPECIFIC_OVERWRITE over existing mappings (check)
  struct vm_deferred d;
};

static zx_status_t map_check_locked(void *arg, unsigned *splits) {
  struct map_op *op = arg;
  struct vmar *vmar = op->vmar;
  bool specific = op->options & (ZX_VM_SPECIFIC | ZX_VM_SPECIFIC_OVERWRITE);
  if (vmar->destroyed) return ZX_ERR_BAD_STATE;
  if ((can_map_from_perms(op->m->perms) & ~vmar->flags) ||
      (specific && !(vmar->flags & ZX_VM_CAN_MAP_SPECIFIC)))
    return ZX_ERR_ACCESS_DENIED;
  zx_status_t status =
      place_locked(vmar, op->options, op->vmar_offset, op->len, op->align, &op->addr);
  op->replace = false;
  if (status == ZX_OK && (op->options & ZX_VM_SPECIFIC_OVERWRITE)) {
    // Whatever mappings (or parts) lie in the range go; a sub-VMAR there is
    // ZX_ERR_INVALID_ARGS, as in Zircon.
    status = unmap_check_locked(vmar, op->addr, op->len, false, splits);
    op->replace = status == ZX_OK;
    if (status == ZX_ERR_NOT_FOUND) status = ZX_OK;  // nothing to replace
  }
  return status;
}

// The entry for a committed page of m (ARCH_MMU_* bits; a page shared copy-on-write
// is entered read-only), with its VMO_PAGE_EXEC_CLEAN kept right: a page entered
// writable stops being clean (EL0 may write it); an executable one that is clean
// needs no maintenance (ARCH_MMU_ICACHE_CLEAN). slot: the page's committed slot.
static unsigned page_entry_perms(const struct vm_mapping *m, vmo_slot_t *slot) {
  unsigned perms = arch_perms(*slot & VMO_SLOT_SHARED ? m->perms & ~ZX_VM_PERM_WRITE : m->perms);
  uintptr_t *word = vmo_slot_page_word(slot);
  if (perms & ARCH_MMU_WRITE) *word &= ~VMO_PAGE_EXEC_CLEAN;
  else if ((perms & ARCH_MMU_EXECUTE) && (*word & VMO_PAGE_EXEC_CLEAN))
    perms |= ARCH_MMU_ICACHE_CLEAN;
  return perms;
}

// After the maintenance that entering it with perms did (page_entry_perms), a page
// entered executable and read-only is clean, unless its VMO is pinned: the kernel
// writes those pages through the physmap, unseen.
static void page_entered(vmo_slot_t *slot, unsigned perms, bool pinned) {
  if ((perms & (ARCH_MMU_EXECUTE | ARCH_MMU_WRITE | ARCH_MMU_ICACHE_CLEAN)) == ARCH_MMU_EXECUTE &&
      !pinned)
    *vmo_slot_page_word(slot) |= VMO_PAGE_EXEC_CLEAN;
}

// ZX_VM_MAP_RANGE: the pages m's VMO already has (its own, or shared with the VMO it
// is a snapshot of) go into the page tables now, in runs of MAP_RANGE_RUN pages; none
// is committed. Marking a page clean before arch_aspace_map_pages is safe: it does
// every page's maintenance before it makes any table.
#define MAP_RANGE_RUN 32
struct map_range {
  struct vm_mapping *m;
  bool pinned;
  uintptr_t base;  // of the run: pages[i] is base + i pages, for i < n
  size_t n;
  uint64_t pages[MAP_RANGE_RUN];
  zx_status_t status;
};

static void map_range_flush(struct map_range *r) {
  if (r->n && r->status == ZX_OK)
    r->status = arch_aspace_map_pages(r->m->vmar->aspace, r->base, r->pages, r->n);
  r->n = 0;
}

static void map_range_page(struct vm_mapping *m, uintptr_t va, vmo_slot_t *slot, void *arg) {
  struct map_range *r = arg;
  if (r->n && va - r->base >= MAP_RANGE_RUN * PAGE_SIZE) map_range_flush(r);
  if (!r->n) r->base = va;
  size_t i = (va - r->base) / PAGE_SIZE;
  while (r->n < i) r->pages[r->n++] = 0;  // pages the VMO does not have
  unsigned perms = page_entry_perms(m, slot);
  page_entered(slot, perms, r->pinned);
  r->pages[r->n++] = vmo_slot_pa(*slot) | perms;
}

static zx_status_t map_range_locked(struct vm_mapping *m) {
  if (!(m->perms & ZX_VM_PERM_READ)) return ZX_OK;  // never entered (vm_handle_user_fault)
  uint64_t shift = 0;
  struct map_range r;  // field by field: pages[] is written before it is read
  r.m = m;
  r.pinned = vmo_page_owner(m->vmo, &shift)->pinned;
  r.n = 0;
  r.status = ZX_OK;
  for_committed_pages(m, 0, UINT64_MAX, map_range_page, &r);
  map_range_flush(&r);
  return r.status;
}

static zx_status_t map_apply_locked(void *arg, struct spares *spares) {
  struct map_op *op = arg;
  if (op->replace) unmap_locked(op->vmar, op->addr, op->len, spares, &op->d);
  zx_status_t status = vm_range_insert(&op->vmar->children, &op->m->node.range, op->addr, op->len);
  if (status == ZX_OK && (op->options & ZX_VM_MAP_RANGE)) {
    status = map_range_locked(op->m);
    if (status != ZX_OK) {  // as if it had never been: no entry, no mapping
      unmap_pages_locked(op->vmar->aspace, op->addr, op->len);
      vm_range_remove(&op->vmar->children, &op->m->node.range);
    }
  }
  if (status == ZX_OK) {
    struct vmo *vmo = op->m->vmo;
    kobject_ref(&vmo->obj);
    op->m->vmo_next = vmo->mappings;
    vmo->mappings = op->m;
  }
  return status;
}

zx_status_t vmar_map(struct vmar *vmar, uint32_t options, uint64_t vmar_offset, struct vmo *vmo,
                     zx_rights_t vmo_rights, uint64_t vmo_offset, uint64_t len,
                     uintptr_t *out_addr) {
  const uint32_t allowed = VM_PERM_MASK | ZX_VM_COMPACT | ZX_VM_SPECIFIC |
                           ZX_VM_SPECIFIC_OVERWRITE | ZX_VM_MAP_RANGE |
                           ZX_VM_REQUIRE_NON_RESIZABLE | ZX_VM_ALLOW_FAULTS | VM_ALIGN_MASK;
  if (options & ~allowed) return ZX_ERR_INVALID_ARGS;
  unsigned perms = options & VM_PERM_MASK;
  if ((perms & ZX_VM_PERM_WRITE) && !(perms & ZX_VM_PERM_READ)) return ZX_ERR_INVALID_ARGS;
  // Zircon: mapping the range is not done over mappings being replaced.
  if ((options & ZX_VM_MAP_RANGE) && (options & ZX_VM_SPECIFIC_OVERWRITE))
    return ZX_ERR_INVALID_ARGS;
  if (len == 0 || (len & (PAGE_SIZE - 1)) || (vmo_offset & (PAGE_SIZE - 1)) ||
      (vmar_offset & (PAGE_SIZE - 1)))
    return ZX_ERR_INVALID_ARGS;
  if (vmo_offset > UINT64_MAX - len) return ZX_ERR_INVALID_ARGS;
  bool specific = options & (ZX_VM_SPECIFIC | ZX_VM_SPECIFIC_OVERWRITE);
  if (!specific && vmar_offset != 0) return ZX_ERR_INVALID_ARGS;
  uint64_t align = option_align(options);
  if (align == 1) return ZX_ERR_INVALID_ARGS;
  unsigned max_perms = perms_from_rights(vmo_rights);
  if (perms & ~max_perms) return ZX_ERR_ACCESS_DENIED;
  if ((options & ZX_VM_REQUIRE_NON_RESIZABLE) && (vmo->options & ZX_VMO_RESIZABLE))
    return ZX_ERR_NOT_SUPPORTED;

  struct vm_mapping *m = slab_alloc(&mapping_cache);
  if (!m) return ZX_ERR_NO_MEMORY;
  m->node.kind = VM_NODE_MAPPING;
  m->vmar = vmar;
  m->vmo = vmo;
  m->vmo_offset = vmo_offset;
  m->perms = perms;
  m->max_perms = max_perms;
  // Field by field: a zeroing initializer of the whole struct becomes a memset call.
  struct map_op op;
  op.vmar = vmar;
  op.m = m;
  op.options = options;
  op.vmar_offset = vmar_offset;
  op.len = len;
  op.align = align;
  op.d = (struct vm_deferred){0};
  zx_status_t status = with_spares(map_check_locked, map_apply_locked, &op);
  run_deferred(&op.d);
  if (status != ZX_OK) {
    slab_free(&mapping_cache, m);
    return status;
  }
  *out_addr = op.addr;
  return ZX_OK;
}

// [addr, addr + len) page-aligned, non-empty and inside v.
static zx_status_t check_subrange(const struct vmar *v, uintptr_t addr, uint64_t len) {
  if (len == 0 || (addr & (PAGE_SIZE - 1)) || (len & (PAGE_SIZE - 1))) return ZX_ERR_INVALID_ARGS;
  if (addr < v->children.base || addr - v->children.base > v->children.size ||
      len > v->children.size - (addr - v->children.base))
    return ZX_ERR_INVALID_ARGS;
  return ZX_OK;
}

struct unmap_op {
  struct vmar *vmar;
  uintptr_t addr;
  uint64_t len;
  bool may_destroy_vmars;
  struct vm_deferred d;
};

static zx_status_t unmap_op_check_locked(void *arg, unsigned *splits) {
  struct unmap_op *op = arg;
  if (op->vmar->destroyed) return ZX_ERR_BAD_STATE;
  zx_status_t status = check_subrange(op->vmar, op->addr, op->len);
  if (status != ZX_OK) return status;
  return unmap_check_locked(op->vmar, op->addr, op->len, op->may_destroy_vmars, splits);
}

static zx_status_t unmap_op_apply_locked(void *arg, struct spares *spares) {
  struct unmap_op *op = arg;
  unmap_locked(op->vmar, op->addr, op->len, spares, &op->d);
  return ZX_OK;
}

zx_status_t vmar_unmap_checked(struct vmar *vmar, uintptr_t addr, uint64_t len,
                               bool may_destroy_vmars) {
  if (len == 0 || (addr & (PAGE_SIZE - 1)) || (len & (PAGE_SIZE - 1))) return ZX_ERR_INVALID_ARGS;
  struct unmap_op op = {
      .vmar = vmar, .addr = addr, .len = len, .may_destroy_vmars = may_destroy_vmars};
  zx_status_t status = with_spares(unmap_op_check_locked, unmap_op_apply_locked, &op);
  run_deferred(&op.d);
  return status;
}

zx_status_t vmar_unmap(struct vmar *vmar, uintptr_t addr, uint64_t len) {
  return vmar_unmap_checked(vmar, addr, len, true);
}

// Whether perms can be applied to [addr, addr + len) (inside v), in Zircon's order
// walking up from addr: a sub-VMAR is ZX_ERR_INVALID_ARGS, an unmapped page
// ZX_ERR_NOT_FOUND, perms beyond a mapping's maximum ZX_ERR_ACCESS_DENIED. *splits:
// the cuts needed at addr and addr + len (none where the perms do not change).
static zx_status_t protect_check_locked(struct vmar *v, unsigned perms, uintptr_t addr,
                                        uint64_t len, unsigned *splits) {
  uintptr_t end = addr + len;
  *splits = 0;
  struct vm_range_node *n = vm_range_find(&v->children, addr);
  if (!n) return ZX_ERR_NOT_FOUND;
  uintptr_t expect = n->base;
  for (; n && n->base < end; n = vm_range_next(n)) {
    if (node_kind(n) == VM_NODE_VMAR) return ZX_ERR_INVALID_ARGS;
    if (n->base != expect) return ZX_ERR_NOT_FOUND;  // a gap before n
    struct vm_mapping *m = node_mapping(n);
    if (perms & ~m->max_perms) return ZX_ERR_ACCESS_DENIED;
    if (m->perms != perms) *splits += (n->base < addr) + (n->base + n->size > end);
    expect = n->base + n->size;
  }
  return expect >= end ? ZX_OK : ZX_ERR_NOT_FOUND;
}

// Applies perms to [addr, addr + len) (protect_check_locked said it may): mappings
// across an end are cut first, then the present pages change in one batch.
static void protect_locked(struct vmar *v, unsigned perms, uintptr_t addr, uint64_t len,
                           struct spares *spares) {
  uintptr_t end = addr + len;
  for (struct vm_range_node *n = vm_range_find(&v->children, addr); n && n->base < end;
       n = vm_range_next(n)) {
    struct vm_mapping *m = node_mapping(n);
    if (m->perms == perms) continue;
    if (n->base < addr) {
      mapping_split_locked(m, addr, spares_take(spares));
      continue;  // m keeps [base, addr) as it was; the right part comes next
    }
    if (n->base + n->size > end) mapping_split_locked(m, end, spares_take(spares));
    m->perms = perms;
  }
  if (v->aspace) arch_aspace_protect_range(v->aspace, addr, len / PAGE_SIZE, arch_perms(perms));
}

struct protect_op {
  struct vmar *vmar;
  unsigned perms;
  uintptr_t addr;
  uint64_t len;
};

static zx_status_t protect_op_check_locked(void *arg, unsigned *splits) {
  struct protect_op *op = arg;
  if (op->vmar->destroyed) return ZX_ERR_BAD_STATE;
  zx_status_t status = check_subrange(op->vmar, op->addr, op->len);
  if (status != ZX_OK) return status;
  if (can_map_from_perms(op->perms) & ~op->vmar->flags) return ZX_ERR_ACCESS_DENIED;
  return protect_check_locked(op->vmar, op->perms, op->addr, op->len, splits);
}

static zx_status_t protect_op_apply_locked(void *arg, struct spares *spares) {
  struct protect_op *op = arg;
  protect_locked(op->vmar, op->perms, op->addr, op->len, spares);
  return ZX_OK;
}

zx_status_t vmar_protect(struct vmar *vmar, uint32_t options, uintptr_t addr, uint64_t len) {
  if (options & ~VM_PERM_MASK) return ZX_ERR_INVALID_ARGS;
  unsigned perms = options;
  if ((perms & ZX_VM_PERM_WRITE) && !(perms & ZX_VM_PERM_READ)) return ZX_ERR_INVALID_ARGS;
  if (len == 0 || (addr & (PAGE_SIZE - 1)) || (len & (PAGE_SIZE - 1))) return ZX_ERR_INVALID_ARGS;
  struct protect_op op = {.vmar = vmar, .perms = perms, .addr = addr, .len = len};
  return with_spares(protect_op_check_locked, protect_op_apply_locked, &op);
}

zx_status_t vmar_destroy(struct vmar *vmar) {
  struct vm_deferred d = {0};
  zx_status_t status = ZX_OK;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  if (vmar->destroyed) status = ZX_ERR_BAD_STATE;
  else vmar_destroy_locked(vmar, &d);
  spin_unlock_irqrestore(&vm_lock, state);
  run_deferred(&d);
  return status;
}

// --- ZX_INFO_*_MAPS --------------------------------------------------------------

struct maps_cursor {
  zx_info_maps_t *out;
  size_t skip, max, index;
};

// The next entry of the walk: its slot if inside the requested window, else NULL
// (it still counts).
static zx_info_maps_t *maps_emit(struct maps_cursor *c, const char *name, uintptr_t base,
                                 size_t size, size_t depth, zx_info_maps_type_t type) {
  size_t i = c->index++;
  if (i < c->skip || i - c->skip >= c->max) return NULL;
  zx_info_maps_t *e = &c->out[i - c->skip];
  memset(e, 0, sizeof *e);
  size_t len = strlen(name);
  if (len > ZX_MAX_NAME_LEN - 1) len = ZX_MAX_NAME_LEN - 1;
  memcpy(e->name, name, len);
  e->base = base;
  e->size = size;
  e->depth = depth;
  e->type = type;
  return e;
}

static void count_page(struct vm_mapping *m, uintptr_t va, vmo_slot_t *slot, void *arg) {
  (void)m;
  (void)va;
  (void)slot;
  (*(size_t *)arg)++;
}

static void maps_emit_vmar(struct maps_cursor *c, struct vmar *v, size_t depth) {
  // Janus VMARs have no names: Zircon's names for the root and for user allocations.
  maps_emit(c, v->parent ? "useralloc" : "root", v->node.range.base, v->node.range.size, depth,
            ZX_INFO_MAPS_TYPE_VMAR);
}

// Calls visit for every node below top, each VMAR before its children, with its depth
// below top (top's own children at 1). Iterative: nesting depth is up to user space.
static void vmar_walk_locked(struct vmar *top,
                             void (*visit)(void *ctx, struct vm_range_node *n, size_t depth),
                             void *ctx) {
  struct vmar *cur = top;
  size_t depth = 1;
  struct vm_range_node *n = vm_range_first(&top->children);
  for (;;) {
    if (!n) {
      if (cur == top) break;
      n = vm_range_next(&cur->node.range);
      cur = cur->parent;
      depth--;
      continue;
    }
    visit(ctx, n, depth);
    if (node_kind(n) == VM_NODE_VMAR) {
      cur = node_vmar(n);
      depth++;
      n = vm_range_first(&cur->children);
    } else {
      n = vm_range_next(n);
    }
  }
}

struct maps_walk {
  struct maps_cursor *c;
  size_t depth;  // top's
};

static void maps_visit(void *ctx, struct vm_range_node *n, size_t below) {
  struct maps_walk *w = ctx;
  if (node_kind(n) == VM_NODE_VMAR) {
    maps_emit_vmar(w->c, node_vmar(n), w->depth + below);
    return;
  }
  struct vm_mapping *m = node_mapping(n);
  zx_info_maps_t *e =
      maps_emit(w->c, m->vmo->name, n->base, n->size, w->depth + below, ZX_INFO_MAPS_TYPE_MAPPING);
  if (e) {
    size_t pages = 0;
    for_committed_pages(m, 0, UINT64_MAX, count_page, &pages);
    e->u.mapping.mmu_flags = m->perms;
    e->u.mapping.vmo_koid = m->vmo->obj.koid;
    e->u.mapping.vmo_offset = m->vmo_offset;
    e->u.mapping.committed_pages = pages;
    e->u.mapping.populated_pages = pages;
  }
}

// v and its subtree, v at depth.
static void maps_walk_locked(struct maps_cursor *c, struct vmar *top, size_t depth) {
  maps_emit_vmar(c, top, depth);
  struct maps_walk w = {.c = c, .depth = depth};
  vmar_walk_locked(top, maps_visit, &w);
}

static void koid_name(char name[ZX_MAX_NAME_LEN], const char *prefix, uint64_t koid) {
  char digits[24];
  size_t nd = 0, len = strlen(prefix);
  memcpy(name, prefix, len + 1);
  do digits[nd++] = (char)('0' + koid % 10);
  while ((koid /= 10) && nd < sizeof digits);
  while (nd && len < ZX_MAX_NAME_LEN - 1) name[len++] = digits[--nd];
  name[len] = 0;
}

zx_status_t vm_get_maps(struct process *p, struct vmar *v, size_t skip, zx_info_maps_t *out,
                        size_t max, size_t *total) {
  struct maps_cursor c = {.out = out, .skip = skip, .max = max};
  zx_status_t status = ZX_OK;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  if (p) {
    struct vmar *root = p->root_vmar;
    if (!root || root->destroyed) {
      status = ZX_ERR_BAD_STATE;
    } else {
      // The restricted (private) space first, then the shared window.
      char name[ZX_MAX_NAME_LEN];
      koid_name(name, "proc:", p->obj.koid);
      maps_emit(&c, name, USER_ASPACE_BASE, USER_ASPACE_END - USER_ASPACE_BASE, 0,
                ZX_INFO_MAPS_TYPE_ASPACE);
      maps_walk_locked(&c, root, 1);
      struct vmar *window = shared_group_root_vmar_locked(p->group);
      if (window && !window->destroyed) {
        koid_name(name, "shared:", p->obj.koid);
        maps_emit(&c, name, SHARED_WINDOW_BASE, SHARED_WINDOW_END - SHARED_WINDOW_BASE, 0,
                  ZX_INFO_MAPS_TYPE_ASPACE);
        maps_walk_locked(&c, window, 1);
      }
    }
  } else if (v->destroyed) {
    status = ZX_ERR_BAD_STATE;
  } else {
    maps_walk_locked(&c, v, 0);
  }
  spin_unlock_irqrestore(&vm_lock, state);
  *total = c.index;
  return status;
}

// The mapping at va of p (restricted: as restricted mode sees p), or NULL; *vmar gets
// the VMAR holding it.
static struct vm_mapping *find_mapping_locked(struct process *p, uintptr_t va, bool restricted,
                                              struct vmar **vmar) {
  // Restricted mode has no window: a fault there is the program's, not a page to map.
  bool in_window = va >= SHARED_WINDOW_BASE && va < SHARED_WINDOW_END;
  struct vmar *v = !in_window   ? p->root_vmar
                   : restricted ? NULL
                                : shared_group_root_vmar_locked(p->group);
  while (v && !v->destroyed) {
    struct vm_range_node *n = vm_range_find(&v->children, va);
    if (!n) break;
    if (node_kind(n) == VM_NODE_VMAR) {
      v = node_vmar(n);
      continue;
    }
    *vmar = v;
    return node_mapping(n);
  }
  return NULL;
}

static uint64_t mapping_page_index(const struct vm_mapping *m, uintptr_t va) {
  return (m->vmo_offset + (va - m->node.range.base)) / PAGE_SIZE;
}

// --- ZX_INFO_TASK_STATS ------------------------------------------------------------

// Mappings of owner and of its slices: the sharers a page of it has at least.
static uint64_t owner_mapping_count(const struct vmo *owner) {
  uint64_t n = 0;
  for (const struct vm_mapping *m = owner->mappings; m; m = m->vmo_next) n++;
  for (const struct vmo *s = owner->slices; s; s = s->slice_next)
    for (const struct vm_mapping *m = s->mappings; m; m = m->vmo_next) n++;
  return n;
}

struct stats_walk {
  zx_info_task_stats_t *out;
  uint64_t maps;  // mappings of the VMO (and its slices): the sharers a page has at least
};

// One page's share: private when nothing else maps or holds it, else shared among the
// mappings of its VMO and the VMOs sharing it.
static void page_stats(struct vm_mapping *m, uintptr_t va, vmo_slot_t *slot, void *arg) {
  (void)m;
  (void)va;
  struct stats_walk *w = arg;
  uint64_t sharers = w->maps;
  if (*slot & VMO_SLOT_SHARED)
    sharers += ((struct vmo_shared_page *)(*slot & ~VMO_SLOT_SHARED))->refs - 1;
  if (sharers <= 1) {
    w->out->mem_private_bytes += PAGE_SIZE;
  } else {
    w->out->mem_shared_bytes += PAGE_SIZE;
    w->out->mem_scaled_shared_bytes += PAGE_SIZE / sharers;
  }
}

static void mapping_stats(struct vm_mapping *m, zx_info_task_stats_t *out) {
  out->mem_mapped_bytes += m->node.range.size;
  uint64_t shift = 0;
  struct stats_walk w = {.out = out, .maps = owner_mapping_count(vmo_page_owner(m->vmo, &shift))};
  for_committed_pages(m, 0, UINT64_MAX, page_stats, &w);
}

static void stats_visit(void *out, struct vm_range_node *n, size_t depth) {
  (void)depth;
  if (node_kind(n) == VM_NODE_MAPPING) mapping_stats(node_mapping(n), out);
}

zx_status_t vm_task_stats(struct process *p, zx_info_task_stats_t *out) {
  zx_status_t status = ZX_OK;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  struct vmar *top = p->root_vmar;
  if (!top || top->destroyed) {
    status = ZX_ERR_BAD_STATE;
  } else {
    vmar_walk_locked(top, stats_visit, out);
  }
  spin_unlock_irqrestore(&vm_lock, state);
  return status;
}

bool vm_handle_user_fault(struct process *p, uintptr_t addr, bool write, bool exec,
                          bool restricted) {
  uintptr_t va = addr & ~(uintptr_t)(PAGE_SIZE - 1);
  unsigned need = exec ? ZX_VM_PERM_EXECUTE : write ? ZX_VM_PERM_WRITE : ZX_VM_PERM_READ;
  bool handled = false;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  struct vmar *v;
  struct vm_mapping *m = find_mapping_locked(p, va, restricted, &v);
  // A mapping without read permission is never entered (the MMU cannot express it).
  if (m && (m->perms & need) == need && (m->perms & ZX_VM_PERM_READ)) {
    paddr_t pa;
    bool writable;
    uint64_t idx = mapping_page_index(m, va);
    if (vmo_commit_page_locked(m->vmo, idx, write, &pa, &writable) == ZX_OK) {
      // A page shared copy-on-write is entered read-only: its first write comes back
      // here (a permission fault) and gets the VMO's own copy, replacing the entry.
      unsigned perms = arch_perms(writable ? m->perms : m->perms & ~ZX_VM_PERM_WRITE);
      vmo_slot_t *slot = NULL;
      struct vmo *owner = NULL;
      if (perms & (ARCH_MMU_WRITE | ARCH_MMU_EXECUTE)) {  // it may stop or start being clean
        owner = vmo_page_owner(m->vmo, &idx);
        slot = vmo_slot_locked(owner, idx, false);
        perms = page_entry_perms(m, slot);
      }
      zx_status_t status = write ? arch_aspace_map_replace(v->aspace, va, pa, perms)
                                 : arch_aspace_map(v->aspace, va, pa, perms, false);
      if (slot && status == ZX_OK) page_entered(slot, perms, owner->pinned);
      handled = status == ZX_OK || status == ZX_ERR_ALREADY_EXISTS;
    }
  }
  spin_unlock_irqrestore(&vm_lock, state);
  return handled;
}

// Zircon's ForceWritable: a mapping made through a handle without ZX_RIGHT_WRITE may
// show a VMO others share (a program's code, mapped from its image); a debugger's
// write must not reach them. So the mapping first gets a snapshot of its range of its
// VMO, its own from then on (at offset 0). *old gets the VMO reference to drop once
// vm_lock is released. (A mapping that could be made writable writes its VMO, as the
// process itself could.)
static zx_status_t make_private_locked(struct vm_mapping *m, struct vmo **old) {
  struct vmo *child;
  zx_status_t status = vmo_snapshot_locked(m->vmo, m->vmo_offset, m->node.range.size, 0, &child);
  if (status != ZX_OK) {
    *old = child;  // a half-made snapshot, or NULL
    return status;
  }
  memcpy(child->name, m->vmo->name, sizeof child->name);
  struct vm_mapping **link = &m->vmo->mappings;
  while (*link != m) link = &(*link)->vmo_next;
  *link = m->vmo_next;
  unmap_pages_locked(m->vmar->aspace, m->node.range.base, m->node.range.size);
  *old = m->vmo;
  m->vmo = child;  // the snapshot's one reference is the mapping's
  m->vmo_offset = 0;
  m->vmo_next = NULL;
  child->mappings = m;
  m->private_copy = true;
  return ZX_OK;
}

size_t vm_debug_write(struct process *p, uintptr_t addr, const void *buf, size_t len) {
  uintptr_t va = addr & ~(uintptr_t)(PAGE_SIZE - 1);
  size_t n = PAGE_SIZE - (addr - va) < len ? PAGE_SIZE - (addr - va) : len;
  struct vmo *old = NULL;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  struct vmar *v;
  struct vm_mapping *m = find_mapping_locked(p, va, false, &v);
  zx_status_t status = m ? ZX_OK : ZX_ERR_NOT_FOUND;
  if (status == ZX_OK && !(m->max_perms & ZX_VM_PERM_WRITE) && !m->private_copy)
    status = make_private_locked(m, &old);
  paddr_t pa;
  bool writable;
  if (status == ZX_OK)
    status = vmo_commit_page_locked(m->vmo, mapping_page_index(m, va), true, &pa, &writable);
  if (status == ZX_OK) {
    memcpy((char *)paddr_to_kva(pa) + (addr - va), buf, n);
    if (m->perms & ZX_VM_PERM_EXECUTE)
      arch_cache_op((uintptr_t)paddr_to_kva(pa), PAGE_SIZE, ARCH_CACHE_SYNC);
  }
  spin_unlock_irqrestore(&vm_lock, state);
  if (old) kobject_unref(&old->obj);
  return status == ZX_OK ? n : 0;
}

bool vm_is_stack_guard(struct process *p, uintptr_t addr) {
  uintptr_t page = addr & ~(uintptr_t)(PAGE_SIZE - 1);
  if (page > UINTPTR_MAX - PAGE_SIZE) return false;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  struct vmar *v;
  struct vm_mapping *above = find_mapping_locked(p, page + PAGE_SIZE, false, &v);
  bool guard = !find_mapping_locked(p, page, false, &v) && above &&
               above->node.range.base == page + PAGE_SIZE && !strcmp(above->vmo->name, "stack");
  spin_unlock_irqrestore(&vm_lock, state);
  return guard;
}
