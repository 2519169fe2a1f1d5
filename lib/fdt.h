// A minimal read-only flattened device tree (DTB) reader. The blob comes from the
// boot loader and is untrusted: fdt_open validates the header and walks the whole
// structure block once, and every accessor still bounds-checks what it touches, so a
// corrupt blob yields an error, never an out-of-bounds read or an endless loop.
// Nodes are named by their offset in the structure block (a uint32_t); offsets only
// ever move forward, which is what guarantees termination.
#ifndef CORE_FDT_H_
#define CORE_FDT_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

#define FDT_MAGIC 0xd00dfeedu

struct fdt {
  const uint8_t *blob;
  uint32_t total_size;
  uint32_t struct_off, struct_size;    // the structure block
  uint32_t strings_off, strings_size;  // the strings block
  uint32_t rsvmap_off, rsvmap_count;   // memreserve entries, terminator excluded
  uint32_t root;                       // offset of the root node
};

// Big-endian reads that need no alignment (the blob may sit anywhere).
static inline uint32_t fdt_be32(const void *p) {
  const uint8_t *b = p;
  return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}
static inline uint64_t fdt_be64(const void *p) {
  const uint8_t *b = p;
  return (uint64_t)fdt_be32(b) << 32 | fdt_be32(b + 4);
}

// Validates the blob at `blob`, of which at most max_size bytes may be read.
// ZX_ERR_INVALID_ARGS for anything malformed, ZX_ERR_NOT_SUPPORTED for a version we
// cannot read, ZX_ERR_BUFFER_TOO_SMALL when totalsize exceeds max_size.
zx_status_t fdt_open(struct fdt *f, const void *blob, size_t max_size);

static inline uint32_t fdt_root(const struct fdt *f) { return f->root; }

// Tree walking. ZX_ERR_NOT_FOUND when there is no such node.
zx_status_t fdt_first_child(const struct fdt *f, uint32_t node, uint32_t *child);
zx_status_t fdt_next_sibling(const struct fdt *f, uint32_t node, uint32_t *next);
// The node's full name ("memory@40000000"; "" for the root), NULL for a bad offset.
const char *fdt_node_name(const struct fdt *f, uint32_t node);
// The child of `parent` called `name`. A name without '@' also matches any unit
// address ("memory" matches "memory@0"); the first match wins.
zx_status_t fdt_subnode(const struct fdt *f, uint32_t parent, const char *name,
                        uint32_t *child);
// An absolute path ("/", "/cpus/cpu@1", "/reserved-memory"), matched as fdt_subnode.
zx_status_t fdt_find_node(const struct fdt *f, const char *path, uint32_t *node);
// The node's parent, found by a walk from the root (ZX_ERR_NOT_FOUND for the root).
zx_status_t fdt_parent(const struct fdt *f, uint32_t node, uint32_t *parent);

// Properties. fdt_get_prop returns the value (len bytes, may be 0) or NULL if absent.
const void *fdt_get_prop(const struct fdt *f, uint32_t node, const char *name,
                         uint32_t *len);
// The value if it is a NUL-terminated string (the first of a string list), else NULL.
const char *fdt_get_string(const struct fdt *f, uint32_t node, const char *name);
// Whether the string-list property contains `str` ("compatible", "device_type").
bool fdt_prop_has_string(const struct fdt *f, uint32_t node, const char *name,
                         const char *str);
// A one-cell property (ZX_ERR_NOT_FOUND if absent, ZX_ERR_INVALID_ARGS if not 4 bytes).
zx_status_t fdt_get_u32(const struct fdt *f, uint32_t node, const char *name,
                        uint32_t *out);
// A one- or two-cell property.
zx_status_t fdt_get_u64(const struct fdt *f, uint32_t node, const char *name,
                        uint64_t *out);
// The index-th number of `cells` cells (1 or 2) in a cell array of len bytes;
// ZX_ERR_OUT_OF_RANGE past its end.
zx_status_t fdt_cell_at(const void *prop, uint32_t len, unsigned cells, size_t index,
                        uint64_t *out);

// Property iteration, for dumps: ZX_ERR_NOT_FOUND after the last one.
zx_status_t fdt_first_prop(const struct fdt *f, uint32_t node, uint32_t *prop);
zx_status_t fdt_next_prop(const struct fdt *f, uint32_t prop, uint32_t *next);
zx_status_t fdt_prop_info(const struct fdt *f, uint32_t prop, const char **name,
                          const void **value, uint32_t *len);

// The #address-cells / #size-cells a node gives its children (defaults 2 and 1).
uint32_t fdt_address_cells(const struct fdt *f, uint32_t node);
uint32_t fdt_size_cells(const struct fdt *f, uint32_t node);

// Walks a node's "reg" as (address, size) pairs, sized by its parent's cells.
struct fdt_reg_iter {
  const uint8_t *p;
  uint32_t left;  // bytes
  uint8_t address_cells, size_cells;
};
// ZX_ERR_NOT_FOUND without reg, ZX_ERR_NOT_SUPPORTED for cells that do not fit 64
// bits, ZX_ERR_INVALID_ARGS when reg is not a whole number of entries.
zx_status_t fdt_reg_begin(const struct fdt *f, uint32_t parent, uint32_t node,
                          struct fdt_reg_iter *it);
bool fdt_reg_next(struct fdt_reg_iter *it, uint64_t *base, uint64_t *size);

// The memory reservation map (/memreserve/), terminator excluded.
static inline uint32_t fdt_memreserve_count(const struct fdt *f) { return f->rsvmap_count; }
zx_status_t fdt_memreserve(const struct fdt *f, uint32_t index, uint64_t *base,
                           uint64_t *size);

#endif  // CORE_FDT_H_
