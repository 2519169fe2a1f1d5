// VMOs: lazily committed pages in a two-level table of slots (see core/vm/vmo.h).
#include "core/vm/vmo.h"

#include <janus/arch.h>
#include <stdlib.h>
#include <string.h>

#include <janus/pmm.h>

#include "core/object/signals.h"
#include "core/vm/vmar.h"
#include "core/vm/slab.h"

spinlock_t vm_lock = SPINLOCK_INIT;

#define VMO_COPY_CHUNK 256u  // bytes copied per lock hold (bounce buffer on the stack)

static uint64_t vmo_pages;  // pages VMOs hold (ZX_INFO_KMEM_STATS); atomic

uint64_t vmo_committed_pages(void) { return __atomic_load_n(&vmo_pages, __ATOMIC_RELAXED); }

static void page_free(paddr_t pa) {
  pmm_free(pa, 0);
  __atomic_sub_fetch(&vmo_pages, 1, __ATOMIC_RELAXED);
}

static struct slab_cache vmo_cache = SLAB_CACHE("vmo", sizeof(struct vmo));

static struct vmo_shared_page *slot_shared(vmo_slot_t s) {
  return (struct vmo_shared_page *)(s & ~VMO_SLOT_SHARED);
}

void vmo_slot_release(vmo_slot_t slot) {
  if (!(slot & VMO_SLOT_SHARED)) {
    if (slot) page_free(slot & ~VMO_PAGE_FLAGS);
    return;
  }
  struct vmo_shared_page *sp = slot_shared(slot);
  if (--sp->refs == 0) {
    page_free(sp->pa & ~VMO_PAGE_FLAGS);
    free(sp);
  }
}

// A non-resizable VMO never changes size, so its last leaf holds only the pages it
// has: a small child costs a few bytes of table, not 4 KiB. Resizable ones get full
// leaves (a resize never reallocates one).
static size_t leaf_alloc_len(const struct vmo *vmo, size_t i) {
  if (vmo->options & ZX_VMO_RESIZABLE) return VMO_LEAF_PAGES;
  uint64_t rest = vmo->size / PAGE_SIZE - (uint64_t)i * VMO_LEAF_PAGES;
  return rest < VMO_LEAF_PAGES ? (size_t)rest : VMO_LEAF_PAGES;
}

vmo_slot_t *vmo_slot_locked(struct vmo *owner, uint64_t idx, bool alloc) {
  size_t i = idx / VMO_LEAF_PAGES;
  if (i >= owner->top_len) {
    if (!alloc) return NULL;
    size_t len = (size_t)((owner->size / PAGE_SIZE + VMO_LEAF_PAGES - 1) / VMO_LEAF_PAGES);
    vmo_slot_t **top;
    if (len == 1) {
      top = &owner->top_one;  // no allocation for a VMO of one leaf
    } else {
      top = malloc(len * sizeof *top);
      if (!top) return NULL;
      for (size_t j = 0; j < owner->top_len; j++) top[j] = owner->top[j];
      if (owner->top != &owner->top_one) free(owner->top);
    }
    memset(top + owner->top_len, 0, (len - owner->top_len) * sizeof *top);
    owner->top = top;
    owner->top_len = len;
  }
  if (!owner->top[i]) {
    if (!alloc) return NULL;
    owner->top[i] = calloc(leaf_alloc_len(owner, i), sizeof(vmo_slot_t));
    if (!owner->top[i]) return NULL;
  }
  return &owner->top[i][idx % VMO_LEAF_PAGES];
}

struct vmo *vmo_page_owner(struct vmo *vmo, uint64_t *idx) {
  if (!vmo->slice_root) return vmo;
  *idx += vmo->slice_offset / PAGE_SIZE;
  return vmo->slice_root;
}

// Frees the slots from first_page on (and the leaves wholly past it).
static void vmo_free_pages_from(struct vmo *vmo, uint64_t first_page) {
  for (size_t i = first_page / VMO_LEAF_PAGES; i < vmo->top_len; i++) {
    vmo_slot_t *leaf = vmo->top[i];
    if (!leaf) continue;
    size_t j0 = i == first_page / VMO_LEAF_PAGES ? first_page % VMO_LEAF_PAGES : 0;
    size_t len = leaf_alloc_len(vmo, i);
    for (size_t j = j0; j < len; j++) {
      if (leaf[j]) {
        vmo_slot_release(leaf[j]);
        leaf[j] = 0;
        vmo->committed--;
      }
    }
    if (j0 == 0) {
      free(leaf);
      vmo->top[i] = NULL;
    }
  }
}

static void unlink_sibling(struct vmo *vmo) {
  if (vmo->sibling_prev) vmo->sibling_prev->sibling_next = vmo->sibling_next;
  else if (vmo->parent) vmo->parent->children = vmo->sibling_next;
  if (vmo->sibling_next) vmo->sibling_next->sibling_prev = vmo->sibling_prev;
}

static void vmo_destroy(struct kobject *obj) {
  struct vmo *vmo = (struct vmo *)obj;
  // The last reference: no mapping and no handle remain. Shared pages and the family
  // links are other VMOs' business too, so they change under vm_lock.
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  struct vmo *parent = vmo->parent;
  if (parent) {
    unlink_sibling(vmo);
    // The parent may be dying too (waiting for vm_lock): its memory is still there.
    if (!parent->children) object_signal(&parent->obj, 0, ZX_VMO_ZERO_CHILDREN);
  }
  for (struct vmo *c = vmo->children; c; c = c->sibling_next) c->parent = NULL;
  struct vmo *root = vmo->slice_root;
  if (root) {
    if (vmo->slice_prev) vmo->slice_prev->slice_next = vmo->slice_next;
    else root->slices = vmo->slice_next;
    if (vmo->slice_next) vmo->slice_next->slice_prev = vmo->slice_prev;
  }
  if (vmo->ever_shared) vmo_free_pages_from(vmo, 0);
  spin_unlock_irqrestore(&vm_lock, state);
  if (!vmo->ever_shared) vmo_free_pages_from(vmo, 0);  // nobody else can see them
  if (root) kobject_unref(&root->obj);  // flat: a root is never a slice
  if (vmo->top != &vmo->top_one) free(vmo->top);
  slab_free(&vmo_cache, vmo);
}

static const struct kobject_ops vmo_ops = {.destroy = vmo_destroy};

static zx_status_t round_size(uint64_t size, uint64_t *out) {
  if (size > VMO_MAX_SIZE) return ZX_ERR_OUT_OF_RANGE;
  *out = (size + PAGE_SIZE - 1) & ~(uint64_t)(PAGE_SIZE - 1);
  return ZX_OK;
}

zx_status_t vmo_create(uint64_t size, uint32_t options, struct vmo **out) {
  if (options & ~(uint32_t)ZX_VMO_RESIZABLE) return ZX_ERR_INVALID_ARGS;
  uint64_t rounded;
  zx_status_t status = round_size(size, &rounded);
  if (status != ZX_OK) return status;
  struct vmo *vmo = slab_alloc(&vmo_cache);
  if (!vmo) return ZX_ERR_NO_MEMORY;
  kobject_init(&vmo->obj, ZX_OBJ_TYPE_VMO, &vmo_ops);
  vmo->obj.signals = ZX_VMO_ZERO_CHILDREN;  // not yet visible to anyone
  vmo->size = rounded;
  vmo->options = options;
  *out = vmo;
  return ZX_OK;
}

paddr_t vmo_lookup_page_locked(struct vmo *vmo, uint64_t idx) {
  struct vmo *owner = vmo_page_owner(vmo, &idx);
  vmo_slot_t *slot = vmo_slot_locked(owner, idx, false);
  return slot ? vmo_slot_pa(*slot) : 0;
}

static zx_status_t alloc_page(paddr_t *out) {
  if (pmm_alloc(0, out) != ZX_OK) return ZX_ERR_NO_MEMORY;
  __atomic_add_fetch(&vmo_pages, 1, __ATOMIC_RELAXED);
  return ZX_OK;
}

// Makes the shared page in *slot (of owner, page idx) owner's own.
static zx_status_t unshare_locked(struct vmo *owner, uint64_t idx, vmo_slot_t *slot) {
  struct vmo_shared_page *sp = slot_shared(*slot);
  if (sp->refs == 1) {  // the others are gone: no copy, the page table entries stay right
    *slot = sp->pa;  // its VMO_PAGE_EXEC_CLEAN ends with the write that unshares it
    free(sp);
    return ZX_OK;
  }
  paddr_t page;
  if (alloc_page(&page) != ZX_OK) return ZX_ERR_NO_MEMORY;
  arch_copy_page(paddr_to_kva(page), paddr_to_kva(vmo_slot_pa(*slot)));
  sp->refs--;
  *slot = page;
  // Mappings of owner still point at the shared page: they fault the new one in.
  vm_vmo_unmap_locked(owner, idx * PAGE_SIZE, (idx + 1) * PAGE_SIZE);
  return ZX_OK;
}

zx_status_t vmo_commit_page_locked(struct vmo *vmo, uint64_t idx, bool write, paddr_t *out,
                                   bool *writable) {
  if (idx >= vmo->size / PAGE_SIZE) return ZX_ERR_OUT_OF_RANGE;
  struct vmo *owner = vmo_page_owner(vmo, &idx);
  vmo_slot_t *slot = vmo_slot_locked(owner, idx, true);
  if (!slot) return ZX_ERR_NO_MEMORY;
  if (!*slot) {
    paddr_t page;
    if (alloc_page(&page) != ZX_OK) return ZX_ERR_NO_MEMORY;
    arch_zero_page(paddr_to_kva(page));
    *slot = page;
    owner->committed++;
  } else if (write && (*slot & VMO_SLOT_SHARED)) {
    zx_status_t status = unshare_locked(owner, idx, slot);
    if (status != ZX_OK) return status;
  }
  if (write) *slot &= ~VMO_PAGE_EXEC_CLEAN;  // private now
  *out = vmo_slot_pa(*slot);
  if (writable) *writable = !(*slot & VMO_SLOT_SHARED);
  return ZX_OK;
}

static zx_status_t check_range(struct vmo *vmo, uint64_t offset, size_t len) {
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  uint64_t size = vmo->size;
  spin_unlock_irqrestore(&vm_lock, state);
  if (offset > size || len > size - offset) return ZX_ERR_OUT_OF_RANGE;
  return ZX_OK;
}

// Copies one chunk (inside one page) between the VMO and buf, under vm_lock. A VMO
// that shrank meanwhile: ZX_ERR_OUT_OF_RANGE.
static zx_status_t chunk_io(struct vmo *vmo, uint64_t offset, void *buf, size_t n, bool write) {
  zx_status_t status = ZX_OK;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  uint64_t idx = offset / PAGE_SIZE;
  size_t in_page = offset % PAGE_SIZE;
  if (offset + n > vmo->size) {
    status = ZX_ERR_OUT_OF_RANGE;
  } else if (write) {
    paddr_t page;
    status = vmo_commit_page_locked(vmo, idx, true, &page, NULL);
    if (status == ZX_OK) memcpy((uint8_t *)paddr_to_kva(page) + in_page, buf, n);
  } else {
    paddr_t page = vmo_lookup_page_locked(vmo, idx);
    if (page) memcpy(buf, (uint8_t *)paddr_to_kva(page) + in_page, n);
    else memset(buf, 0, n);
  }
  spin_unlock_irqrestore(&vm_lock, state);
  return status;
}

// user: the other side is a user address (copied through a bounce buffer);
// otherwise kbuf is a kernel buffer.
static zx_status_t vmo_io(struct vmo *vmo, uintptr_t user, uint8_t *kbuf, uint64_t offset,
                          size_t len, bool write) {
  zx_status_t status = check_range(vmo, offset, len);
  if (status != ZX_OK) return status;
  uint8_t bounce[VMO_COPY_CHUNK];
  for (size_t done = 0; done < len;) {
    uint64_t off = offset + done;
    size_t n = PAGE_SIZE - off % PAGE_SIZE;
    if (n > len - done) n = len - done;
    if (n > sizeof bounce) n = sizeof bounce;
    if (kbuf) {
      status = chunk_io(vmo, off, kbuf + done, n, write);
    } else if (write) {
      status = arch_copy_from_user(bounce, user + done, n);
      if (status == ZX_OK) status = chunk_io(vmo, off, bounce, n, true);
    } else {
      status = chunk_io(vmo, off, bounce, n, false);
      if (status == ZX_OK) status = arch_copy_to_user(user + done, bounce, n);
    }
    if (status != ZX_OK) return status;
    done += n;
  }
  return ZX_OK;
}

zx_status_t vmo_read_user(struct vmo *vmo, uintptr_t user_dst, uint64_t offset, size_t len) {
  return vmo_io(vmo, user_dst, NULL, offset, len, false);
}
zx_status_t vmo_write_user(struct vmo *vmo, uintptr_t user_src, uint64_t offset, size_t len) {
  return vmo_io(vmo, user_src, NULL, offset, len, true);
}
zx_status_t vmo_read(struct vmo *vmo, void *dst, uint64_t offset, size_t len) {
  return vmo_io(vmo, 0, dst, offset, len, false);
}
zx_status_t vmo_write(struct vmo *vmo, const void *src, uint64_t offset, size_t len) {
  return vmo_io(vmo, 0, (uint8_t *)(uintptr_t)src, offset, len, true);
}

uint64_t vmo_get_size(struct vmo *vmo) {
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  uint64_t size = vmo->size;
  spin_unlock_irqrestore(&vm_lock, state);
  return size;
}

zx_status_t vmo_set_size(struct vmo *vmo, uint64_t size) {
  // Slices are never resizable.
  if (!(vmo->options & ZX_VMO_RESIZABLE)) return ZX_ERR_UNAVAILABLE;
  uint64_t rounded;
  zx_status_t status = round_size(size, &rounded);
  if (status != ZX_OK) return status;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  if (rounded < vmo->size) {
    // Mapped pages past the new end leave the page tables before they are freed.
    vm_vmo_unmap_locked(vmo, rounded, vmo->size);
    vmo_free_pages_from(vmo, rounded / PAGE_SIZE);
  }
  vmo->size = rounded;
  spin_unlock_irqrestore(&vm_lock, state);
  return ZX_OK;
}
