// Fuzz target: the device-tree reader and boot information (lib/fdt.c,
// core/boot/bootinfo.c) on an untrusted blob. Everything the blob claims must be
// bounds-checked: the blob is copied to a buffer of exactly its size, so any read
// past it is an AddressSanitizer report. Walks the whole tree, every property and
// reg entry, the memory reservations, then bootinfo and its free ranges.
#include <stdlib.h>
#include <string.h>

#include <janus/bootinfo.h>
#include "lib/fdt.h"

static void walk(const struct fdt *f, uint32_t node, unsigned depth) {
  if (depth > 64) return;
  (void)fdt_node_name(f, node);
  (void)fdt_address_cells(f, node);
  (void)fdt_size_cells(f, node);
  uint32_t prop;
  for (zx_status_t s = fdt_first_prop(f, node, &prop); s == ZX_OK;
       s = fdt_next_prop(f, prop, &prop)) {
    const char *name;
    const void *value;
    uint32_t len;
    if (fdt_prop_info(f, prop, &name, &value, &len) == ZX_OK && len >= 4) {
      uint64_t cell;
      (void)fdt_cell_at(value, len, 1, 0, &cell);
    }
  }
  (void)fdt_get_string(f, node, "compatible");
  (void)fdt_prop_has_string(f, node, "compatible", "arm,pl011");
  uint32_t u32;
  uint64_t u64;
  (void)fdt_get_u32(f, node, "#address-cells", &u32);
  (void)fdt_get_u64(f, node, "reg", &u64);
  uint32_t child, parent;
  if (fdt_parent(f, node, &parent) == ZX_OK) {
    struct fdt_reg_iter it;
    if (fdt_reg_begin(f, parent, node, &it) == ZX_OK) {
      uint64_t base, size;
      for (int i = 0; i < 256 && fdt_reg_next(&it, &base, &size); i++) {}
    }
  }
  for (zx_status_t s = fdt_first_child(f, node, &child); s == ZX_OK;
       s = fdt_next_sibling(f, child, &child))
    walk(f, child, depth + 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  uint8_t *blob = malloc(size ? size : 1);
  memcpy(blob, data, size);
  struct fdt f;
  if (fdt_open(&f, blob, size) == ZX_OK) {
    walk(&f, fdt_root(&f), 0);
    uint32_t node;
    (void)fdt_find_node(&f, "/chosen", &node);
    (void)fdt_find_node(&f, "/cpus/cpu@0", &node);
    for (uint32_t i = 0; i < fdt_memreserve_count(&f) && i < 1024; i++) {
      uint64_t base, len;
      (void)fdt_memreserve(&f, i, &base, &len);
    }
  }
  static struct bootinfo bi;
  if (bootinfo_from_fdt(blob, size, &bi) == ZX_OK) {
    struct mem_range extra = {.base = 0x40000000, .size = 0x200000};
    struct mem_range out[64];
    size_t n = bootinfo_free_ranges(&bi, &extra, 1, out, 64);
    // Sorted, disjoint, page-aligned: what the page allocator relies on.
    for (size_t i = 0; i < n; i++) {
      if (out[i].base % 4096 || out[i].size % 4096 || out[i].size == 0) abort();
      if (i && out[i].base < out[i - 1].base + out[i - 1].size) abort();
    }
  }
  free(blob);
  return 0;
}
