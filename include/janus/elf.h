// The part of the ELF64 format Janus loads: static AArch64 executables, little-endian.
// Shared by the kernel's loader (core/boot/elf_loader.c) and the user library's
// (user/lib/launch.c), with the checks both make first (lib/elf_check.c).
#ifndef JANUS_ELF_H_
#define JANUS_ELF_H_

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#define ELF_CLASS_64 2    // ident[4]
#define ELF_DATA_LSB 1    // ident[5]: little-endian
#define ELF_ET_EXEC 2
#define ELF_EM_AARCH64 183
#define ELF_PT_LOAD 1
#define ELF_PF_X 1
#define ELF_PF_W 2
#define ELF_PF_R 4

struct elf64_header {
  uint8_t ident[16];  // "\177ELF", class, data, ...
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

// The image is untrusted: ZX_ERR_INVALID_ARGS unless it is a little-endian AArch64
// ET_EXEC whose program headers (at most max_phdrs) lie inside its image_size bytes.
zx_status_t elf_check_header(const struct elf64_header *eh, uint64_t image_size,
                             unsigned max_phdrs);
// ZX_ERR_INVALID_ARGS unless every PT_LOAD segment's file bytes lie inside the image,
// filesz <= memsz, its pages do not wrap the address space, a writable segment is
// also readable, and the entry point lies in an executable segment. ph holds
// eh->phnum headers.
zx_status_t elf_check_segments(const struct elf64_header *eh, const struct elf64_phdr *ph,
                               uint64_t image_size);

#endif  // JANUS_ELF_H_
