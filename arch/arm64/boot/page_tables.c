// The first translation tables, built with the MMU off: an identity map of the image
// (TTBR0, needed only while the MMU turns on) and the physmap of the image and the
// device tree (TTBR1). kernel_main maps the rest of the physmap once it has read
// the device tree.
#include <arch/boot.h>
#include <arch/memory_map.h>
#include <arch/pt.h>
#include <stdbool.h>

#define BLOCK_2M (1ULL << 21)
#define BOOT_TABLES 16
#define FDT_MAX_SIZE (2ULL << 20)

uint64_t kernel_root_table[PT_ENTRIES] __attribute__((aligned(4096)));
uint64_t boot_identity_table[PT_ENTRIES] __attribute__((aligned(4096)));
uint64_t empty_root_table[PT_ENTRIES] __attribute__((aligned(4096)));
static uint64_t boot_table_pool[BOOT_TABLES][PT_ENTRIES] __attribute__((aligned(4096)));
static unsigned boot_tables_used;

// Called with the MMU off: a table's address is its physical address.
static uint64_t boot_alloc_table(void) {
  if (boot_tables_used == BOOT_TABLES) return PT_NO_TABLE;
  return (uint64_t)(uintptr_t)boot_table_pool[boot_tables_used++];
}

static uint32_t read_be32(const volatile uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void map_2m_around(uint64_t pa, uint64_t size, const struct pt_ops *ops) {
  uint64_t start = pa & ~(BLOCK_2M - 1);
  uint64_t end = (pa + size + BLOCK_2M - 1) & ~(BLOCK_2M - 1);
  pt_map((uintptr_t)boot_identity_table, start, start, end - start, PT_KERNEL_NORMAL, ops);
  pt_map((uintptr_t)kernel_root_table, KERNEL_PHYSMAP_BASE + start, start, end - start,
         PT_KERNEL_NORMAL, ops);
}

// Invalidate (not clean) the image's cache lines: everything here was written with
// the caches off, and a loader may have left stale clean lines for these addresses.
static void invalidate_dcache_range(uint64_t start, uint64_t end) {
  uint64_t ctr;
  __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
  uint64_t line = 4ULL << ((ctr >> 16) & 0xf);
  for (uint64_t p = start & ~(line - 1); p < end; p += line)
    __asm__ volatile("dc ivac, %0" ::"r"(p) : "memory");
  __asm__ volatile("dsb sy" ::: "memory");
}

void boot_build_page_tables(uint64_t load_pa, uint64_t fdt_pa) {
  struct pt_ops ops = {.access_offset = 0, .alloc_table = boot_alloc_table};
  uint64_t image_size = (uint64_t)(_image_end - _image_start);
  map_2m_around(load_pa, image_size, &ops);
  const volatile uint8_t *fdt = (const volatile uint8_t *)(uintptr_t)fdt_pa;
  if (fdt_pa && read_be32(fdt) == 0xd00dfeed) {
    // At most FDT_MAX_SIZE: a larger blob is refused later, but its header stays readable.
    uint64_t size = read_be32(fdt + 4);
    map_2m_around(fdt_pa, size < FDT_MAX_SIZE ? size : FDT_MAX_SIZE, &ops);
  }
  invalidate_dcache_range(load_pa, load_pa + image_size);
}

// After the MMU is on, the remaining boot tables serve kernel_main's physmap.
uint64_t boot_alloc_table_late(void) {
  uint64_t pa = boot_alloc_table();
  return pa == PT_NO_TABLE ? pa : pa - KERNEL_PHYSMAP_BASE;
}
