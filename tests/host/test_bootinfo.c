// Tests of bootinfo_from_fdt on the fixtures (and the real Pi 4 blob when present),
// on fixtures patched in place to be malformed, and of bootinfo_free_ranges against a
// page-by-page reference.
#include <stdlib.h>
#include <string.h>

#include <janus/bootinfo.h>
#include "../../lib/fdt.h"
#include "test.h"

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "build/host/fixtures"
#endif

void *fdt_test_read_file(const char *path, size_t *size);  // test_fdt.c

static uint64_t rng_state;
static uint64_t rng(void) { return test_rng_next(&rng_state); }

static struct bootinfo bi;  // big (bootargs): not on the stack

TEST(bootinfo_qemu_virt) {
  size_t size;
  void *blob = fdt_test_read_file(FIXTURE_DIR "/qemu-virt.dtb", &size);
  ASSERT(blob);
  ASSERT(bootinfo_from_fdt(blob, size, &bi) == ZX_OK);
  EXPECT_EQ(bi.ram_count, 1);
  EXPECT_EQ(bi.ram[0].base, 0x40000000);
  EXPECT_EQ(bi.ram[0].size, 0x40000000);
  EXPECT_EQ(bi.ram_dropped, 0);
  EXPECT_EQ(bi.reserved_count, 0);
  EXPECT_EQ(bi.cpu_count, 4);
  for (size_t i = 0; i < 4; i++) {
    EXPECT_EQ(bi.cpus[i].mpidr, i);
    EXPECT_EQ(bi.cpus[i].enable_method, CPU_ENABLE_PSCI);
    EXPECT(!bi.cpus[i].has_release_addr);
  }
  EXPECT_EQ(bi.psci, PSCI_CONDUIT_HVC);
  EXPECT_EQ(strcmp(bi.bootargs, "console=ttyAMA0 janus.test=1"), 0);
  EXPECT_EQ(strcmp(bi.model, "linux,dummy-virt"), 0);
  // Boot entropy: rng-seed's 32 bytes, then kaslr-seed's 8; no RNG200.
  EXPECT_EQ(bi.entropy_len, 40);
  EXPECT_EQ(bi.entropy[0], 0x00);
  EXPECT_EQ(bi.entropy[31], 0x1f);
  EXPECT_EQ(bi.entropy[32], 0xa1);
  EXPECT_EQ(bi.entropy[39], 0xb4);
  EXPECT(!bi.rng200);
  free(blob);
}

TEST(bootinfo_rpi4) {
  size_t size;
  void *blob = fdt_test_read_file(FIXTURE_DIR "/rpi4.dtb", &size);
  ASSERT(blob);
  ASSERT(bootinfo_from_fdt(blob, size, &bi) == ZX_OK);
  EXPECT_EQ(bi.ram_count, 2);
  EXPECT_EQ(bi.ram[0].base, 0);
  EXPECT_EQ(bi.ram[0].size, 0x3b400000);
  EXPECT_EQ(bi.ram[1].base, 0x40000000);
  EXPECT_EQ(bi.ram[1].size, 0xbc000000);
  // /memreserve/ first, then the one reserved-memory child with a reg.
  EXPECT_EQ(bi.reserved_count, 2);
  EXPECT_EQ(bi.reserved[0].base, 0);
  EXPECT_EQ(bi.reserved[0].size, 0x1000);
  EXPECT_EQ(bi.reserved[1].base, 0x3b300000);
  EXPECT_EQ(bi.reserved[1].size, 0x100000);
  EXPECT_EQ(bi.cpu_count, 4);
  for (size_t i = 0; i < 4; i++) {
    EXPECT_EQ(bi.cpus[i].mpidr, i);
    EXPECT_EQ(bi.cpus[i].enable_method, CPU_ENABLE_SPIN_TABLE);
    EXPECT(bi.cpus[i].has_release_addr);
    EXPECT_EQ(bi.cpus[i].release_addr, 0xd8 + 8 * i);
  }
  EXPECT_EQ(bi.psci, PSCI_CONDUIT_NONE);
  EXPECT_EQ(strcmp(bi.bootargs, "coherent_pool=1M 8250.nr_uarts=1 console=ttyS0,115200"), 0);
  EXPECT_EQ(strcmp(bi.model, "Raspberry Pi 4 Model B"), 0);
  free(blob);
}

TEST(bootinfo_real_rpi4_blob) {
  size_t size;
  void *blob = fdt_test_read_file("build/deps/dtb/bcm2711-rpi-4-b.dtb", &size);
  if (!blob) return;  // not downloaded: nothing to check
  ASSERT(bootinfo_from_fdt(blob, size, &bi) == ZX_OK);
  EXPECT_EQ(bi.cpu_count, 4);
  for (size_t i = 0; i < bi.cpu_count; i++) {
    EXPECT_EQ(bi.cpus[i].mpidr, i);
    EXPECT_EQ(bi.cpus[i].enable_method, CPU_ENABLE_SPIN_TABLE);
    EXPECT(bi.cpus[i].has_release_addr);
    EXPECT_EQ(bi.cpus[i].release_addr, 0xd8 + 8 * i);
  }
  // The firmware fills in memory@0's reg (size 0 here) at boot.
  EXPECT_EQ(bi.ram_count, 0);
  EXPECT_EQ(bi.reserved_count, 1);  // page 0; the nvram reg has size 0
  EXPECT_EQ(bi.reserved[0].base, 0);
  EXPECT_EQ(bi.reserved[0].size, 0x1000);
  EXPECT_EQ(bi.psci, PSCI_CONDUIT_NONE);
  EXPECT_EQ(strcmp(bi.model, "Raspberry Pi 4 Model B"), 0);
  EXPECT(bi.rng200);  // /soc/rng@7e104000, brcm,bcm2711-rng200
  free(blob);
}

TEST(bootinfo_edge_cases) {
  size_t size;
  void *blob = fdt_test_read_file(FIXTURE_DIR "/edge.dtb", &size);
  ASSERT(blob);
  ASSERT(bootinfo_from_fdt(blob, size, &bi) == ZX_OK);
  // memory@0 has 20 ranges, one of size 0; memory@80000000 two more; the memory
  // node under /soc is not at the root level.
  EXPECT_EQ(bi.ram_count, BOOTINFO_MAX_RAM);
  EXPECT_EQ(bi.ram_dropped, 5);
  for (size_t i = 0; i < bi.ram_count; i++) {
    size_t entry = i < 5 ? i : i + 1;
    EXPECT_EQ(bi.ram[i].base, entry * 0x100000);
    EXPECT_EQ(bi.ram[i].size, (entry + 1) * 0x1000);
  }
  EXPECT_EQ(bi.reserved_count, 3);
  EXPECT_EQ(bi.reserved[0].base, 0x20000);
  EXPECT_EQ(bi.reserved[1].base, 0x30000);
  EXPECT_EQ(bi.reserved[2].base, 0x40000);
  EXPECT_EQ(bi.reserved[2].size, 0x2000);
  EXPECT_EQ(bi.cpu_count, BOOTINFO_MAX_CPUS);
  EXPECT_EQ(bi.cpus_dropped, 2);
  EXPECT_EQ(bi.cpus[0].mpidr, 0);
  EXPECT_EQ(bi.cpus[0].enable_method, CPU_ENABLE_SPIN_TABLE);
  EXPECT(bi.cpus[0].has_release_addr);
  EXPECT_EQ(bi.cpus[0].release_addr, 0x8000);  // one cell
  EXPECT_EQ(bi.cpus[1].mpidr, 0x100);
  EXPECT_EQ(bi.cpus[1].enable_method, CPU_ENABLE_NONE);
  EXPECT_EQ(bi.cpus[2].enable_method, CPU_ENABLE_OTHER);
  EXPECT_EQ(bi.cpus[7].mpidr, 0x700);
  EXPECT_EQ(bi.cpus[7].enable_method, CPU_ENABLE_PSCI);
  EXPECT_EQ(bi.psci, PSCI_CONDUIT_SMC);
  EXPECT_EQ(strlen(bi.bootargs), BOOTINFO_BOOTARGS_LEN - 1);
  EXPECT_EQ(bi.bootargs[0], 'a');
  EXPECT_EQ(bi.bootargs[510], 'a' + 510 % 26);
  EXPECT_EQ(strcmp(bi.model, ""), 0);
  free(blob);
}

TEST(bootinfo_too_many_reserved) {
  size_t size;
  void *blob = fdt_test_read_file(FIXTURE_DIR "/many-reserved.dtb", &size);
  ASSERT(blob);
  memset(&bi, 0xa5, sizeof bi);
  EXPECT_EQ(bootinfo_from_fdt(blob, size, &bi), ZX_ERR_NO_RESOURCES);
  EXPECT_EQ(bi.ram_count, 0);  // cleared on failure
  EXPECT_EQ(bootinfo_from_fdt(NULL, size, &bi), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(bootinfo_from_fdt(blob, size, NULL), ZX_ERR_INVALID_ARGS);
  free(blob);
}

// ---- Fixtures patched in place ----

// The writable value of a property (its length word is 8 bytes before it).
static uint8_t *prop_value(uint8_t *blob, size_t size, const char *path, const char *name) {
  struct fdt f;
  uint32_t node, len;
  if (fdt_open(&f, blob, size) != ZX_OK || fdt_find_node(&f, path, &node) != ZX_OK)
    return NULL;
  return (uint8_t *)fdt_get_prop(&f, node, name, &len);
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

// Loads fixture `name`, lets patch() change it, and returns bootinfo's verdict.
static zx_status_t patched(const char *name, void (*patch)(uint8_t *, size_t)) {
  char path[128];
  size_t size;
  snprintf(path, sizeof path, FIXTURE_DIR "/%s", name);
  uint8_t *blob = fdt_test_read_file(path, &size);
  if (!blob) return 12345;
  patch(blob, size);
  zx_status_t st = bootinfo_from_fdt(blob, size, &bi);
  free(blob);
  return st;
}

static void root_size_cells_1(uint8_t *b, size_t n) {
  put32(prop_value(b, n, "/", "#size-cells"), 1);  // 16-byte reg, 12-byte entries
}
static void root_address_cells_3(uint8_t *b, size_t n) {
  put32(prop_value(b, n, "/", "#address-cells"), 3);
}
static void cpus_address_cells_0(uint8_t *b, size_t n) {
  put32(prop_value(b, n, "/cpus", "#address-cells"), 0);
}
static void cpu_without_reg(uint8_t *b, size_t n) {
  // Rename cpu@1's reg to "compatible" by pointing at that name.
  uint8_t *compat = prop_value(b, n, "/cpus/cpu@1", "compatible");
  uint8_t *reg = prop_value(b, n, "/cpus/cpu@1", "reg");
  memcpy(reg - 4, compat - 4, 4);
}
static void release_addr_15_bytes(uint8_t *b, size_t n) {
  // cpu@2's compatible (15 bytes) renamed cpu-release-addr comes first.
  uint8_t *compat = prop_value(b, n, "/cpus/cpu@2", "compatible");
  uint8_t *rel = prop_value(b, n, "/cpus/cpu@2", "cpu-release-addr");
  memcpy(compat - 4, rel - 4, 4);
}
static void memory_wraps(uint8_t *b, size_t n) {
  uint8_t *reg = prop_value(b, n, "/memory", "reg");
  put32(reg, 0xffffffff);
  put32(reg + 4, 0xfffff000);
  put32(reg + 8, 0);
  put32(reg + 12, 0x2000);
}
static void memory_ends_at_top(uint8_t *b, size_t n) {
  uint8_t *reg = prop_value(b, n, "/memory", "reg");
  put32(reg, 0xffffffff);
  put32(reg + 4, 0xfffff000);
  put32(reg + 8, 0);
  put32(reg + 12, 0xfff);
}
static void model_unterminated(uint8_t *b, size_t n) {
  uint8_t *model = prop_value(b, n, "/", "model");
  model[strlen((char *)model)] = 'X';
}
static void psci_smc(uint8_t *b, size_t n) {
  memcpy(prop_value(b, n, "/psci", "method"), "smc", 3);
}
static void psci_other(uint8_t *b, size_t n) {
  memcpy(prop_value(b, n, "/psci", "method"), "hv", 3);
}
static void cpu_method_other(uint8_t *b, size_t n) {
  memcpy(prop_value(b, n, "/cpus/cpu@3", "enable-method"), "pscx", 4);
}
static void no_memory_type(uint8_t *b, size_t n) {
  memcpy(prop_value(b, n, "/memory", "device_type"), "memorx", 6);
}

TEST(bootinfo_malformed_fixtures) {
  EXPECT_EQ(patched("qemu-virt.dtb", root_size_cells_1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(patched("qemu-virt.dtb", root_address_cells_3), ZX_ERR_NOT_SUPPORTED);
  EXPECT_EQ(patched("qemu-virt.dtb", cpus_address_cells_0), ZX_ERR_NOT_SUPPORTED);
  EXPECT_EQ(patched("qemu-virt.dtb", cpu_without_reg), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(patched("rpi4.dtb", release_addr_15_bytes), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(patched("qemu-virt.dtb", memory_wraps), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(bi.ram_count, 0);
  EXPECT_EQ(patched("qemu-virt.dtb", memory_ends_at_top), ZX_OK);
  EXPECT_EQ(bi.ram[0].size, 0xfff);
}

TEST(bootinfo_patched_values) {
  EXPECT_EQ(patched("qemu-virt.dtb", model_unterminated), ZX_OK);
  EXPECT_EQ(strcmp(bi.model, "linux,dummy-virtX"), 0);
  EXPECT_EQ(patched("qemu-virt.dtb", psci_smc), ZX_OK);
  EXPECT_EQ(bi.psci, PSCI_CONDUIT_SMC);
  EXPECT_EQ(patched("qemu-virt.dtb", psci_other), ZX_OK);
  EXPECT_EQ(bi.psci, PSCI_CONDUIT_NONE);
  EXPECT_EQ(patched("qemu-virt.dtb", cpu_method_other), ZX_OK);
  EXPECT_EQ(bi.cpus[3].enable_method, CPU_ENABLE_OTHER);
  EXPECT_EQ(bi.cpus[2].enable_method, CPU_ENABLE_PSCI);
  EXPECT_EQ(patched("qemu-virt.dtb", no_memory_type), ZX_OK);
  EXPECT_EQ(bi.ram_count, 0);
}

// Whatever bootinfo accepts must be self-consistent.
static void check_sane(void) {
  EXPECT(bi.ram_count <= BOOTINFO_MAX_RAM);
  EXPECT(bi.reserved_count <= BOOTINFO_MAX_RESERVED);
  EXPECT(bi.cpu_count <= BOOTINFO_MAX_CPUS);
  EXPECT(memchr(bi.bootargs, 0, sizeof bi.bootargs) != NULL);
  EXPECT(memchr(bi.model, 0, sizeof bi.model) != NULL);
  for (size_t i = 0; i < bi.ram_count; i++) {
    EXPECT(bi.ram[i].size != 0);
    EXPECT(bi.ram[i].size <= UINT64_MAX - bi.ram[i].base);
  }
  struct mem_range out[32];
  size_t n = bootinfo_free_ranges(&bi, NULL, 0, out, 32);
  for (size_t i = 0; i < n; i++) EXPECT(out[i].size != 0);
}

TEST(bootinfo_truncated_and_corrupted) {
  static const char *const names[] = {"qemu-virt.dtb", "rpi4.dtb", "edge.dtb"};
  rng_state = 0x2545f4914f6cdd1dull;
  for (size_t n = 0; n < 3; n++) {
    char path[128];
    size_t size;
    snprintf(path, sizeof path, FIXTURE_DIR "/%s", names[n]);
    uint8_t *blob = fdt_test_read_file(path, &size);
    ASSERT(blob);
    for (size_t len = 0; len < size; len++) {
      uint8_t *cut = malloc(len ? len : 1);
      memcpy(cut, blob, len);
      EXPECT(bootinfo_from_fdt(cut, len, &bi) != ZX_OK);
      free(cut);
    }
    int accepted = 0;
    for (int i = 0; i < 2000; i++) {
      uint8_t *bad = malloc(size);
      memcpy(bad, blob, size);
      for (int k = 1 + (int)(rng() % 3); k > 0; k--)
        bad[rng() % size] ^= (uint8_t)(1u << (rng() % 8));
      if (bootinfo_from_fdt(bad, size, &bi) == ZX_OK) {
        accepted++;
        check_sane();
      }
      free(bad);
    }
    EXPECT(accepted > 0);
    free(blob);
  }
}

// ---- Free ranges ----

static void set_ranges(struct mem_range *dst, size_t *count, const struct mem_range *src,
                       size_t n) {
  memcpy(dst, src, n * sizeof *src);
  *count = n;
}

#define RANGES(...) ((const struct mem_range[]){__VA_ARGS__})

static void expect_ranges(int line, const struct mem_range *got, size_t n,
                          const struct mem_range *want, size_t want_n) {
  char what[160];
  if (n != want_n) {
    snprintf(what, sizeof what, "%zu free ranges, got %zu", want_n, n);
    test_fail(__FILE__, line, what);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    if (got[i].base != want[i].base || got[i].size != want[i].size) {
      snprintf(what, sizeof what, "range %zu = [0x%llx +0x%llx], got [0x%llx +0x%llx]", i,
               (unsigned long long)want[i].base, (unsigned long long)want[i].size,
               (unsigned long long)got[i].base, (unsigned long long)got[i].size);
      test_fail(__FILE__, line, what);
    }
  }
}

TEST(bootinfo_free_ranges_fixtures) {
  size_t size;
  struct mem_range out[16];
  void *blob = fdt_test_read_file(FIXTURE_DIR "/qemu-virt.dtb", &size);
  ASSERT(blob);
  ASSERT(bootinfo_from_fdt(blob, size, &bi) == ZX_OK);
  // The kernel image, and an unaligned blob, cut out.
  const struct mem_range extra[] = {{0x40080000, 0x200000}, {0x48000100, 0x123}};
  size_t n = bootinfo_free_ranges(&bi, extra, 2, out, 16);
  expect_ranges(__LINE__, out, n,
                RANGES({0x40000000, 0x80000}, {0x40280000, 0x7d80000},
                       {0x48001000, 0x37fff000}),
                3);
  free(blob);

  blob = fdt_test_read_file(FIXTURE_DIR "/rpi4.dtb", &size);
  ASSERT(blob);
  ASSERT(bootinfo_from_fdt(blob, size, &bi) == ZX_OK);
  n = bootinfo_free_ranges(&bi, NULL, 0, out, 16);
  expect_ranges(__LINE__, out, n, RANGES({0x1000, 0x3b2ff000}, {0x40000000, 0xbc000000}), 2);
  free(blob);
}

TEST(bootinfo_free_ranges_cases) {
  struct mem_range out[16];
  size_t n;
  memset(&bi, 0, sizeof bi);
  // Unsorted, overlapping and touching RAM; unaligned edges.
  set_ranges(bi.ram, &bi.ram_count,
             RANGES({0x30000, 0x10000}, {0x10800, 0x8000}, {0x14000, 0x10000}, {0x24000, 0xc000},
                    {0x90000, 0x0}),
             5);
  n = bootinfo_free_ranges(&bi, NULL, 0, out, 16);
  expect_ranges(__LINE__, out, n, RANGES({0x11000, 0x2f000}), 1);
  // Reserved ranges overlapping each other, one spanning a gap between RAM ranges,
  // one covering a whole RAM range, one outside RAM, one of size 0.
  set_ranges(bi.ram, &bi.ram_count,
             RANGES({0x100000, 0x100000}, {0x300000, 0x100000}, {0x500000, 0x10000}), 3);
  set_ranges(bi.reserved, &bi.reserved_count,
             RANGES({0x180000, 0x10000}, {0x188000, 0x10000}, {0x1f0000, 0x120000},
                    {0x4ff000, 0x20000}, {0x900000, 0x1000}, {0x120000, 0}),
             6);
  n = bootinfo_free_ranges(&bi, NULL, 0, out, 16);
  expect_ranges(__LINE__, out, n,
                RANGES({0x100000, 0x80000}, {0x198000, 0x58000}, {0x310000, 0xf0000}), 3);
  // Extra ranges in any order, one overflowing the address space.
  const struct mem_range extra[] = {{0x3f0000, 0x1}, {0x100000, 0x1000},
                                    {0xfffffffffffff000ull, 0x2000}, {0x3000ff, 0x7f01}};
  n = bootinfo_free_ranges(&bi, extra, 4, out, 16);
  expect_ranges(__LINE__, out, n,
                RANGES({0x101000, 0x7f000}, {0x198000, 0x58000}, {0x310000, 0xe0000},
                       {0x3f1000, 0xf000}),
                4);
  // Only as many as fit.
  n = bootinfo_free_ranges(&bi, extra, 4, out, 2);
  expect_ranges(__LINE__, out, n, RANGES({0x101000, 0x7f000}, {0x198000, 0x58000}), 2);
  EXPECT_EQ(bootinfo_free_ranges(&bi, extra, 4, out, 0), 0);
  // Everything reserved.
  set_ranges(bi.reserved, &bi.reserved_count, RANGES({0, UINT64_MAX}), 1);
  EXPECT_EQ(bootinfo_free_ranges(&bi, NULL, 0, out, 16), 0);
  // RAM up to the top of the address space.
  bi.reserved_count = 0;
  set_ranges(bi.ram, &bi.ram_count, RANGES({0xffffffffffff0000ull, 0xffff}), 1);
  n = bootinfo_free_ranges(&bi, NULL, 0, out, 16);
  expect_ranges(__LINE__, out, n, RANGES({0xffffffffffff0000ull, 0xf000}), 1);
}

// Random ranges in 256-byte units over 128 pages, against a unit-by-unit model.
#define UNIT 256u
#define UNITS (128u * 4096u / UNIT)

static void mark(uint8_t *map, const struct mem_range *r, uint8_t bit) {
  for (uint64_t u = r->base / UNIT; u < (r->base + r->size) / UNIT && u < UNITS; u++)
    map[u] |= bit;
}

static struct mem_range random_range(void) {
  uint64_t base = (rng() % (UNITS * 3 / 4)) * UNIT;
  return (struct mem_range){base, (rng() % 160) * UNIT};
}

TEST(bootinfo_free_ranges_random) {
  rng_state = 0x853c49e6748fea9bull;
  for (int iter = 0; iter < 3000; iter++) {
    memset(&bi, 0, sizeof bi);
    static uint8_t map[UNITS];
    memset(map, 0, sizeof map);
    struct mem_range extra[4];
    size_t nextra = rng() % 5;
    bi.ram_count = 1 + rng() % 6;
    bi.reserved_count = rng() % 7;
    for (size_t i = 0; i < bi.ram_count; i++) {
      bi.ram[i] = random_range();
      mark(map, &bi.ram[i], 1);
    }
    for (size_t i = 0; i < bi.reserved_count; i++) {
      bi.reserved[i] = random_range();
      mark(map, &bi.reserved[i], 2);
    }
    for (size_t i = 0; i < nextra; i++) {
      extra[i] = random_range();
      mark(map, &extra[i], 2);
    }
    struct mem_range out[16];
    size_t n = bootinfo_free_ranges(&bi, extra, nextra, out, 16);
    ASSERT(n <= 16);
    static uint8_t got[128];
    memset(got, 0, sizeof got);
    for (size_t i = 0; i < n; i++) {
      ASSERT(out[i].size > 0 && out[i].base % 4096 == 0 && out[i].size % 4096 == 0);
      ASSERT(i == 0 || out[i].base > out[i - 1].base + out[i - 1].size - 1);
      for (uint64_t p = out[i].base / 4096; p < (out[i].base + out[i].size) / 4096; p++) {
        ASSERT(p < 128);
        got[p] = 1;
      }
    }
    for (unsigned p = 0; p < 128; p++) {
      uint8_t want = 1;
      for (unsigned u = p * 16; u < p * 16 + 16; u++) want &= map[u] == 1;
      if (got[p] != want) {
        char what[64];
        snprintf(what, sizeof what, "iteration %d page %u free=%d", iter, p, want);
        test_fail(__FILE__, __LINE__, what);
        return;
      }
    }
  }
}

// An 8 GiB Pi 4: four ranges, two of them above 4 GiB (the root's #size-cells is 1),
// and the hole for the peripherals at 0xfc000000-0xffffffff stays out of RAM.
TEST(bootinfo_rpi4_8gib_layout) {
  size_t size;
  struct mem_range out[16];
  void *blob = fdt_test_read_file(FIXTURE_DIR "/rpi4-8g.dtb", &size);
  ASSERT(blob);
  ASSERT(bootinfo_from_fdt(blob, size, &bi) == ZX_OK);
  EXPECT_EQ(bi.ram_count, 4);
  EXPECT_EQ(bi.ram[2].base, 0x100000000ULL);
  EXPECT_EQ(bi.ram[2].size, 0x80000000ULL);
  EXPECT_EQ(bi.ram[3].base, 0x180000000ULL);
  EXPECT_EQ(bi.ram[3].size, 0x80000000ULL);
  EXPECT_EQ(bi.ram_dropped, 0);
  size_t n = bootinfo_free_ranges(&bi, NULL, 0, out, 16);
  expect_ranges(__LINE__, out, n,
                RANGES({0x1000, 0x3b2ff000}, {0x40000000, 0xbc000000},
                       {0x100000000ULL, 0x100000000ULL}),
                3);
  free(blob);
}
