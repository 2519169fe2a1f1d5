// Reads the boot device tree into struct bootinfo, and turns its memory description
// into the free ranges the page allocator starts from.
#include <janus/bootinfo.h>

#include <string.h>

#include "lib/fdt.h"

// Appends a range unless it is empty. *dropped (if given) counts what did not fit;
// without it, running out of room is an error.
static zx_status_t add_range(struct mem_range *ranges, size_t *count, size_t max,
                             size_t *dropped, uint64_t base, uint64_t size) {
  if (size > UINT64_MAX - base) return ZX_ERR_INVALID_ARGS;
  if (size == 0) return ZX_OK;
  if (*count == max) {
    if (!dropped) return ZX_ERR_NO_RESOURCES;
    (*dropped)++;
    return ZX_OK;
  }
  ranges[*count].base = base;
  ranges[*count].size = size;
  (*count)++;
  return ZX_OK;
}

// Adds every (base, size) of node's reg. ZX_ERR_NOT_FOUND if it has none.
static zx_status_t add_reg(const struct fdt *f, uint32_t parent, uint32_t node,
                           struct mem_range *ranges, size_t *count, size_t max,
                           size_t *dropped) {
  struct fdt_reg_iter it;
  zx_status_t st = fdt_reg_begin(f, parent, node, &it);
  uint64_t base, size;
  while (st == ZX_OK && fdt_reg_next(&it, &base, &size))
    st = add_range(ranges, count, max, dropped, base, size);
  return st;
}

static zx_status_t read_ram(const struct fdt *f, struct bootinfo *bi) {
  uint32_t root = fdt_root(f), node;
  zx_status_t st;
  for (st = fdt_first_child(f, root, &node); st == ZX_OK;
       st = fdt_next_sibling(f, node, &node)) {
    if (!fdt_prop_has_string(f, node, "device_type", "memory")) continue;
    zx_status_t rst = add_reg(f, root, node, bi->ram, &bi->ram_count, BOOTINFO_MAX_RAM,
                              &bi->ram_dropped);
    if (rst != ZX_OK && rst != ZX_ERR_NOT_FOUND) return rst;
  }
  return st == ZX_ERR_NOT_FOUND ? ZX_OK : st;
}

static zx_status_t read_reserved(const struct fdt *f, struct bootinfo *bi) {
  for (uint32_t i = 0; i < fdt_memreserve_count(f); i++) {
    uint64_t base, size;
    zx_status_t st = fdt_memreserve(f, i, &base, &size);
    if (st == ZX_OK)
      st = add_range(bi->reserved, &bi->reserved_count, BOOTINFO_MAX_RESERVED, NULL, base,
                     size);
    if (st != ZX_OK) return st;
  }
  uint32_t rm, node;
  zx_status_t st = fdt_find_node(f, "/reserved-memory", &rm);
  if (st == ZX_ERR_NOT_FOUND) return ZX_OK;
  if (st != ZX_OK) return st;
  // Children without reg are pools the OS may place anywhere ("size" only): skipped.
  for (st = fdt_first_child(f, rm, &node); st == ZX_OK;
       st = fdt_next_sibling(f, node, &node)) {
    zx_status_t rst = add_reg(f, rm, node, bi->reserved, &bi->reserved_count,
                              BOOTINFO_MAX_RESERVED, NULL);
    if (rst != ZX_OK && rst != ZX_ERR_NOT_FOUND) return rst;
  }
  return st == ZX_ERR_NOT_FOUND ? ZX_OK : st;
}

static zx_status_t read_cpu(const struct fdt *f, uint32_t cpus, uint32_t node,
                            struct bootinfo_cpu *cpu) {
  struct fdt_reg_iter it;
  uint64_t size;
  zx_status_t st = fdt_reg_begin(f, cpus, node, &it);
  if (st == ZX_ERR_NOT_FOUND) return ZX_ERR_INVALID_ARGS;  // a CPU must have an MPIDR
  if (st != ZX_OK) return st;
  if (!fdt_reg_next(&it, &cpu->mpidr, &size)) return ZX_ERR_INVALID_ARGS;

  const char *method = fdt_get_string(f, node, "enable-method");
  if (!method) {
    cpu->enable_method = CPU_ENABLE_NONE;
  } else if (strcmp(method, "psci") == 0) {
    cpu->enable_method = CPU_ENABLE_PSCI;
  } else if (strcmp(method, "spin-table") == 0) {
    cpu->enable_method = CPU_ENABLE_SPIN_TABLE;
  } else {
    cpu->enable_method = CPU_ENABLE_OTHER;
  }

  st = fdt_get_u64(f, node, "cpu-release-addr", &cpu->release_addr);
  if (st == ZX_ERR_NOT_FOUND) return ZX_OK;
  if (st != ZX_OK) return st;
  cpu->has_release_addr = true;
  return ZX_OK;
}

static zx_status_t read_cpus(const struct fdt *f, struct bootinfo *bi) {
  uint32_t cpus, node;
  zx_status_t st = fdt_find_node(f, "/cpus", &cpus);
  if (st == ZX_ERR_NOT_FOUND) return ZX_OK;
  if (st != ZX_OK) return st;
  // Other children (cpu-map, l2-cache) have no device_type "cpu".
  for (st = fdt_first_child(f, cpus, &node); st == ZX_OK;
       st = fdt_next_sibling(f, node, &node)) {
    if (!fdt_prop_has_string(f, node, "device_type", "cpu")) continue;
    struct bootinfo_cpu cpu = {0};
    zx_status_t cst = read_cpu(f, cpus, node, &cpu);
    if (cst != ZX_OK) return cst;
    if (bi->cpu_count == BOOTINFO_MAX_CPUS) {
      bi->cpus_dropped++;
    } else {
      bi->cpus[bi->cpu_count++] = cpu;
    }
  }
  return st == ZX_ERR_NOT_FOUND ? ZX_OK : st;
}

static zx_status_t read_psci(const struct fdt *f, struct bootinfo *bi) {
  uint32_t psci;
  zx_status_t st = fdt_find_node(f, "/psci", &psci);
  if (st == ZX_ERR_NOT_FOUND) return ZX_OK;
  if (st != ZX_OK) return st;
  const char *method = fdt_get_string(f, psci, "method");
  if (method && strcmp(method, "hvc") == 0) bi->psci = PSCI_CONDUIT_HVC;
  if (method && strcmp(method, "smc") == 0) bi->psci = PSCI_CONDUIT_SMC;
  return ZX_OK;
}

// Copies a string property, which may lack its NUL, truncating to the buffer.
static void copy_prop_string(char *dst, size_t cap, const struct fdt *f, uint32_t node,
                             const char *name) {
  uint32_t len;
  const char *v = fdt_get_prop(f, node, name, &len);
  size_t n = 0;
  if (v) {
    n = len < cap - 1 ? len : cap - 1;
    const char *nul = memchr(v, 0, n);
    if (nul) n = (size_t)(nul - v);
    memcpy(dst, v, n);
  }
  dst[n] = '\0';
}

static zx_status_t read_strings(const struct fdt *f, struct bootinfo *bi) {
  copy_prop_string(bi->model, sizeof bi->model, f, fdt_root(f), "model");
  uint32_t chosen;
  zx_status_t st = fdt_find_node(f, "/chosen", &chosen);
  if (st == ZX_ERR_NOT_FOUND) return ZX_OK;
  if (st != ZX_OK) return st;
  copy_prop_string(bi->bootargs, sizeof bi->bootargs, f, chosen, "bootargs");
  return ZX_OK;
}

zx_status_t bootinfo_from_fdt(const void *blob, size_t max_size, struct bootinfo *out) {
  if (!out) return ZX_ERR_INVALID_ARGS;
  memset(out, 0, sizeof *out);
  struct fdt f;
  zx_status_t st = fdt_open(&f, blob, max_size);
  if (st == ZX_OK) out->fdt_size = f.total_size;
  if (st == ZX_OK) st = read_ram(&f, out);
  if (st == ZX_OK) st = read_reserved(&f, out);
  if (st == ZX_OK) st = read_cpus(&f, out);
  if (st == ZX_OK) st = read_psci(&f, out);
  if (st == ZX_OK) st = read_strings(&f, out);
  if (st != ZX_OK) memset(out, 0, sizeof *out);
  return st;
}

// ---- Free ranges ----

struct span {
  uint64_t start, end;  // [start, end); end saturates at UINT64_MAX
};

static struct span to_span(const struct mem_range *r) {
  uint64_t end = r->size > UINT64_MAX - r->base ? UINT64_MAX : r->base + r->size;
  return (struct span){r->base, end};
}

// The i-th range to cut out of RAM: the reserved ones, then the extra ones.
static struct span removal(const struct bootinfo *bi, const struct mem_range *extra,
                           size_t i) {
  size_t nres = bi->reserved_count < BOOTINFO_MAX_RESERVED ? bi->reserved_count
                                                           : BOOTINFO_MAX_RESERVED;
  return to_span(i < nres ? &bi->reserved[i] : &extra[i - nres]);
}

// RAM as sorted, merged spans (overlapping or touching ranges become one).
static size_t sorted_ram(const struct bootinfo *bi, struct span *ram) {
  size_t n = 0, count = bi->ram_count < BOOTINFO_MAX_RAM ? bi->ram_count : BOOTINFO_MAX_RAM;
  for (size_t i = 0; i < count; i++) {
    if (bi->ram[i].size == 0) continue;
    struct span s = to_span(&bi->ram[i]);
    size_t j = n++;
    for (; j > 0 && ram[j - 1].start > s.start; j--) ram[j] = ram[j - 1];
    ram[j] = s;
  }
  size_t merged = 0;
  for (size_t i = 0; i < n; i++) {
    if (merged > 0 && ram[i].start <= ram[merged - 1].end) {
      if (ram[i].end > ram[merged - 1].end) ram[merged - 1].end = ram[i].end;
    } else {
      ram[merged++] = ram[i];
    }
  }
  return merged;
}

size_t bootinfo_free_ranges(const struct bootinfo *bi, const struct mem_range *extra,
                            size_t extra_count, struct mem_range *out, size_t max) {
  const uint64_t page = PAGE_SIZE;
  struct span ram[BOOTINFO_MAX_RAM];
  size_t nram = sorted_ram(bi, ram), written = 0;
  size_t nremove = (bi->reserved_count < BOOTINFO_MAX_RESERVED ? bi->reserved_count
                                                               : BOOTINFO_MAX_RESERVED) +
                   (extra ? extra_count : 0);
  for (size_t i = 0; i < nram; i++) {
    uint64_t cur = ram[i].start, end = ram[i].end;
    while (cur < end) {
      // Jump past every removal that covers cur; each jump moves cur forward.
      bool moved = true;
      while (moved && cur < end) {
        moved = false;
        for (size_t k = 0; k < nremove; k++) {
          struct span r = removal(bi, extra, k);
          if (r.start <= cur && cur < r.end) {
            cur = r.end;
            moved = true;
          }
        }
      }
      if (cur >= end) break;
      // cur is free up to the nearest removal that starts after it.
      uint64_t stop = end;
      for (size_t k = 0; k < nremove; k++) {
        struct span r = removal(bi, extra, k);
        if (r.start < r.end && r.start > cur && r.start < stop) stop = r.start;
      }
      if (cur <= UINT64_MAX - (page - 1)) {
        uint64_t lo = (cur + page - 1) & ~(page - 1), hi = stop & ~(page - 1);
        if (lo < hi && written < max) {
          out[written].base = lo;
          out[written].size = hi - lo;
          written++;
        }
      }
      cur = stop;
    }
  }
  return written;
}
