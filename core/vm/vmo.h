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
// Pages per second-level table (1 KiB at most). A process that touches one page of a
// large VMO (a forked Linux child its stack's snapshot) pays for one leaf: 512 pages to
// a leaf made that 4 KiB; the top level is longer instead (16 KiB for a 1 GiB VMO).
#define VMO_LEAF_PAGES 128u

struct vm_mapping;

// A page slot: 0 (not committed: reads as zero), a private page's physical address,
// or a page shared copy-on-write with other VMOs: (struct vmo_shared_page *) | 1.
// VMO_PAGE_EXEC_CLEAN in a private slot's address (a shared page's pa): the page was
// made coherent for instruction fetch when last mapped executable, and the kernel has
// neither written it nor entered it writable since (vmo_page_exec_clean_locked).
typedef uintptr_t vmo_slot_t;
#define VMO_SLOT_SHARED ((vmo_slot_t)1)
#define VMO_PAGE_EXEC_CLEAN ((vmo_slot_t)2)
#define VMO_PAGE_FLAGS (VMO_SLOT_SHARED | VMO_PAGE_EXEC_CLEAN)
struct vmo_shared_page {
  paddr_t pa;     // | VMO_PAGE_EXEC_CLEAN
  uint64_t refs;  // slots holding it; the page is freed with the last
};

// Children (zx_vmo_create_child). A snapshot child (copy on write) owns its slots like
// any VMO: at creation it takes a reference to each of the parent's committed pages,
// which become shared in both, and a write to a shared page copies it for the writer
// alone. So a child keeps no link to its parent's pages and a chain of children is
// flat: freeing one frees nothing recursively. A slice has no slots: its pages are
// its root's (slice_root, the first non-slice ancestor, held by a reference) from
// slice_offset on, and the root's mappings-to-update include its slices' mappings.
struct vmo {
  struct kobject obj;
  uint64_t size;          // bytes, a page multiple; under vm_lock
  uint32_t options;       // ZX_VMO_RESIZABLE or 0
  size_t top_len;         // entries allocated in top (0: nothing committed yet)
  vmo_slot_t **top;       // top[i][j] is page i * VMO_LEAF_PAGES + j
  vmo_slot_t *top_one;    // top of a VMO of one leaf (512 KiB), not allocated
  struct vm_mapping *mappings;  // every mapping of this VMO (vm_mapping.vmo_next)
  uint64_t committed;     // slots in use (private or shared)
  char name[ZX_MAX_NAME_LEN];  // shown by ZX_INFO_PROCESS_MAPS ("" unless named)
  bool cow_child;         // made by a snapshot (ZX_VMO_OP_DECOMMIT is not supported)
  bool ever_shared;       // some slot was shared once: freeing needs vm_lock
  bool pinned;            // the kernel holds its pages' addresses: no snapshots, no decommit
  // ZX_VMO_ZERO_CHILDREN: the VMO this one was made from (weak: cleared when it dies)
  // and the live children (slices and snapshots), linked through sibling_*.
  struct vmo *parent, *children, *sibling_next, *sibling_prev;
  // Slices: the root whose pages they show, and the root's list of them.
  struct vmo *slice_root;
  uint64_t slice_offset;  // bytes into slice_root
  struct vmo *slices, *slice_next, *slice_prev;
};

extern spinlock_t vm_lock;

// A new VMO of size bytes (rounded up to pages). ZX_ERR_OUT_OF_RANGE when too large,
// ZX_ERR_INVALID_ARGS for unknown options, ZX_ERR_NO_MEMORY.
zx_status_t vmo_create(uint64_t size, uint32_t options, struct vmo **out);

// vm_lock held. The page at page index idx (of vmo; a slice's go to its root):
// committed (zero-filled) if needed. write: the page becomes the VMO's own (a shared
// page is copied, or taken over when no one else holds it), and mappings of the old
// page leave the page tables. *writable (may be NULL): whether the page is the VMO's
// own, so that a mapping may write it. A write ends the page's VMO_PAGE_EXEC_CLEAN.
// ZX_ERR_OUT_OF_RANGE past the end, ZX_ERR_NO_MEMORY.
zx_status_t vmo_commit_page_locked(struct vmo *vmo, uint64_t idx, bool write, paddr_t *out,
                                   bool *writable);
// vm_lock held. The page at idx if committed, else 0.
paddr_t vmo_lookup_page_locked(struct vmo *vmo, uint64_t idx);
// The physical page behind a slot (0 for an empty one).
static inline paddr_t vmo_slot_pa(vmo_slot_t s) {
  return (s & VMO_SLOT_SHARED ? ((struct vmo_shared_page *)(s & ~VMO_SLOT_SHARED))->pa : s) &
         ~VMO_PAGE_FLAGS;
}
// The word that holds the page's VMO_PAGE_EXEC_CLEAN for a committed slot: the slot
// itself, or its shared page's pa (vm_lock held).
static inline uintptr_t *vmo_slot_page_word(vmo_slot_t *s) {
  return *s & VMO_SLOT_SHARED ? &((struct vmo_shared_page *)(*s & ~VMO_SLOT_SHARED))->pa : s;
}

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

// Pages all VMOs hold together (ZX_INFO_KMEM_STATS).
uint64_t vmo_committed_pages(void);

// --- Children (core/vm/vmo_child.c) ----------------------------------------------
enum vmo_child_kind { VMO_CHILD_SNAPSHOT, VMO_CHILD_SLICE };
// A child of parent showing [offset, offset + size) of it, in Zircon's order of checks:
// offset not page-aligned ZX_ERR_INVALID_ARGS; size too large or offset + size past
// 2^64 ZX_ERR_OUT_OF_RANGE; a slice not inside parent ZX_ERR_INVALID_ARGS, of a
// resizable parent ZX_ERR_NOT_SUPPORTED; a snapshot of pinned pages ZX_ERR_BAD_STATE;
// ZX_ERR_NO_MEMORY. A snapshot reads zeros past parent's end. resizable: snapshots only.
zx_status_t vmo_create_child(struct vmo *parent, enum vmo_child_kind kind, bool resizable,
                             uint64_t offset, uint64_t size, struct vmo **out);
// vm_lock held: a snapshot of [offset, offset + size) of parent (arguments already
// checked; options: vmo_create's). On failure *out may hold a half-made child: drop it
// with kobject_unref once vm_lock is released.
zx_status_t vmo_snapshot_locked(struct vmo *parent, uint64_t offset, uint64_t size,
                                uint32_t options, struct vmo **out);

// --- zx_vmo_op_range (core/vm/vmo_op.c) --------------------------------------------
// op is ZX_VMO_OP_*; rights were checked by the caller. Errors as zx_vmo_op_range.
zx_status_t vmo_op_range(struct vmo *vmo, uint32_t op, uint64_t offset, uint64_t len);

// --- Slots, for vmo*.c and the VMAR code (vm_lock held) --------------------------
// The VMO that holds idx's page: vmo itself, or a slice's root (idx moves with it).
struct vmo *vmo_page_owner(struct vmo *vmo, uint64_t *idx);
// Slot idx of owner (not a slice); alloc: tables are made as needed (NULL: no memory).
vmo_slot_t *vmo_slot_locked(struct vmo *owner, uint64_t idx, bool alloc);
// Drops a slot's page (a shared page: one reference).
void vmo_slot_release(vmo_slot_t slot);

#endif  // CORE_VMO_H_
