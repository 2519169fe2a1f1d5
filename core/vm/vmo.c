// VMOs: lazily committed pages in a two-level table (see core/vm/vmo.h).
#include "core/vm/vmo.h"

#include <janus/arch.h>
#include <stdlib.h>
#include <string.h>

#include <janus/pmm.h>
#include "core/vm/vmar.h"

spinlock_t vm_lock = SPINLOCK_INIT;

#define VMO_COPY_CHUNK 256u  // bytes copied per lock hold (bounce buffer on the stack)

static void vmo_free_pages_from(struct vmo *vmo, uint64_t first_page) {
  for (size_t i = first_page / VMO_LEAF_PAGES; i < vmo->top_len; i++) {
    paddr_t *leaf = vmo->top[i];
    if (!leaf) continue;
    size_t j0 = i == first_page / VMO_LEAF_PAGES ? first_page % VMO_LEAF_PAGES : 0;
    for (size_t j = j0; j < VMO_LEAF_PAGES; j++) {
      if (leaf[j]) {
        pmm_free(leaf[j], 0);
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

static void vmo_destroy(struct kobject *obj) {
  struct vmo *vmo = (struct vmo *)obj;
  // The last reference: no mapping and no other user remain.
  vmo_free_pages_from(vmo, 0);
  free(vmo->top);
  free(vmo);
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
  struct vmo *vmo = calloc(1, sizeof *vmo);
  if (!vmo) return ZX_ERR_NO_MEMORY;
  kobject_init(&vmo->obj, ZX_OBJ_TYPE_VMO, &vmo_ops);
  vmo->size = rounded;
  vmo->options = options;
  *out = vmo;
  return ZX_OK;
}

paddr_t vmo_lookup_page_locked(const struct vmo *vmo, uint64_t idx) {
  size_t i = idx / VMO_LEAF_PAGES;
  if (i >= vmo->top_len || !vmo->top[i]) return 0;
  return vmo->top[i][idx % VMO_LEAF_PAGES];
}

zx_status_t vmo_commit_page_locked(struct vmo *vmo, uint64_t idx, paddr_t *out) {
  if (idx >= vmo->size / PAGE_SIZE) return ZX_ERR_OUT_OF_RANGE;
  size_t i = idx / VMO_LEAF_PAGES;
  if (i >= vmo->top_len) {
    size_t len = (size_t)((vmo->size / PAGE_SIZE + VMO_LEAF_PAGES - 1) / VMO_LEAF_PAGES);
    paddr_t **top = realloc(vmo->top, len * sizeof *top);
    if (!top) return ZX_ERR_NO_MEMORY;
    memset(top + vmo->top_len, 0, (len - vmo->top_len) * sizeof *top);
    vmo->top = top;
    vmo->top_len = len;
  }
  if (!vmo->top[i]) {
    vmo->top[i] = calloc(VMO_LEAF_PAGES, sizeof(paddr_t));
    if (!vmo->top[i]) return ZX_ERR_NO_MEMORY;
  }
  paddr_t *slot = &vmo->top[i][idx % VMO_LEAF_PAGES];
  if (!*slot) {
    paddr_t page;
    if (pmm_alloc(0, &page) != ZX_OK) return ZX_ERR_NO_MEMORY;
    memset(paddr_to_kva(page), 0, PAGE_SIZE);
    *slot = page;
    vmo->committed++;
  }
  *out = *slot;
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
    status = vmo_commit_page_locked(vmo, idx, &page);
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
  if (!(vmo->options & ZX_VMO_RESIZABLE)) return ZX_ERR_UNAVAILABLE;
  uint64_t rounded;
  zx_status_t status = round_size(size, &rounded);
  if (status != ZX_OK) return status;
  irq_state_t state = spin_lock_irqsave(&vm_lock);
  if (rounded < vmo->size) {
    // Mapped pages past the new end leave the page tables before they are freed.
    for (struct vm_mapping *m = vmo->mappings; m; m = m->vmo_next)
      vm_mapping_unmap_vmo_range_locked(m, rounded, vmo->size);
    vmo_free_pages_from(vmo, rounded / PAGE_SIZE);
  }
  vmo->size = rounded;
  spin_unlock_irqrestore(&vm_lock, state);
  return ZX_OK;
}
