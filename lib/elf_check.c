// The checks both ELF loaders make before they map anything (see <janus/elf.h>).
// Portable: the host fuzzes it (tests/fuzz/fuzz_elf.c).
#include <janus/elf.h>
#include <string.h>

#define ELF_PAGE 4096u

zx_status_t elf_check_header(const struct elf64_header *eh, uint64_t image_size,
                             unsigned max_phdrs) {
  if (image_size < sizeof *eh || memcmp(eh->ident, "\177ELF", 4) || eh->ident[4] != ELF_CLASS_64 ||
      eh->ident[5] != ELF_DATA_LSB || eh->machine != ELF_EM_AARCH64 || eh->type != ELF_ET_EXEC ||
      eh->phentsize != sizeof(struct elf64_phdr) || eh->phnum > max_phdrs ||
      eh->phoff > image_size ||
      (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > image_size - eh->phoff)
    return ZX_ERR_INVALID_ARGS;
  return ZX_OK;
}

zx_status_t elf_check_segments(const struct elf64_header *eh, const struct elf64_phdr *ph,
                               uint64_t image_size) {
  bool entry_ok = false;
  for (unsigned i = 0; i < eh->phnum; i++) {
    const struct elf64_phdr *p = &ph[i];
    if (p->type != ELF_PT_LOAD || p->memsz == 0) continue;
    if (p->filesz > p->memsz || p->offset > image_size || p->filesz > image_size - p->offset ||
        p->vaddr > UINT64_MAX - ELF_PAGE || p->memsz > UINT64_MAX - ELF_PAGE - p->vaddr ||
        ((p->flags & ELF_PF_W) && !(p->flags & ELF_PF_R)))
      return ZX_ERR_INVALID_ARGS;
    if ((p->flags & ELF_PF_X) && eh->entry >= p->vaddr && eh->entry - p->vaddr < p->memsz)
      entry_ok = true;
  }
  return entry_ok ? ZX_OK : ZX_ERR_INVALID_ARGS;
}
