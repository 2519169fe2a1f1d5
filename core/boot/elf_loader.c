// Loads a static ELF64 AArch64 executable into a process the way a user-space loader
// does (user/lib/launch.c): each PT_LOAD segment is mapped ZX_VM_SPECIFIC at its link
// address in the root VMAR with the segment's permissions, through a VMO named "elf".
// When the image sits in a VMO (the boot filesystem's) at a page-compatible offset,
// nothing is copied: a read-only segment is a slice of the image VMO (its pages,
// shared by every process running the program) and a writable one a copy-on-write
// snapshot of it, with the bytes past the segment's file size zeroed. Otherwise each
// segment's bytes are copied into a VMO of its own.
// An executable linked into the shared window (a shared prototype) goes into its
// group's window root VMAR, where every member sees it.
// The image is untrusted input (a user may supply it): every offset and size is
// checked, and a malformed image is ZX_ERR_INVALID_ARGS.
#include <janus/elf.h>
#include "core/object/process.h"
#include <string.h>
#include <zircon/rights.h>

#include "core/object/shared_group.h"
#include "core/vm/vmar.h"
#include "core/vm/vmo.h"

// [va, va + size) lies inside root's range (no wrap).
static bool in_root(const struct vmar *root, uint64_t va, uint64_t size) {
  uint64_t base = root->node.range.base, end = base + root->node.range.size;
  return va >= base && va < end && size <= end - va;
}

// The segment's VMO without a copy: [file_start, file_start + size) of image_vmo.
static zx_status_t segment_from_image(struct vmo *image_vmo, uint64_t file_start, uint64_t size,
                                      const struct elf64_phdr *ph, struct vmo **out) {
  uint64_t in_page = ph->vaddr & (PAGE_SIZE - 1);
  bool writable = ph->flags & ELF_PF_W;
  if (!writable && ph->memsz == ph->filesz && file_start + size <= vmo_get_size(image_vmo))
    return vmo_create_child(image_vmo, VMO_CHILD_SLICE, false, file_start, size, out);
  zx_status_t status = vmo_create_child(image_vmo, VMO_CHILD_SNAPSHOT, false, file_start, size, out);
  // Past the file's bytes (bss, and the next section's bytes in the last page): zeros.
  if (status == ZX_OK)
    status = vmo_op_range(*out, ZX_VMO_OP_ZERO, in_page + ph->filesz, size - in_page - ph->filesz);
  return status;
}

static zx_status_t segment_copy(const uint8_t *image, uint64_t size, const struct elf64_phdr *ph,
                                struct vmo **out) {
  zx_status_t status = vmo_create(size, 0, out);
  // Only the file's bytes are written: the rest (bss) is zero pages committed on touch.
  if (status == ZX_OK)
    status = vmo_write(*out, image + ph->offset, ph->vaddr & (PAGE_SIZE - 1), ph->filesz);
  return status;
}

static zx_status_t load_segment(struct vmar *root, const uint8_t *image, struct vmo *image_vmo,
                                uint64_t image_offset, const struct elf64_phdr *ph) {
  uint64_t start = ph->vaddr & ~(PAGE_SIZE - 1);
  uint64_t end = (ph->vaddr + ph->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  uint64_t in_page = ph->vaddr - start;
  struct vmo *vmo = NULL;
  zx_status_t status;
  if (image_vmo && ((image_offset + ph->offset) & (PAGE_SIZE - 1)) == in_page)
    status = segment_from_image(image_vmo, image_offset + ph->offset - in_page, end - start, ph, &vmo);
  else
    status = segment_copy(image, end - start, ph, &vmo);
  if (vmo) memcpy(vmo->name, "elf", 4);
  unsigned perms = (ph->flags & ELF_PF_R ? ZX_VM_PERM_READ : 0) |
                   (ph->flags & ELF_PF_W ? ZX_VM_PERM_WRITE : 0) |
                   (ph->flags & ELF_PF_X ? ZX_VM_PERM_EXECUTE : 0);
  uintptr_t addr;
  // The kernel holds the VMO, not a handle: it may map it executable directly. A
  // read-only segment's handle rights carry no WRITE, so a debugger's write to it gets
  // a private copy (vm_debug_write) and never reaches the image.
  zx_rights_t rights = ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE;
  if (!(ph->flags & ELF_PF_W)) rights &= ~ZX_RIGHT_WRITE;
  if (status == ZX_OK)
    status = vmar_map(root, ZX_VM_SPECIFIC | perms, start - root->node.range.base, vmo, rights, 0,
                      end - start, &addr);
  if (vmo) kobject_unref(&vmo->obj);  // the mapping holds its own reference
  return status;
}

zx_status_t process_load_elf(struct process *p, const void *image, size_t size, uintptr_t *entry) {
  return process_load_elf_from_vmo(p, image, size, NULL, 0, entry);
}

zx_status_t process_load_elf_from_vmo(struct process *p, const void *image, size_t size,
                                      struct vmo *image_vmo, uint64_t image_offset,
                                      uintptr_t *entry) {
  const struct elf64_header *eh = image;
  if (size < sizeof *eh || elf_check_header(eh, size, UINT16_MAX) != ZX_OK)
    return ZX_ERR_INVALID_ARGS;
  const struct elf64_phdr *phdrs = (const void *)((const uint8_t *)image + eh->phoff);
  if (elf_check_segments(eh, phdrs, size) != ZX_OK) return ZX_ERR_INVALID_ARGS;
  struct vmar *root = p->root_vmar;
  if (eh->entry >= SHARED_WINDOW_BASE) {
    if (!p->group) return ZX_ERR_INVALID_ARGS;  // only a shared process has a window
    root = p->group->root_vmar;
  }
  if (!root) return ZX_ERR_BAD_STATE;
  for (unsigned i = 0; i < eh->phnum; i++) {
    const struct elf64_phdr *ph = &phdrs[i];
    if (ph->type != ELF_PT_LOAD || ph->memsz == 0) continue;
    if (!in_root(root, ph->vaddr, ph->memsz)) return ZX_ERR_INVALID_ARGS;
    zx_status_t status = load_segment(root, image, image_vmo, image_offset, ph);
    // Overlapping segments, write-only ones and the like: a malformed image.
    if (status != ZX_OK) return status == ZX_ERR_NO_MEMORY ? status : ZX_ERR_INVALID_ARGS;
  }
  if (!in_root(root, eh->entry, 4)) return ZX_ERR_INVALID_ARGS;
  *entry = eh->entry;
  return process_map_stack(p);
}

bool elf_is_shared_prototype(const void *image, size_t size) {
  const struct elf64_header *eh = image;
  return size >= sizeof *eh && eh->entry >= SHARED_WINDOW_BASE && eh->entry < SHARED_WINDOW_END;
}
