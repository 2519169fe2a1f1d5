// Self-relocation: runs with the MMU off, before anything reads a pointer that the
// linker stored in the image. The build (tools/check-image.sh) guarantees that every
// dynamic relocation is R_AARCH64_RELATIVE.
#include <arch/boot.h>
#include <arch/memory_map.h>
#include <stdint.h>

#define R_AARCH64_RELATIVE 1027

struct rela {
  uint64_t offset;
  uint64_t info;
  int64_t addend;
};

extern const struct rela __rela_start[], __rela_end[];

void boot_relocate(uint64_t load_pa) {
  uint64_t run_base = KERNEL_PHYSMAP_BASE + load_pa;
  for (const struct rela *r = __rela_start; r < __rela_end; r++) {
    if ((uint32_t)r->info == R_AARCH64_RELATIVE)
      *(volatile uint64_t *)(uintptr_t)(load_pa + r->offset) = run_base + (uint64_t)r->addend;
  }
}
