// The part of the ELF64 format Janus loads: static AArch64 executables, little-endian.
// Shared by the kernel's loader (core/boot/elf_loader.c) and the user library's
// (user/lib/launch.c); types and constants only.
#ifndef JANUS_ELF_H_
#define JANUS_ELF_H_

#include <stdint.h>

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

#endif  // JANUS_ELF_H_
