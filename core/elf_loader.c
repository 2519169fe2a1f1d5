// Loads a static ELF64 AArch64 executable into a process: each PT_LOAD segment
// gets fresh zeroed pages with the segment's permissions. An executable linked into
// the shared window (a shared prototype) goes into the process's group's window,
// where every member of the group sees it at the same address. The image is untrusted
// input (a user may supply it), so every offset and size is checked.
#include <janus/arch.h>
#include <janus/process.h>
#include <string.h>

#include "core/pmm.h"
#include "core/shared_group.h"
#include "core/vmar.h"

#define EM_AARCH64 183
#define ET_EXEC 2
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

// Records [base, base + size) for ZX_INFO_PROCESS_MAPS, keeping address order. Past
// PROCESS_FIXED_MAPS_MAX entries the rest are not reported (still mapped).
static void record_fixed_map(struct process_fixed_maps *f, uintptr_t base, size_t size,
                             uint32_t perms, const char *name) {
  unsigned n = f->count;
  if (n >= PROCESS_FIXED_MAPS_MAX) return;
  unsigned i = n;
  while (i > 0 && f->maps[i - 1].base > base) {
    f->maps[i] = f->maps[i - 1];
    i--;
  }
  f->maps[i] = (struct process_fixed_map){.base = base, .size = size, .perms = perms, .name = name};
  __atomic_store_n(&f->count, n + 1, __ATOMIC_RELEASE);
}

struct elf64_header {
  uint8_t ident[16];
  uint16_t type, machine;
  uint32_t version;
  uint64_t entry, phoff, shoff;
  uint32_t flags;
  uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

// Where an image may lie: below the root VMAR of its space, whose pages the VM code owns.
struct image_space {
  struct arch_aspace *aspace;
  struct process_fixed_maps *maps;
  uintptr_t base, end;
};

static bool in_space(const struct image_space *sp, uint64_t va, uint64_t size) {
  return va >= sp->base && va < sp->end && size <= sp->end - va;
}

static zx_status_t load_segment(const struct image_space *sp, const uint8_t *image,
                                const struct elf64_phdr *ph) {
  unsigned perms = (ph->flags & PF_R ? ARCH_MMU_READ : 0) | (ph->flags & PF_W ? ARCH_MMU_WRITE : 0) |
                   (ph->flags & PF_X ? ARCH_MMU_EXECUTE : 0);
  uint64_t start = ph->vaddr & ~(PAGE_SIZE - 1);
  uint64_t end = (ph->vaddr + ph->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
  for (uint64_t va = start; va < end; va += PAGE_SIZE) {
    paddr_t page;
    if (pmm_alloc(0, &page) != ZX_OK) return ZX_ERR_NO_MEMORY;
    uint8_t *kva = paddr_to_kva(page);
    memset(kva, 0, PAGE_SIZE);
    // The part of the file that lands on this page.
    uint64_t lo = va > ph->vaddr ? va : ph->vaddr;
    uint64_t hi = va + PAGE_SIZE < ph->vaddr + ph->filesz ? va + PAGE_SIZE : ph->vaddr + ph->filesz;
    if (lo < hi) memcpy(kva + (lo - va), image + ph->offset + (lo - ph->vaddr), hi - lo);
    zx_status_t status = arch_aspace_map(sp->aspace, va, page, perms, true);
    if (status != ZX_OK) {
      pmm_free(page, 0);
      return status;
    }
  }
  return ZX_OK;
}

zx_status_t process_load_elf(struct process *p, const void *image, size_t size, uintptr_t *entry) {
  const struct elf64_header *eh = image;
  if (size < sizeof *eh || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != 2 /* 64-bit */ ||
      eh->ident[5] != 1 /* little-endian */ || eh->machine != EM_AARCH64 || eh->type != ET_EXEC ||
      eh->phentsize != sizeof(struct elf64_phdr) || eh->phoff > size ||
      (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
    return ZX_ERR_INVALID_ARGS;
  const struct elf64_phdr *phdrs = (const void *)((const uint8_t *)image + eh->phoff);
  struct image_space sp = {&p->aspace, &p->fixed_maps, USER_ASPACE_BASE, VMAR_ROOT_BASE};
  if (eh->entry >= SHARED_WINDOW_BASE) {
    if (!p->group) return ZX_ERR_INVALID_ARGS;  // only a shared process has a window
    sp = (struct image_space){&p->group->window, &p->group->fixed_maps, SHARED_WINDOW_BASE,
                              SHARED_VMAR_BASE};
  }
  for (unsigned i = 0; i < eh->phnum; i++) {
    const struct elf64_phdr *ph = &phdrs[i];
    if (ph->type != PT_LOAD) continue;
    if (ph->filesz > ph->memsz || ph->offset > size || ph->filesz > size - ph->offset ||
        !in_space(&sp, ph->vaddr, ph->memsz))
      return ZX_ERR_INVALID_ARGS;
    zx_status_t status = load_segment(&sp, image, ph);
    if (status != ZX_OK) return status;
    uint64_t start = ph->vaddr & ~(PAGE_SIZE - 1);
    uint64_t end = (ph->vaddr + ph->memsz + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    if (end > start)
      record_fixed_map(sp.maps, start, end - start,
                       (ph->flags & PF_R ? ZX_VM_PERM_READ : 0) |
                           (ph->flags & PF_W ? ZX_VM_PERM_WRITE : 0) |
                           (ph->flags & PF_X ? ZX_VM_PERM_EXECUTE : 0),
                       "elf");
  }
  if (!in_space(&sp, eh->entry, 4)) return ZX_ERR_INVALID_ARGS;
  *entry = eh->entry;
  return process_map_stack(p);
}

bool elf_is_shared_prototype(const void *image, size_t size) {
  const struct elf64_header *eh = image;
  return size >= sizeof *eh && eh->entry >= SHARED_WINDOW_BASE && eh->entry < SHARED_WINDOW_END;
}
