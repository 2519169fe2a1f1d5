// Virtual memory objects: a page-granular, lazily committed, zero-filled store.
// Pages are allocated on first touch (a write, or a fault through a mapping); reads of
// uncommitted pages see zeros without committing. Pages are freed on destroy and
// when the VMO shrinks.
//
// Locking: all VM state (every VMO's pages and mapping list, every VMAR tree and the
// user page tables that VMARs manage) is protected by the one vm_lock (core/vm/vmar.c).
// Never hold it across a user copy or kobject_unref.
#ifndef CORE_VMO_H_
#define CORE_VMO_H_

#include <janus/physmap.h>
#include <janus/spinlock.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#include <janus/object.h>

// Largest VMO (Janus limit; Zircon's is near 2^64): larger is ZX_ERR_OUT_OF_RANGE.
#define VMO_MAX_SIZE (1ULL << 36)
#define VMO_LEAF_PAGES 512u  // pages per second-level table (one 4 KiB table)

struct vm_mapping;

struct vmo {
  struct kobject obj;
  uint64_t size;          // bytes, a page multiple; under vm_lock
  uint32_t options;       // ZX_VMO_* creation options
  size_t top_len;         // entries in top (0: nothing committed yet)
  paddr_t **top;          // top[i][j] is page i * VMO_LEAF_PAGES + j, 0 = uncommitted
  struct vm_mapping *mappings;  // every mapping of this VMO (vm_mapping.vmo_next)
  uint64_t committed;     // pages committed
  char name[ZX_MAX_NAME_LEN];  // shown by ZX_INFO_PROCESS_MAPS ("" unless the kernel names it)
};

extern spinlock_t vm_lock;

// A new VMO of size bytes (rounded up to pages). ZX_ERR_OUT_OF_RANGE when too large,
// ZX_ERR_INVALID_ARGS for unknown options, ZX_ERR_NO_MEMORY.
zx_status_t vmo_create(uint64_t size, uint32_t options, struct vmo **out);

// vm_lock held. The page at page index idx: committed (zero-filled) if needed.
// ZX_ERR_OUT_OF_RANGE past the end, ZX_ERR_NO_MEMORY.
zx_status_t vmo_commit_page_locked(struct vmo *vmo, uint64_t idx, paddr_t *out);
// vm_lock held. The page at idx if committed, else 0.
paddr_t vmo_lookup_page_locked(const struct vmo *vmo, uint64_t idx);

// Copies between the VMO and user memory. ZX_ERR_OUT_OF_RANGE: [offset, offset+len)
// not inside the VMO; ZX_ERR_INVALID_ARGS: bad user buffer.
zx_status_t vmo_read_user(struct vmo *vmo, uintptr_t user_dst, uint64_t offset, size_t len);
zx_status_t vmo_write_user(struct vmo *vmo, uintptr_t user_src, uint64_t offset, size_t len);
// The same with kernel buffers (self-tests, kernel users).
zx_status_t vmo_read(struct vmo *vmo, void *dst, uint64_t offset, size_t len);
zx_status_t vmo_write(struct vmo *vmo, const void *src, uint64_t offset, size_t len);

uint64_t vmo_get_size(struct vmo *vmo);
// Resizes (rounded up to pages); shrinking unmaps and frees the pages past the end.
// ZX_ERR_UNAVAILABLE if not created ZX_VMO_RESIZABLE, ZX_ERR_OUT_OF_RANGE if too large.
zx_status_t vmo_set_size(struct vmo *vmo, uint64_t size);

#endif  // CORE_VMO_H_
