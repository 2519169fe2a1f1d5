// Virtual memory address regions: a tree of regions (VMARs) whose leaves are
// mappings of VMOs. Mappings are lazy: pages enter the page tables on first touch
// (vm_handle_user_fault). All state is under vm_lock (core/vm/vmo.h).
//
// Every process's root VMAR covers its whole user range [VMAR_ROOT_BASE,
// USER_ASPACE_END): the ELF image (VMOs mapped at their link address, 0x400000), the
// stack and everything else a program maps are mappings in it.
#ifndef CORE_VMAR_H_
#define CORE_VMAR_H_

#include <janus/physmap.h>
#include <stdbool.h>
#include <stdint.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#include <janus/fault.h>  // vm_handle_user_fault, demand paging
#include <janus/object.h>
#include "core/vm/vm_range.h"

struct arch_aspace;
struct process;
struct vmo;

#define VMAR_ROOT_BASE USER_ASPACE_BASE

enum vm_node_kind { VM_NODE_VMAR, VM_NODE_MAPPING };

struct vm_node {
  struct vm_range_node range;  // first: the range node converts to this
  enum vm_node_kind kind;
};

struct vmar {
  struct kobject obj;
  struct vm_node node;       // in parent->children (not for the root)
  struct vmar *parent;       // NULL for the root and once destroyed
  struct arch_aspace *aspace;  // the page tables its mappings go to; NULL once destroyed
  struct vm_range children;  // sub-VMARs and mappings
  uint32_t flags;            // ZX_VM_CAN_MAP_* ceiling
  bool destroyed;
  struct vmar *defer_next;   // release list while tearing down
};

struct vm_mapping {
  struct vm_node node;
  struct vmar *vmar;
  struct vmo *vmo;           // holds a reference
  uint64_t vmo_offset;
  unsigned perms;            // ZX_VM_PERM_*
  unsigned max_perms;        // what the VMO handle's rights allowed at map time
  struct vm_mapping *vmo_next;  // in vmo->mappings
  bool private_copy;         // its VMO is its own snapshot (vm_debug_write made it)
};

#define VMAR_CAN_MAP_MASK \
  (ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_EXECUTE | ZX_VM_CAN_MAP_SPECIFIC)

// Process hooks (core/object/process.c). init creates p->root_vmar; destroy (once no
// CPU has p's tables in TTBR0) marks all VMARs destroyed, frees p's page tables
// (arch_aspace_destroy) and drops the VMO references.
zx_status_t process_vm_init(struct process *p);
void process_vm_destroy(struct process *p);
// The same for a shared group's window: a root VMAR over the whole window
// [SHARED_WINDOW_BASE, SHARED_WINDOW_END) (a prototype's ELF and stack are mappings in
// it) whose mappings go to window. *root: one reference for the caller.
zx_status_t vm_window_init(struct arch_aspace *window, struct vmar **root);
void vm_root_destroy(struct vmar *root);
// A new handle in p's table to its root VMAR (rights: default VMAR rights + R/W/X).
// A handle in p's table to the VMAR its program starts with: the root VMAR, or for a
// shared process the window's.
zx_status_t process_root_vmar_handle(struct process *p, zx_handle_t *out);
// Rights a handle to vmar gets.
zx_rights_t vmar_handle_rights(const struct vmar *vmar);


// Operations behind the syscalls (rights already checked by the caller).
zx_status_t vmar_allocate(struct vmar *parent, uint32_t options, uint64_t offset, uint64_t size,
                          struct vmar **out, uintptr_t *out_addr);
// vmo_rights: the VMO handle's rights (limits perms).
zx_status_t vmar_map(struct vmar *vmar, uint32_t options, uint64_t vmar_offset, struct vmo *vmo,
                     zx_rights_t vmo_rights, uint64_t vmo_offset, uint64_t len,
                     uintptr_t *out_addr);
// Unmap and protect take any page-aligned range inside vmar, splitting mappings at its
// ends (a split keeps its VMO reference and offset). Unmap may cover several mappings,
// gaps and whole sub-VMARs (destroyed; only if may_destroy_vmars, the handle's
// ZX_RIGHT_OP_CHILDREN); ZX_ERR_INVALID_ARGS for a sub-VMAR in part, ZX_ERR_NOT_FOUND
// when nothing at all is in the range. Protect needs every page mapped by mappings of
// vmar itself (a gap: ZX_ERR_NOT_FOUND; a sub-VMAR: ZX_ERR_INVALID_ARGS; perms beyond
// a mapping's maximum: ZX_ERR_ACCESS_DENIED). Either fails before changing anything.
zx_status_t vmar_unmap_checked(struct vmar *vmar, uintptr_t addr, uint64_t len,
                               bool may_destroy_vmars);
zx_status_t vmar_unmap(struct vmar *vmar, uintptr_t addr, uint64_t len);  // may destroy
zx_status_t vmar_protect(struct vmar *vmar, uint32_t perms, uintptr_t addr, uint64_t len);
zx_status_t vmar_destroy(struct vmar *vmar);

// ZX_INFO_PROCESS_MAPS / ZX_INFO_VMAR_MAPS: the depth-first, address-ordered walk.
// With p (v ignored): the ASPACE entry (depth 0), then p's root VMAR (depth 1), whose
// subtree follows (depth 2..); for a shared process the window's ASPACE entry and root
// VMAR the same way. Without p: v at depth 0 and its subtree. Writes entries [skip, skip + max) of the walk into
// out (kernel memory; takes vm_lock) and sets *total to the walk's length.
// ZX_ERR_BAD_STATE: the address space / VMAR is gone (process dead, VMAR destroyed).
zx_status_t vm_get_maps(struct process *p, struct vmar *v, size_t skip, zx_info_maps_t *out,
                        size_t max, size_t *total);

// vm_lock held: removes from the page tables the pages of m that back VMO offsets
// [start, end), in one batch of TLB maintenance (used when a VMO shrinks).
void vm_mapping_unmap_vmo_range_locked(struct vm_mapping *m, uint64_t start, uint64_t end);

// vm_lock held: for owner offsets [start, end) of owner (a VMO that is not a slice),
// in every mapping of it and of its slices: the pages leave the page tables, or
// (write_protect) writable entries become read-only. One batch of TLB maintenance
// per mapping.
void vm_vmo_unmap_locked(struct vmo *owner, uint64_t start, uint64_t end);
void vm_vmo_write_protect_locked(struct vmo *owner, uint64_t start, uint64_t end);

// zx_process_write_memory: writes up to len bytes at addr of p (never past addr's
// page) into the page its mapping shows, as a write by p would (copy on write), even
// where p may not write; a mapping whose VMO handle had no ZX_RIGHT_WRITE gets a
// private snapshot of its VMO first, so what others share is never touched. Returns the bytes written (0: no
// mapping there, or no memory).
size_t vm_debug_write(struct process *p, uintptr_t addr, const void *buf, size_t len);

// ZX_INFO_TASK_STATS for p's own address space (ZX_ERR_BAD_STATE once it is gone).
// A page's sharers are estimated as the mappings of its VMO (and slices) plus the
// other VMOs holding it copy-on-write.
zx_status_t vm_task_stats(struct process *p, zx_info_task_stats_t *out);

#endif  // CORE_VMAR_H_
