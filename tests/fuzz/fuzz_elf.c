// Fuzz target: the ELF checks both loaders make (lib/elf_check.c) on an untrusted image,
// copied to a buffer of exactly its size. What they accept must be safe to load: the
// program headers and every PT_LOAD segment's file bytes lie inside the image, and a
// segment's pages do not wrap the address space.
#include <stdlib.h>
#include <string.h>

#include <janus/elf.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *image = malloc(size ? size : 1);
  memcpy(image, data, size);
  struct elf64_header eh;
  if (size >= sizeof eh) {
    memcpy(&eh, image, sizeof eh);  // the user loader reads a copy; the kernel's is aligned
    if (elf_check_header(&eh, size, 64) == ZX_OK) {
      if (eh.phoff > size || (uint64_t)eh.phnum * sizeof(struct elf64_phdr) > size - eh.phoff)
        abort();
      struct elf64_phdr *ph = malloc(eh.phnum * sizeof *ph + 1);
      memcpy(ph, image + eh.phoff, eh.phnum * sizeof *ph);
      if (elf_check_segments(&eh, ph, size) == ZX_OK) {
        volatile uint8_t sink = 0;
        for (unsigned i = 0; i < eh.phnum; i++) {
          if (ph[i].type != ELF_PT_LOAD || ph[i].memsz == 0) continue;
          // What the loaders then do: copy filesz bytes from offset, round the pages.
          for (uint64_t k = 0; k < ph[i].filesz; k += 4096) sink ^= image[ph[i].offset + k];
          if (ph[i].filesz) sink ^= image[ph[i].offset + ph[i].filesz - 1];
          uint64_t end = (ph[i].vaddr + ph[i].memsz + 4095) & ~4095ull;
          if (end <= (ph[i].vaddr & ~4095ull)) abort();  // wrapped
        }
        (void)sink;
      }
      free(ph);
    }
  }
  free(image);
  return 0;
}
