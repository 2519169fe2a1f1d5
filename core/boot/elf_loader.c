// Loads a static ELF64 AArch64 executable into a process the way a user-space loader
// does (user/lib/launch.c): each PT_LOAD segment becomes a VMO named "elf" holding the
// segment's bytes, mapped ZX_VM_SPECIFIC at its link address in the root VMAR with
// the segment's permissions. An executable linked into the shared window (a shared
// prototype) goes into its group's window root VMAR, where every member sees it.
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

static zx_status_t load_segment(struct vmar *root, const uint8_t *image,
                                const struct elf64_phdr *ph) {
  uint64_t start = ph->vaddr & ~(PAGE_SIZE - 1);
  uint64_t end = (ph->vaddr + ph->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  struct vmo *vmo;
  zx_status_t status = vmo_create(end - start, 0, &vmo);
  if (status != ZX_OK) return status;
  memcpy(vmo->name, "elf", 4);
  // Only the file's bytes are written: the rest (bss) is zero pages committed on touch.
  status = vmo_write(vmo, image + ph->offset, ph->vaddr - start, ph->filesz);
  unsigned perms = (ph->flags & ELF_PF_R ? ZX_VM_PERM_READ : 0) |
                   (ph->flags & ELF_PF_W ? ZX_VM_PERM_WRITE : 0) |
                   (ph->flags & ELF_PF_X ? ZX_VM_PERM_EXECUTE : 0);
  uintptr_t addr;
  // The kernel holds the VMO, not a handle: it may map it executable directly.
  if (status == ZX_OK)
    status = vmar_map(root, ZX_VM_SPECIFIC | perms, start - root->node.range.base, vmo,
                      ZX_DEFAULT_VMO_RIGHTS | ZX_RIGHT_EXECUTE, 0, end - start, &addr);
  kobject_unref(&vmo->obj);  // the mapping holds its own reference
  return status;
}

zx_status_t process_load_elf(struct process *p, const void *image, size_t size, uintptr_t *entry) {
  const struct elf64_header *eh = image;
  if (size < sizeof *eh || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != ELF_CLASS_64 ||
      eh->ident[5] != ELF_DATA_LSB || eh->machine != ELF_EM_AARCH64 || eh->type != ELF_ET_EXEC ||
      eh->phentsize != sizeof(struct elf64_phdr) || eh->phoff > size ||
      (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
    return ZX_ERR_INVALID_ARGS;
  const struct elf64_phdr *phdrs = (const void *)((const uint8_t *)image + eh->phoff);
  struct vmar *root = p->root_vmar;
  if (eh->entry >= SHARED_WINDOW_BASE) {
    if (!p->group) return ZX_ERR_INVALID_ARGS;  // only a shared process has a window
    root = p->group->root_vmar;
  }
  if (!root) return ZX_ERR_BAD_STATE;
  for (unsigned i = 0; i < eh->phnum; i++) {
    const struct elf64_phdr *ph = &phdrs[i];
    if (ph->type != ELF_PT_LOAD || ph->memsz == 0) continue;
    if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset ||
        ph->memsz > UINT64_MAX - PAGE_SIZE - ph->vaddr || !in_root(root, ph->vaddr, ph->memsz))
      return ZX_ERR_INVALID_ARGS;
    zx_status_t status = load_segment(root, image, ph);
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
