// Tests of the device tree reader: the dtc-built fixtures, hand-made malformed blobs,
// and truncated / randomly corrupted copies of the fixtures. Blobs under test sit in
// heap buffers of exactly their size, so ASan catches any read past the end.
#include <stdlib.h>
#include <string.h>

#include "../../lib/fdt.h"
#include "test.h"
#include "lib/hash.h"

#ifndef FIXTURE_DIR
#define FIXTURE_DIR "build/host/fixtures"
#endif

// Reads a whole file into an exactly-sized heap buffer; NULL if it cannot.
// Shared with test_bootinfo.c.
void *fdt_test_read_file(const char *path, size_t *size) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return NULL;
  uint8_t *buf = NULL;
  long len = -1;
  if (fseek(fp, 0, SEEK_END) == 0) len = ftell(fp);
  if (len > 0 && fseek(fp, 0, SEEK_SET) == 0) {
    buf = malloc((size_t)len);
    if (buf && fread(buf, 1, (size_t)len, fp) != (size_t)len) {
      free(buf);
      buf = NULL;
    }
  }
  fclose(fp);
  if (buf) *size = (size_t)len;
  return buf;
}

static uint64_t rng_state;
static uint64_t rng(void) { return test_rng_next(&rng_state); }

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)(v >> 24);
  p[1] = (uint8_t)(v >> 16);
  p[2] = (uint8_t)(v >> 8);
  p[3] = (uint8_t)v;
}

static void *dup_blob(const void *blob, size_t size) {
  void *copy = malloc(size ? size : 1);
  memcpy(copy, blob, size);
  return copy;
}

// ---- The fixtures ----

static const char *child_names(const struct fdt *f, uint32_t node, char *buf, size_t cap) {
  uint32_t child;
  buf[0] = '\0';
  for (zx_status_t st = fdt_first_child(f, node, &child); st == ZX_OK;
       st = fdt_next_sibling(f, child, &child)) {
    const char *name = fdt_node_name(f, child);
    if (buf[0]) strncat(buf, " ", cap - strlen(buf) - 1);
    strncat(buf, name ? name : "?", cap - strlen(buf) - 1);
  }
  return buf;
}

TEST(fdt_virt_tree_walk) {
  size_t size;
  void *blob = fdt_test_read_file(FIXTURE_DIR "/qemu-virt.dtb", &size);
  ASSERT(blob);
  struct fdt f;
  EXPECT_EQ(fdt_open(&f, blob, size), ZX_OK);
  char names[256];
  EXPECT_EQ(strcmp(fdt_node_name(&f, fdt_root(&f)), ""), 0);
  EXPECT_EQ(strcmp(child_names(&f, fdt_root(&f), names, sizeof names),
                   "psci memory@40000000 cpus intc@8000000 pl011@9000000 chosen"),
            0);
  uint32_t cpus, node, parent;
  ASSERT(fdt_find_node(&f, "/cpus", &cpus) == ZX_OK);
  EXPECT_EQ(strcmp(child_names(&f, cpus, names, sizeof names),
                   "cpu-map cpu@0 cpu@1 cpu@2 cpu@3"),
            0);
  EXPECT_EQ(fdt_find_node(&f, "/cpus/cpu@2", &node), ZX_OK);
  EXPECT_EQ(strcmp(fdt_node_name(&f, node), "cpu@2"), 0);
  EXPECT_EQ(fdt_parent(&f, node, &parent), ZX_OK);
  EXPECT_EQ(parent, cpus);
  EXPECT_EQ(fdt_parent(&f, cpus, &parent), ZX_OK);
  EXPECT_EQ(parent, fdt_root(&f));
  EXPECT_EQ(fdt_parent(&f, fdt_root(&f), &parent), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(fdt_find_node(&f, "/cpus/cpu-map/cluster0/core3", &node), ZX_OK);
  EXPECT_EQ(strcmp(fdt_node_name(&f, node), "core3"), 0);
  EXPECT_EQ(fdt_first_child(&f, node, &node), ZX_ERR_NOT_FOUND);
  free(blob);
}

TEST(fdt_path_matching) {
  size_t size;
  void *blob = fdt_test_read_file(FIXTURE_DIR "/qemu-virt.dtb", &size);
  ASSERT(blob);
  struct fdt f;
  ASSERT(fdt_open(&f, blob, size) == ZX_OK);
  uint32_t node;
  EXPECT_EQ(fdt_find_node(&f, "/", &node), ZX_OK);
  EXPECT_EQ(node, fdt_root(&f));
  EXPECT_EQ(fdt_find_node(&f, "/memory", &node), ZX_OK);  // any unit address
  EXPECT_EQ(strcmp(fdt_node_name(&f, node), "memory@40000000"), 0);
  EXPECT_EQ(fdt_find_node(&f, "/memory@40000000", &node), ZX_OK);
  EXPECT_EQ(fdt_find_node(&f, "/memory@0", &node), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(fdt_find_node(&f, "/memory@4000000", &node), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(fdt_find_node(&f, "/mem", &node), ZX_ERR_NOT_FOUND);  // no prefix match
  EXPECT_EQ(fdt_find_node(&f, "/cpus/cpu", &node), ZX_OK);        // the first one
  EXPECT_EQ(strcmp(fdt_node_name(&f, node), "cpu@0"), 0);
  EXPECT_EQ(fdt_find_node(&f, "//cpus//cpu@3/", &node), ZX_OK);
  EXPECT_EQ(strcmp(fdt_node_name(&f, node), "cpu@3"), 0);
  EXPECT_EQ(fdt_find_node(&f, "/cpus/nothing", &node), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(fdt_find_node(&f, "/chosen/x", &node), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(fdt_find_node(&f, "cpus", &node), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(fdt_find_node(&f, NULL, &node), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(fdt_subnode(&f, fdt_root(&f), "pl011", &node), ZX_OK);
  EXPECT_EQ(strcmp(fdt_node_name(&f, node), "pl011@9000000"), 0);
  free(blob);
}

TEST(fdt_virt_properties) {
  size_t size;
  void *blob = fdt_test_read_file(FIXTURE_DIR "/qemu-virt.dtb", &size);
  ASSERT(blob);
  struct fdt f;
  ASSERT(fdt_open(&f, blob, size) == ZX_OK);
  uint32_t root = fdt_root(&f), psci, gic, cpu, len, v32;
  uint64_t v64;
  EXPECT_EQ(strcmp(fdt_get_string(&f, root, "model"), "linux,dummy-virt"), 0);
  EXPECT_EQ(fdt_get_u32(&f, root, "#address-cells", &v32), ZX_OK);
  EXPECT_EQ(v32, 2);
  EXPECT_EQ(fdt_get_u32(&f, root, "model", &v32), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(fdt_get_u32(&f, root, "absent", &v32), ZX_ERR_NOT_FOUND);
  EXPECT(fdt_get_prop(&f, root, "absent", &len) == NULL);

  ASSERT(fdt_find_node(&f, "/psci", &psci) == ZX_OK);
  EXPECT_EQ(strcmp(fdt_get_string(&f, psci, "compatible"), "arm,psci-1.0"), 0);
  EXPECT(fdt_prop_has_string(&f, psci, "compatible", "arm,psci-0.2"));
  EXPECT(fdt_prop_has_string(&f, psci, "compatible", "arm,psci"));
  EXPECT(!fdt_prop_has_string(&f, psci, "compatible", "arm,psci-0"));
  EXPECT(!fdt_prop_has_string(&f, psci, "absent", "x"));
  EXPECT_EQ(strcmp(fdt_get_string(&f, psci, "method"), "hvc"), 0);
  // No #address-cells / #size-cells: the defaults.
  EXPECT_EQ(fdt_address_cells(&f, psci), 2);
  EXPECT_EQ(fdt_size_cells(&f, psci), 1);

  // Property iteration sees both, in order.
  uint32_t prop;
  const char *name;
  const void *value;
  ASSERT(fdt_first_prop(&f, psci, &prop) == ZX_OK);
  EXPECT_EQ(fdt_prop_info(&f, prop, &name, &value, &len), ZX_OK);
  EXPECT_EQ(strcmp(name, "compatible"), 0);
  EXPECT_EQ(len, sizeof "arm,psci-1.0" + sizeof "arm,psci-0.2" + sizeof "arm,psci");
  ASSERT(fdt_next_prop(&f, prop, &prop) == ZX_OK);
  EXPECT_EQ(fdt_prop_info(&f, prop, &name, &value, &len), ZX_OK);
  EXPECT_EQ(strcmp(name, "method"), 0);
  EXPECT_EQ(fdt_next_prop(&f, prop, &prop), ZX_ERR_NOT_FOUND);

  // A two-entry reg with 2+2 cells, and the same numbers through fdt_cell_at.
  ASSERT(fdt_find_node(&f, "/intc", &gic) == ZX_OK);
  struct fdt_reg_iter it;
  uint64_t base, rsize;
  ASSERT(fdt_reg_begin(&f, root, gic, &it) == ZX_OK);
  EXPECT(fdt_reg_next(&it, &base, &rsize));
  EXPECT_EQ(base, 0x8000000);
  EXPECT_EQ(rsize, 0x10000);
  EXPECT(fdt_reg_next(&it, &base, &rsize));
  EXPECT_EQ(base, 0x80a0000);
  EXPECT_EQ(rsize, 0xf60000);
  EXPECT(!fdt_reg_next(&it, &base, &rsize));
  const void *reg = fdt_get_prop(&f, gic, "reg", &len);
  EXPECT_EQ(len, 32);
  EXPECT_EQ(fdt_cell_at(reg, len, 2, 2, &v64), ZX_OK);
  EXPECT_EQ(v64, 0x80a0000);
  EXPECT_EQ(fdt_cell_at(reg, len, 1, 7, &v64), ZX_OK);
  EXPECT_EQ(v64, 0xf60000);
  EXPECT_EQ(fdt_cell_at(reg, len, 2, 4, &v64), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(fdt_cell_at(reg, len, 1, 8, &v64), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(fdt_cell_at(reg, len, 3, 0, &v64), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(fdt_reg_begin(&f, root, psci, &it), ZX_ERR_NOT_FOUND);

  // A CPU's reg is sized by /cpus (1 address cell, 0 size cells).
  uint32_t cpus;
  ASSERT(fdt_find_node(&f, "/cpus", &cpus) == ZX_OK);
  ASSERT(fdt_find_node(&f, "/cpus/cpu@3", &cpu) == ZX_OK);
  ASSERT(fdt_reg_begin(&f, cpus, cpu, &it) == ZX_OK);
  EXPECT(fdt_reg_next(&it, &base, &rsize));
  EXPECT_EQ(base, 3);
  EXPECT_EQ(rsize, 0);
  // Sized by the wrong parent (2+2 cells), 4 bytes are not a whole entry.
  EXPECT_EQ(fdt_reg_begin(&f, root, cpu, &it), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(fdt_memreserve_count(&f), 0);
  EXPECT_EQ(fdt_memreserve(&f, 0, &base, &rsize), ZX_ERR_NOT_FOUND);
  free(blob);
}

TEST(fdt_rpi4_memreserve_and_u64) {
  size_t size;
  void *blob = fdt_test_read_file(FIXTURE_DIR "/rpi4.dtb", &size);
  ASSERT(blob);
  struct fdt f;
  ASSERT(fdt_open(&f, blob, size) == ZX_OK);
  uint64_t base, rsize;
  EXPECT_EQ(fdt_memreserve_count(&f), 1);
  EXPECT_EQ(fdt_memreserve(&f, 0, &base, &rsize), ZX_OK);
  EXPECT_EQ(base, 0);
  EXPECT_EQ(rsize, 0x1000);
  EXPECT_EQ(fdt_memreserve(&f, 1, &base, &rsize), ZX_ERR_NOT_FOUND);
  uint32_t cpu;
  ASSERT(fdt_find_node(&f, "/cpus/cpu@1", &cpu) == ZX_OK);
  EXPECT_EQ(fdt_get_u64(&f, cpu, "cpu-release-addr", &base), ZX_OK);
  EXPECT_EQ(base, 0xe0);
  EXPECT_EQ(fdt_get_u64(&f, cpu, "reg", &base), ZX_OK);  // one cell also reads
  EXPECT_EQ(base, 1);
  EXPECT_EQ(fdt_get_u64(&f, cpu, "enable-method", &base), ZX_ERR_INVALID_ARGS);
  // An empty property is there, with length 0.
  uint32_t cma, len = 99;
  ASSERT(fdt_find_node(&f, "/reserved-memory/linux,cma", &cma) == ZX_OK);
  EXPECT(fdt_get_prop(&f, cma, "reusable", &len) != NULL);
  EXPECT_EQ(len, 0);
  EXPECT(fdt_get_string(&f, cma, "reusable") == NULL);
  free(blob);
}

TEST(fdt_unaligned_blob) {
  size_t size;
  uint8_t *blob = fdt_test_read_file(FIXTURE_DIR "/rpi4.dtb", &size);
  ASSERT(blob);
  for (size_t shift = 1; shift < 8; shift++) {
    uint8_t *buf = malloc(size + shift);
    memcpy(buf + shift, blob, size);
    struct fdt f;
    uint32_t node;
    uint64_t v;
    EXPECT_EQ(fdt_open(&f, buf + shift, size), ZX_OK);
    EXPECT_EQ(fdt_find_node(&f, "/cpus/cpu@3", &node), ZX_OK);
    EXPECT_EQ(fdt_get_u64(&f, node, "cpu-release-addr", &v), ZX_OK);
    EXPECT_EQ(v, 0xf0);
    free(buf);
  }
  free(blob);
}

TEST(fdt_real_rpi4_blob) {
  size_t size;
  void *blob = fdt_test_read_file("build/deps/dtb/bcm2711-rpi-4-b.dtb", &size);
  if (!blob) return;  // not downloaded: nothing to check
  struct fdt f;
  ASSERT(fdt_open(&f, blob, size) == ZX_OK);
  uint32_t node;
  EXPECT_EQ(fdt_find_node(&f, "/soc/serial@7e201000", &node), ZX_OK);
  EXPECT_EQ(fdt_find_node(&f, "/memory", &node), ZX_OK);
  EXPECT(fdt_prop_has_string(&f, node, "device_type", "memory"));
  EXPECT_EQ(strcmp(fdt_get_string(&f, fdt_root(&f), "model"), "Raspberry Pi 4 Model B"), 0);
  free(blob);
}

// ---- Hand-made blobs ----

struct builder {
  uint8_t st[128 * 1024];
  uint32_t st_len;
  char str[256];
  uint32_t str_len;
};

static void b_word(struct builder *b, uint32_t v) {
  put32(b->st + b->st_len, v);
  b->st_len += 4;
}

static void b_bytes(struct builder *b, const void *data, uint32_t len) {
  memcpy(b->st + b->st_len, data, len);
  b->st_len += len;
  while (b->st_len % 4) b->st[b->st_len++] = 0;
}

static void b_begin(struct builder *b, const char *name) {
  b_word(b, 1);
  b_bytes(b, name, (uint32_t)strlen(name) + 1);
}

static uint32_t b_string(struct builder *b, const char *s) {
  uint32_t off = b->str_len;
  memcpy(b->str + off, s, strlen(s) + 1);
  b->str_len += (uint32_t)strlen(s) + 1;
  return off;
}

static void b_prop(struct builder *b, const char *name, const void *data, uint32_t len) {
  b_word(b, 3);
  b_word(b, len);
  b_word(b, b_string(b, name));
  b_bytes(b, data, len);
}

static struct builder *b_new(void) { return calloc(1, sizeof(struct builder)); }

// Header (40 bytes), an empty memreserve map, the structure block, the strings.
#define B_STRUCT_OFF 56u
static uint8_t *b_finish(struct builder *b, size_t *size) {
  *size = B_STRUCT_OFF + b->st_len + b->str_len;
  uint8_t *blob = calloc(1, *size);
  put32(blob + 0, FDT_MAGIC);
  put32(blob + 4, (uint32_t)*size);
  put32(blob + 8, B_STRUCT_OFF);
  put32(blob + 12, B_STRUCT_OFF + b->st_len);
  put32(blob + 16, 40);
  put32(blob + 20, 17);
  put32(blob + 24, 16);
  put32(blob + 32, b->str_len);
  put32(blob + 36, b->st_len);
  memcpy(blob + B_STRUCT_OFF, b->st, b->st_len);
  memcpy(blob + B_STRUCT_OFF + b->st_len, b->str, b->str_len);
  free(b);
  return blob;
}

static zx_status_t open_blob(uint8_t *blob, size_t size) {
  struct fdt f;
  zx_status_t st = fdt_open(&f, blob, size);
  free(blob);
  return st;
}

static zx_status_t open_built(struct builder *b) {
  size_t size;
  uint8_t *blob = b_finish(b, &size);
  return open_blob(blob, size);
}

// A small valid tree: / { model; child@1 { reg; }; };
static struct builder *b_small(void) {
  struct builder *b = b_new();
  b_begin(b, "");
  b_prop(b, "model", "x", 2);
  b_begin(b, "child@1");
  b_prop(b, "reg", "\0\0\0\1\0\0\0\2", 8);
  b_word(b, 2);
  b_word(b, 2);
  b_word(b, 9);
  return b;
}

TEST(fdt_builder_sanity) {
  size_t size;
  uint8_t *blob = b_finish(b_small(), &size);
  struct fdt f;
  uint32_t node;
  ASSERT(fdt_open(&f, blob, size) == ZX_OK);
  EXPECT_EQ(fdt_find_node(&f, "/child", &node), ZX_OK);
  EXPECT_EQ(strcmp(fdt_get_string(&f, fdt_root(&f), "model"), "x"), 0);
  // Version 16 has no size_dt_struct: the block runs to the strings.
  put32(blob + 20, 16);
  put32(blob + 36, 0xdeadbeef);
  EXPECT_EQ(fdt_open(&f, blob, size), ZX_OK);
  EXPECT_EQ(fdt_find_node(&f, "/child@1", &node), ZX_OK);
  free(blob);
}

TEST(fdt_rejects_bad_headers) {
  size_t size;
  uint8_t *good = b_finish(b_small(), &size);
  struct {
    unsigned field;
    uint32_t value;
    zx_status_t want;
  } cases[] = {
      {0, 0xd00dfeee, ZX_ERR_INVALID_ARGS},        // magic
      {0, 0xedfe0dd0, ZX_ERR_INVALID_ARGS},        // magic, byte-swapped
      {4, 39, ZX_ERR_INVALID_ARGS},                // totalsize below the header
      {4, 0, ZX_ERR_INVALID_ARGS},
      {4, 0xffffffff, ZX_ERR_BUFFER_TOO_SMALL},    // more than max_size
      {8, 58, ZX_ERR_INVALID_ARGS},                // struct misaligned
      {8, 0xfffffffc, ZX_ERR_INVALID_ARGS},        // struct past the end
      {8, 4, ZX_ERR_INVALID_ARGS},                 // struct over the header
      {36, 0xfffffffc, ZX_ERR_INVALID_ARGS},       // struct size wraps
      {36, 6, ZX_ERR_INVALID_ARGS},                // struct size not whole tokens
      {36, 8, ZX_ERR_INVALID_ARGS},                // struct cut short: no END
      {12, 0xffffffff, ZX_ERR_INVALID_ARGS},       // strings past the end
      {12, 60, ZX_ERR_INVALID_ARGS},               // strings over struct
      {12, 8, ZX_ERR_INVALID_ARGS},                // strings over the header
      {32, 0xfffffff0, ZX_ERR_INVALID_ARGS},       // strings size wraps
      {16, 44, ZX_ERR_INVALID_ARGS},               // memreserve misaligned
      {16, 0xfffffff8, ZX_ERR_INVALID_ARGS},       // memreserve past the end
      {16, 0, ZX_ERR_INVALID_ARGS},                // memreserve over the header
      {16, B_STRUCT_OFF, ZX_ERR_INVALID_ARGS},     // memreserve over struct
      {20, 15, ZX_ERR_NOT_SUPPORTED},              // version
      {24, 18, ZX_ERR_NOT_SUPPORTED},              // last_comp_version
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint8_t *blob = dup_blob(good, size);
    put32(blob + cases[i].field, cases[i].value);
    zx_status_t st = open_blob(blob, size);
    if (st != cases[i].want) {
      char what[96];
      snprintf(what, sizeof what, "case %zu gives %d, not %d", i, st, cases[i].want);
      test_fail(__FILE__, __LINE__, what);
    }
  }
  struct fdt f;
  EXPECT_EQ(fdt_open(&f, good, size - 1), ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(fdt_open(&f, good, 35), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(fdt_open(&f, NULL, size), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(fdt_open(NULL, good, size), ZX_ERR_INVALID_ARGS);
  free(good);
}

TEST(fdt_rejects_memreserve_without_terminator) {
  // Fill the map region up to the struct block with non-zero entries.
  struct builder *b = b_small();
  size_t size;
  uint8_t *blob = b_finish(b, &size);
  memset(blob + 40, 0x11, 16);
  EXPECT_EQ(open_blob(blob, size), ZX_ERR_INVALID_ARGS);
}

// b_small's blocks at chosen offsets, with declared sizes st_extra / str_extra bytes
// larger than their contents (the extra, and everything else, zero).
static zx_status_t open_layout(uint32_t rsv, uint32_t st, uint32_t st_extra, uint32_t str,
                               uint32_t str_extra) {
  struct builder *b = b_small();
  uint32_t st_size = b->st_len + st_extra, str_size = b->str_len + str_extra;
  size_t size = rsv + 16;
  if (st + st_size > size) size = st + st_size;
  if (str + str_size > size) size = str + str_size;
  uint8_t *blob = calloc(1, size);
  put32(blob + 0, FDT_MAGIC);
  put32(blob + 4, (uint32_t)size);
  put32(blob + 8, st);
  put32(blob + 12, str);
  put32(blob + 16, rsv);
  put32(blob + 20, 17);
  put32(blob + 24, 16);
  put32(blob + 32, str_size);
  put32(blob + 36, st_size);
  memcpy(blob + st, b->st, b->st_len);
  memcpy(blob + str, b->str, b->str_len);
  free(b);
  return open_blob(blob, size);
}

TEST(fdt_block_layouts) {
  struct builder *b = b_small();
  uint32_t st_len = b->st_len, str_len = b->str_len;
  free(b);
  // Gaps between blocks, and strings before the struct block, are fine.
  EXPECT_EQ(open_layout(48, 64, 0, 64 + st_len + 4, 0), ZX_OK);
  EXPECT_EQ(open_layout(40, (56 + str_len + 3) & ~3u, 0, 56, 0), ZX_OK);
  EXPECT_EQ(open_layout(40, 56, 0, 56 + st_len, 24), ZX_OK);  // zeros after strings
  // Misaligned struct block or memreserve map, struct size not whole tokens.
  EXPECT_EQ(open_layout(40, 58, 0, 58 + st_len, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(open_layout(44, 60, 0, 60 + st_len, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(open_layout(40, 56, 2, 56 + st_len + 4, 0), ZX_ERR_INVALID_ARGS);
  // The memreserve map ending inside the strings block's zeros.
  uint32_t str = 56 + st_len;
  EXPECT_EQ(open_layout((str + str_len + 7) & ~7u, 56, 0, str, 24), ZX_ERR_INVALID_ARGS);
}

TEST(fdt_rejects_memreserve_inside_struct) {
  // 16 zero bytes inside the struct block would end a map placed there.
  struct builder *b = b_new();
  b_word(b, 4);
  b_begin(b, "");
  b_prop(b, "zeros", (const uint8_t[16]){0}, 16);  // value at 56 + 24 = 80
  b_word(b, 2);
  b_word(b, 9);
  size_t size;
  uint8_t *blob = b_finish(b, &size);
  struct fdt f;
  EXPECT_EQ(fdt_open(&f, blob, size), ZX_OK);
  put32(blob + 16, 80);
  EXPECT_EQ(open_blob(blob, size), ZX_ERR_INVALID_ARGS);
}

TEST(fdt_rejects_unterminated_name) {
  struct builder *b = b_new();
  b_begin(b, "");
  b_word(b, 1);
  memcpy(b->st + b->st_len, "abcd", 4);  // the block ends before any NUL...
  b->st_len += 4;
  b_string(b, "reg");  // ...while the strings block after it has plenty
  EXPECT_EQ(open_built(b), ZX_ERR_INVALID_ARGS);
}

TEST(fdt_rejects_bad_properties) {
  static const uint32_t lens[] = {100, 0xfffffffc, 0xfffffff4, 0xffffffff, 0x80000000};
  for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
    // A length that runs past the block, or wraps back onto the same token.
    struct builder *b = b_new();
    b_begin(b, "");
    b_word(b, 3);
    b_word(b, lens[i]);
    b_word(b, b_string(b, "model"));
    b_word(b, 0);
    b_word(b, 2);
    b_word(b, 9);
    EXPECT_EQ(open_built(b), ZX_ERR_INVALID_ARGS);
  }
  // A name offset outside the strings block.
  struct builder *b = b_new();
  b_begin(b, "");
  b_word(b, 3);
  b_word(b, 0);
  b_word(b, 4000);
  b_word(b, 2);
  b_word(b, 9);
  b_string(b, "model");
  size_t size;
  EXPECT_EQ(open_built(b), ZX_ERR_INVALID_ARGS);
  // A name that the strings block cuts off before its NUL.
  uint8_t *blob = b_finish(b_small(), &size);
  put32(blob + 32, 8);  // "model\0re": "reg" loses its NUL
  EXPECT_EQ(open_blob(blob, size), ZX_ERR_INVALID_ARGS);
  // A property truncated inside its 12-byte header.
  b = b_new();
  b_begin(b, "");
  b_word(b, 3);
  b_word(b, 0);
  EXPECT_EQ(open_built(b), ZX_ERR_INVALID_ARGS);
}

TEST(fdt_rejects_bad_structure) {
  static const struct {
    uint32_t n, w[8];
  } seqs[] = {
      {2, {2, 9}},                  // END_NODE with no node open
      {1, {9}},                     // END before any root
      {3, {1, 0, 2}},               // no END
      {7, {1, 0, 2, 1, 0, 2, 9}},   // two roots
      {6, {1, 0, 1, 0, 2, 9}},      // unbalanced: root never closed
      {5, {1, 0, 5, 2, 9}},         // unknown token
      {4, {0x01000000, 0, 2, 9}},   // little-endian BEGIN_NODE
      {3, {4, 4, 4}},               // only NOPs
      {0, {0}},                     // nothing
  };
  for (size_t i = 0; i < sizeof seqs / sizeof seqs[0]; i++) {
    struct builder *b = b_new();
    for (size_t k = 0; k < seqs[i].n; k++) b_word(b, seqs[i].w[k]);
    zx_status_t st = open_built(b);
    if (st != ZX_ERR_INVALID_ARGS) {
      char what[64];
      snprintf(what, sizeof what, "sequence %zu gives %d", i, st);
      test_fail(__FILE__, __LINE__, what);
    }
  }
  // A property before the root and one after a subnode.
  struct builder *b = b_new();
  b_prop(b, "model", "x", 2);
  b_begin(b, "");
  b_word(b, 2);
  b_word(b, 9);
  size_t size;
  EXPECT_EQ(open_built(b), ZX_ERR_INVALID_ARGS);
  b = b_new();
  b_begin(b, "");
  b_begin(b, "a");
  b_word(b, 2);
  b_prop(b, "model", "x", 2);
  b_word(b, 2);
  b_word(b, 9);
  EXPECT_EQ(open_built(b), ZX_ERR_INVALID_ARGS);
  // NOPs anywhere are fine.
  b = b_new();
  b_word(b, 4);
  b_begin(b, "");
  b_word(b, 4);
  b_prop(b, "model", "x", 2);
  b_word(b, 4);
  b_begin(b, "a");
  b_word(b, 2);
  b_word(b, 4);
  b_word(b, 2);
  b_word(b, 4);
  b_word(b, 9);
  uint8_t *blob = b_finish(b, &size);
  struct fdt f;
  uint32_t node;
  EXPECT_EQ(fdt_open(&f, blob, size), ZX_OK);
  EXPECT_EQ(fdt_find_node(&f, "/a", &node), ZX_OK);
  EXPECT_EQ(fdt_next_sibling(&f, node, &node), ZX_ERR_NOT_FOUND);
  EXPECT(fdt_get_string(&f, fdt_root(&f), "model") != NULL);
  free(blob);
}

TEST(fdt_deep_nesting) {
  // Unclosed nesting thousands deep: an error, and no recursion to overflow.
  struct builder *b = b_new();
  for (int i = 0; i < 10000; i++) b_begin(b, "n");
  b_word(b, 9);
  size_t size;
  EXPECT_EQ(open_built(b), ZX_ERR_INVALID_ARGS);
  // Properly closed, 1000 deep: fine; a parent past MAX depth is NOT_SUPPORTED.
  b = b_new();
  for (int i = 0; i < 1000; i++) b_begin(b, "n");
  for (int i = 0; i < 1000; i++) b_word(b, 2);
  b_word(b, 9);
  uint8_t *blob = b_finish(b, &size);
  struct fdt f;
  ASSERT(fdt_open(&f, blob, size) == ZX_OK);
  uint32_t node = fdt_root(&f), parent, prev = 0;
  for (int i = 0; i < 999; i++) {
    prev = node;
    ASSERT(fdt_first_child(&f, node, &node) == ZX_OK);
    if (i == 9) {
      EXPECT_EQ(fdt_parent(&f, node, &parent), ZX_OK);
      EXPECT_EQ(parent, prev);
    }
  }
  EXPECT_EQ(fdt_first_child(&f, node, &node), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(fdt_parent(&f, node, &parent), ZX_ERR_NOT_SUPPORTED);
  free(blob);
}

TEST(fdt_bad_node_offsets) {
  size_t size;
  uint8_t *blob = b_finish(b_small(), &size);
  struct fdt f;
  ASSERT(fdt_open(&f, blob, size) == ZX_OK);
  uint32_t out, prop;
  // Misaligned, a name word, a PROP, a length word, outside the block.
  uint32_t bad[] = {2, 4, 8, 12, 0xfffffffc, 0x10000};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    EXPECT(fdt_node_name(&f, bad[i]) == NULL);
    EXPECT(fdt_first_child(&f, bad[i], &out) != ZX_OK);
    EXPECT(fdt_next_sibling(&f, bad[i], &out) != ZX_OK);
    EXPECT(fdt_get_prop(&f, bad[i], "model", NULL) == NULL);
    EXPECT(fdt_first_prop(&f, bad[i], &prop) != ZX_OK);
    EXPECT(fdt_parent(&f, bad[i], &out) != ZX_OK);
  }
  EXPECT(fdt_prop_info(&f, 0, NULL, NULL, NULL) != ZX_OK);  // a node, not a property
  EXPECT(fdt_next_prop(&f, 0, &prop) != ZX_OK);
  free(blob);
}

// ---- Truncation and random corruption of real fixtures ----

// Touches everything reachable, as a kernel might; bounded so a bug cannot hang it.
static void walk_everything(const struct fdt *f) {
  uint32_t stack[512];
  int depth = 0, steps = 0;
  uint32_t node = fdt_root(f), out;
  uint64_t base, size;
  for (;;) {
    ASSERT(++steps < 100000);
    EXPECT(fdt_node_name(f, node) != NULL);
    uint32_t prop, len;
    for (zx_status_t st = fdt_first_prop(f, node, &prop); st == ZX_OK;
         st = fdt_next_prop(f, prop, &prop)) {
      const char *name;
      const void *value;
      EXPECT_EQ(fdt_prop_info(f, prop, &name, &value, &len), ZX_OK);
      fdt_get_prop(f, node, name, &len);
    }
    fdt_prop_has_string(f, node, "compatible", "arm,pl011");
    fdt_get_string(f, node, "device_type");
    fdt_parent(f, node, &out);
    if (depth > 0) {
      struct fdt_reg_iter it;
      if (fdt_reg_begin(f, stack[depth - 1], node, &it) == ZX_OK)
        while (fdt_reg_next(&it, &base, &size)) {}
    }
    if (depth < 512 && fdt_first_child(f, node, &out) == ZX_OK) {
      stack[depth++] = node;
      node = out;
      continue;
    }
    while (fdt_next_sibling(f, node, &out) != ZX_OK) {
      if (depth == 0) goto done;
      node = stack[--depth];
    }
    node = out;
  }
done:
  for (uint32_t i = 0; i < fdt_memreserve_count(f); i++)
    EXPECT_EQ(fdt_memreserve(f, i, &base, &size), ZX_OK);
  fdt_find_node(f, "/cpus/cpu@1", &out);
  fdt_find_node(f, "/reserved-memory/nvram", &out);
}

static void truncate_every_length(const char *path) {
  size_t size;
  uint8_t *blob = fdt_test_read_file(path, &size);
  ASSERT(blob);
  for (size_t len = 0; len < size; len++) {
    struct fdt f;
    uint8_t *cut = dup_blob(blob, len);
    EXPECT(fdt_open(&f, cut, len) != ZX_OK);
    // Also claim the shorter size in the header, so only the blocks are cut.
    if (len >= 8) {
      put32(cut + 4, (uint32_t)len);
      EXPECT(fdt_open(&f, cut, len) != ZX_OK);
    }
    free(cut);
  }
  free(blob);
}

TEST(fdt_truncated_fixtures) {
  truncate_every_length(FIXTURE_DIR "/qemu-virt.dtb");
  truncate_every_length(FIXTURE_DIR "/rpi4.dtb");
}

static void corrupt_randomly(const char *path, uint64_t seed, int iterations) {
  size_t size;
  uint8_t *blob = fdt_test_read_file(path, &size);
  ASSERT(blob);
  rng_state = seed;
  int opened = 0;
  for (int i = 0; i < iterations; i++) {
    uint8_t *bad = dup_blob(blob, size);
    int flips = 1 + (int)(rng() % 4);
    for (int k = 0; k < flips; k++) {
      size_t at = rng() % size;
      // Mostly small changes to single bytes; sometimes a whole random byte.
      bad[at] = rng() % 2 ? (uint8_t)rng() : (uint8_t)(bad[at] ^ (1u << (rng() % 8)));
    }
    struct fdt f;
    if (fdt_open(&f, bad, size) == ZX_OK) {
      opened++;
      walk_everything(&f);
    }
    free(bad);
  }
  EXPECT(opened > 0);  // many flips hit values, which still parse
  free(blob);
}

TEST(fdt_random_corruption) {
  corrupt_randomly(FIXTURE_DIR "/qemu-virt.dtb", HASH_GOLDEN_RATIO_64, 3000);
  corrupt_randomly(FIXTURE_DIR "/rpi4.dtb", 0xd1b54a32d192ed03ull, 3000);
}

TEST(fdt_walks_fixtures) {
  const char *paths[] = {FIXTURE_DIR "/qemu-virt.dtb", FIXTURE_DIR "/rpi4.dtb",
                         "build/deps/dtb/bcm2711-rpi-4-b.dtb"};
  for (size_t i = 0; i < 3; i++) {
    size_t size;
    void *blob = fdt_test_read_file(paths[i], &size);
    if (!blob) {
      EXPECT(i == 2);
      continue;
    }
    struct fdt f;
    EXPECT_EQ(fdt_open(&f, blob, size), ZX_OK);
    walk_everything(&f);
    free(blob);
  }
}
