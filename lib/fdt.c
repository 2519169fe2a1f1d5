// Flattened device tree reader. Every read goes through step(), which bounds-checks a
// token and its payload against the structure block and returns the next offset,
// always larger than the current one: so no walk can leave the blob or loop.
#include "fdt.h"

#include <string.h>

#define TOK_BEGIN_NODE 1u
#define TOK_END_NODE 2u
#define TOK_PROP 3u
#define TOK_NOP 4u
#define TOK_END 9u

// Header fields (byte offsets); size_dt_struct exists from version 17 on.
#define HDR_MAGIC 0
#define HDR_TOTALSIZE 4
#define HDR_OFF_STRUCT 8
#define HDR_OFF_STRINGS 12
#define HDR_OFF_RSVMAP 16
#define HDR_VERSION 20
#define HDR_LAST_COMP 24
#define HDR_SIZE_STRINGS 32
#define HDR_SIZE_STRUCT 36
#define HDR_LEN_V16 36u
#define HDR_LEN_V17 40u

#define RSV_ENTRY 16u
#define MAX_PARENT_DEPTH 64

static uint32_t hdr(const uint8_t *blob, unsigned field) { return fdt_be32(blob + field); }

// The name at offset nameoff of the strings block, if it is NUL-terminated inside it.
static const char *string_at(const struct fdt *f, uint32_t nameoff) {
  if (nameoff >= f->strings_size) return NULL;
  const char *s = (const char *)f->blob + f->strings_off + nameoff;
  return memchr(s, 0, f->strings_size - nameoff) ? s : NULL;
}

static const uint8_t *struct_at(const struct fdt *f, uint32_t off) {
  return f->blob + f->struct_off + off;
}

// Decodes the token at off; *next is the offset just past it and its payload.
static zx_status_t step(const struct fdt *f, uint32_t off, uint32_t *tok, uint32_t *next) {
  if (off % 4 != 0 || off > f->struct_size || f->struct_size - off < 4)
    return ZX_ERR_INVALID_ARGS;
  const uint8_t *p = struct_at(f, off);
  uint32_t room = f->struct_size - off - 4;  // bytes after the token word
  uint64_t end;
  *tok = fdt_be32(p);
  switch (*tok) {
    case TOK_BEGIN_NODE: {
      const uint8_t *nul = memchr(p + 4, 0, room);
      if (!nul) return ZX_ERR_INVALID_ARGS;
      end = (uint64_t)off + 4 + (uint64_t)(nul - (p + 4)) + 1;
      break;
    }
    case TOK_PROP: {
      if (room < 8) return ZX_ERR_INVALID_ARGS;
      uint32_t len = fdt_be32(p + 4);
      if (len > room - 8) return ZX_ERR_INVALID_ARGS;
      if (!string_at(f, fdt_be32(p + 8))) return ZX_ERR_INVALID_ARGS;
      end = (uint64_t)off + 12 + len;
      break;
    }
    case TOK_END_NODE:
    case TOK_NOP:
    case TOK_END:
      end = (uint64_t)off + 4;
      break;
    default:
      return ZX_ERR_INVALID_ARGS;
  }
  // struct_size is a multiple of 4, so rounding up stays inside the block.
  *next = (uint32_t)((end + 3) & ~(uint64_t)3);
  return ZX_OK;
}

// The offset just past node's BEGIN_NODE token and name.
static zx_status_t enter_node(const struct fdt *f, uint32_t node, uint32_t *off) {
  uint32_t tok;
  zx_status_t st = step(f, node, &tok, off);
  if (st != ZX_OK) return st;
  return tok == TOK_BEGIN_NODE ? ZX_OK : ZX_ERR_INVALID_ARGS;
}

// From off, skips NOPs; returns the offset and kind of the next real token.
static zx_status_t skip_nops(const struct fdt *f, uint32_t off, uint32_t *at, uint32_t *tok) {
  for (;;) {
    uint32_t next;
    zx_status_t st = step(f, off, tok, &next);
    if (st != ZX_OK) return st;
    if (*tok != TOK_NOP) {
      *at = off;
      return ZX_OK;
    }
    off = next;
  }
}

// Walks the whole structure block once: one root, balanced nesting, properties only
// inside nodes and before their subnodes, and an END token.
static zx_status_t check_structure(struct fdt *f) {
  uint32_t off = 0, depth = 0, prev = TOK_NOP;
  bool root_seen = false;
  for (;;) {
    uint32_t tok, next;
    zx_status_t st = step(f, off, &tok, &next);
    if (st != ZX_OK) return st;
    switch (tok) {
      case TOK_BEGIN_NODE:
        if (depth == 0) {
          if (root_seen) return ZX_ERR_INVALID_ARGS;
          root_seen = true;
          f->root = off;
        }
        depth++;
        break;
      case TOK_PROP:
        if (depth == 0 || prev == TOK_END_NODE) return ZX_ERR_INVALID_ARGS;
        break;
      case TOK_END_NODE:
        if (depth == 0) return ZX_ERR_INVALID_ARGS;
        depth--;
        break;
      case TOK_END:
        return root_seen && depth == 0 ? ZX_OK : ZX_ERR_INVALID_ARGS;
      default:  // TOK_NOP
        break;
    }
    if (tok != TOK_NOP) prev = tok;
    off = next;
  }
}

static bool overlaps(uint64_t a, uint64_t a_len, uint64_t b, uint64_t b_len) {
  return a_len != 0 && b_len != 0 && a < b + b_len && b < a + a_len;
}

zx_status_t fdt_open(struct fdt *f, const void *blob, size_t max_size) {
  if (!f || !blob) return ZX_ERR_INVALID_ARGS;
  memset(f, 0, sizeof *f);
  const uint8_t *b = blob;
  if (max_size < HDR_LEN_V16) return ZX_ERR_INVALID_ARGS;
  if (hdr(b, HDR_MAGIC) != FDT_MAGIC) return ZX_ERR_INVALID_ARGS;
  uint32_t version = hdr(b, HDR_VERSION);
  if (version < 16 || hdr(b, HDR_LAST_COMP) > 17) return ZX_ERR_NOT_SUPPORTED;
  uint32_t hdr_len = version >= 17 ? HDR_LEN_V17 : HDR_LEN_V16;
  uint32_t total = hdr(b, HDR_TOTALSIZE);
  if (total < hdr_len) return ZX_ERR_INVALID_ARGS;
  if (total > max_size) return ZX_ERR_BUFFER_TOO_SMALL;

  f->blob = b;
  f->total_size = total;
  f->struct_off = hdr(b, HDR_OFF_STRUCT);
  f->strings_off = hdr(b, HDR_OFF_STRINGS);
  f->strings_size = hdr(b, HDR_SIZE_STRINGS);
  f->rsvmap_off = hdr(b, HDR_OFF_RSVMAP);
  if (version >= 17) {
    f->struct_size = hdr(b, HDR_SIZE_STRUCT);
  } else if (f->struct_off <= total) {
    // Version 16 has no struct size: the block runs to the next block or the end.
    uint32_t end = f->strings_off > f->struct_off && f->strings_off <= total
                       ? f->strings_off : total;
    f->struct_size = (end - f->struct_off) & ~3u;
  }

  // Each block inside the blob, after the header, aligned, and disjoint from the others.
  if (f->struct_off % 4 != 0 || f->struct_size % 4 != 0 || f->rsvmap_off % 8 != 0)
    return ZX_ERR_INVALID_ARGS;
  if ((uint64_t)f->struct_off + f->struct_size > total ||
      (uint64_t)f->strings_off + f->strings_size > total || f->rsvmap_off > total)
    return ZX_ERR_INVALID_ARGS;
  if (f->struct_off < hdr_len || f->strings_off < hdr_len || f->rsvmap_off < hdr_len)
    return ZX_ERR_INVALID_ARGS;
  // The memreserve map has no size field: it ends at an all-zero entry.
  uint64_t rsv_len = 0;
  for (;;) {
    if ((uint64_t)f->rsvmap_off + rsv_len + RSV_ENTRY > total) return ZX_ERR_INVALID_ARGS;
    const uint8_t *e = b + f->rsvmap_off + rsv_len;
    rsv_len += RSV_ENTRY;
    if (fdt_be64(e) == 0 && fdt_be64(e + 8) == 0) break;
    f->rsvmap_count++;
  }
  if (overlaps(f->rsvmap_off, rsv_len, f->struct_off, f->struct_size) ||
      overlaps(f->rsvmap_off, rsv_len, f->strings_off, f->strings_size) ||
      overlaps(f->struct_off, f->struct_size, f->strings_off, f->strings_size))
    return ZX_ERR_INVALID_ARGS;

  zx_status_t st = check_structure(f);
  if (st != ZX_OK) memset(f, 0, sizeof *f);
  return st;
}

zx_status_t fdt_first_child(const struct fdt *f, uint32_t node, uint32_t *child) {
  uint32_t off;
  zx_status_t st = enter_node(f, node, &off);
  for (; st == ZX_OK;) {
    uint32_t tok, next;
    st = step(f, off, &tok, &next);
    if (st != ZX_OK) break;
    if (tok == TOK_BEGIN_NODE) {
      *child = off;
      return ZX_OK;
    }
    if (tok == TOK_END_NODE) return ZX_ERR_NOT_FOUND;
    if (tok == TOK_END) return ZX_ERR_INVALID_ARGS;
    off = next;
  }
  return st;
}

zx_status_t fdt_next_sibling(const struct fdt *f, uint32_t node, uint32_t *next_node) {
  uint32_t off, depth = 1;
  zx_status_t st = enter_node(f, node, &off);
  // Skip node's subtree: to the END_NODE that closes it.
  while (st == ZX_OK && depth > 0) {
    uint32_t tok, next;
    st = step(f, off, &tok, &next);
    if (st != ZX_OK) break;
    if (tok == TOK_BEGIN_NODE) depth++;
    if (tok == TOK_END_NODE) depth--;
    if (tok == TOK_END) return ZX_ERR_INVALID_ARGS;
    off = next;
  }
  if (st != ZX_OK) return st;
  uint32_t tok;
  st = skip_nops(f, off, &off, &tok);
  if (st != ZX_OK) return st;
  if (tok == TOK_BEGIN_NODE) {
    *next_node = off;
    return ZX_OK;
  }
  return tok == TOK_PROP ? ZX_ERR_INVALID_ARGS : ZX_ERR_NOT_FOUND;
}

const char *fdt_node_name(const struct fdt *f, uint32_t node) {
  uint32_t off;
  if (enter_node(f, node, &off) != ZX_OK) return NULL;
  return (const char *)struct_at(f, node) + 4;  // enter_node found its NUL
}

// Whether a node's name matches a path component of len bytes (see fdt_subnode).
static bool name_matches(const char *name, const char *comp, size_t len) {
  if (strncmp(name, comp, len) != 0) return false;
  // name has len non-NUL bytes, so name[len] is readable. A unit address holds no
  // '@', so a component that has one can only match the whole name.
  return name[len] == '\0' || name[len] == '@';
}

static zx_status_t subnode_n(const struct fdt *f, uint32_t parent, const char *comp,
                             size_t len, uint32_t *child) {
  uint32_t node;
  zx_status_t st = fdt_first_child(f, parent, &node);
  while (st == ZX_OK) {
    const char *name = fdt_node_name(f, node);
    if (!name) return ZX_ERR_INVALID_ARGS;
    if (name_matches(name, comp, len)) {
      *child = node;
      return ZX_OK;
    }
    st = fdt_next_sibling(f, node, &node);
  }
  return st;
}

zx_status_t fdt_subnode(const struct fdt *f, uint32_t parent, const char *name,
                        uint32_t *child) {
  if (!name) return ZX_ERR_INVALID_ARGS;
  return subnode_n(f, parent, name, strlen(name), child);
}

zx_status_t fdt_find_node(const struct fdt *f, const char *path, uint32_t *node) {
  if (!path || path[0] != '/') return ZX_ERR_INVALID_ARGS;
  uint32_t cur = f->root;
  for (const char *p = path;;) {
    while (*p == '/') p++;
    if (*p == '\0') break;
    size_t len = 0;
    while (p[len] != '\0' && p[len] != '/') len++;
    zx_status_t st = subnode_n(f, cur, p, len, &cur);
    if (st != ZX_OK) return st;
    p += len;
  }
  *node = cur;
  return ZX_OK;
}

zx_status_t fdt_parent(const struct fdt *f, uint32_t node, uint32_t *parent) {
  uint32_t open[MAX_PARENT_DEPTH];
  uint32_t depth = 0, off = f->root;
  for (;;) {
    uint32_t tok, next;
    zx_status_t st = step(f, off, &tok, &next);
    if (st != ZX_OK) return st;
    if (tok == TOK_BEGIN_NODE) {
      if (off == node) {
        if (depth == 0) return ZX_ERR_NOT_FOUND;
        *parent = open[depth - 1];
        return ZX_OK;
      }
      if (depth == MAX_PARENT_DEPTH) return ZX_ERR_NOT_SUPPORTED;
      open[depth++] = off;
    } else if (tok == TOK_END_NODE) {
      if (depth == 0) return ZX_ERR_INVALID_ARGS;
      if (--depth == 0) return ZX_ERR_NOT_FOUND;  // left the root: no such node
    } else if (tok == TOK_END) {
      return ZX_ERR_NOT_FOUND;
    }
    off = next;
  }
}

zx_status_t fdt_first_prop(const struct fdt *f, uint32_t node, uint32_t *prop) {
  uint32_t off, tok;
  zx_status_t st = enter_node(f, node, &off);
  if (st == ZX_OK) st = skip_nops(f, off, &off, &tok);
  if (st != ZX_OK) return st;
  if (tok != TOK_PROP) return ZX_ERR_NOT_FOUND;
  *prop = off;
  return ZX_OK;
}

zx_status_t fdt_next_prop(const struct fdt *f, uint32_t prop, uint32_t *next_prop) {
  uint32_t tok, off;
  zx_status_t st = step(f, prop, &tok, &off);
  if (st != ZX_OK) return st;
  if (tok != TOK_PROP) return ZX_ERR_INVALID_ARGS;
  st = skip_nops(f, off, &off, &tok);
  if (st != ZX_OK) return st;
  if (tok != TOK_PROP) return ZX_ERR_NOT_FOUND;
  *next_prop = off;
  return ZX_OK;
}

zx_status_t fdt_prop_info(const struct fdt *f, uint32_t prop, const char **name,
                          const void **value, uint32_t *len) {
  uint32_t tok, next;
  zx_status_t st = step(f, prop, &tok, &next);
  if (st != ZX_OK) return st;
  if (tok != TOK_PROP) return ZX_ERR_INVALID_ARGS;
  const uint8_t *p = struct_at(f, prop);
  if (name) *name = string_at(f, fdt_be32(p + 8));  // step checked it
  if (value) *value = p + 12;
  if (len) *len = fdt_be32(p + 4);
  return ZX_OK;
}

const void *fdt_get_prop(const struct fdt *f, uint32_t node, const char *name,
                         uint32_t *len) {
  uint32_t prop;
  if (!name) return NULL;
  zx_status_t st = fdt_first_prop(f, node, &prop);
  while (st == ZX_OK) {
    const char *pname;
    const void *value;
    uint32_t plen;
    if (fdt_prop_info(f, prop, &pname, &value, &plen) != ZX_OK) return NULL;
    if (strcmp(pname, name) == 0) {
      if (len) *len = plen;
      return value;
    }
    st = fdt_next_prop(f, prop, &prop);
  }
  return NULL;
}

const char *fdt_get_string(const struct fdt *f, uint32_t node, const char *name) {
  uint32_t len;
  const char *s = fdt_get_prop(f, node, name, &len);
  if (!s || !memchr(s, 0, len)) return NULL;
  return s;
}

bool fdt_prop_has_string(const struct fdt *f, uint32_t node, const char *name,
                         const char *str) {
  uint32_t len;
  const char *s = fdt_get_prop(f, node, name, &len);
  if (!s || !str) return false;
  size_t want = strlen(str);
  while (len > 0) {
    const char *nul = memchr(s, 0, len);
    if (!nul) return false;  // an unterminated tail is not a string
    size_t n = (size_t)(nul - s);
    if (n == want && memcmp(s, str, n) == 0) return true;
    len -= (uint32_t)n + 1;
    s = nul + 1;
  }
  return false;
}

zx_status_t fdt_get_u32(const struct fdt *f, uint32_t node, const char *name,
                        uint32_t *out) {
  uint32_t len;
  const void *v = fdt_get_prop(f, node, name, &len);
  if (!v) return ZX_ERR_NOT_FOUND;
  if (len != 4) return ZX_ERR_INVALID_ARGS;
  *out = fdt_be32(v);
  return ZX_OK;
}

zx_status_t fdt_get_u64(const struct fdt *f, uint32_t node, const char *name,
                        uint64_t *out) {
  uint32_t len;
  const void *v = fdt_get_prop(f, node, name, &len);
  if (!v) return ZX_ERR_NOT_FOUND;
  if (len == 4) {
    *out = fdt_be32(v);
  } else if (len == 8) {
    *out = fdt_be64(v);
  } else {
    return ZX_ERR_INVALID_ARGS;
  }
  return ZX_OK;
}

// A number of `cells` (0..2) cells.
static uint64_t read_cells(const uint8_t *p, unsigned cells) {
  if (cells == 0) return 0;
  return cells == 1 ? fdt_be32(p) : fdt_be64(p);
}

zx_status_t fdt_cell_at(const void *prop, uint32_t len, unsigned cells, size_t index,
                        uint64_t *out) {
  if (!prop || cells < 1 || cells > 2) return ZX_ERR_INVALID_ARGS;
  size_t width = 4u * cells;
  if (index >= len / width) return ZX_ERR_OUT_OF_RANGE;
  *out = read_cells((const uint8_t *)prop + index * width, cells);
  return ZX_OK;
}

uint32_t fdt_address_cells(const struct fdt *f, uint32_t node) {
  uint32_t v;
  return fdt_get_u32(f, node, "#address-cells", &v) == ZX_OK ? v : 2;
}

uint32_t fdt_size_cells(const struct fdt *f, uint32_t node) {
  uint32_t v;
  return fdt_get_u32(f, node, "#size-cells", &v) == ZX_OK ? v : 1;
}

zx_status_t fdt_reg_begin(const struct fdt *f, uint32_t parent, uint32_t node,
                          struct fdt_reg_iter *it) {
  uint32_t ac = fdt_address_cells(f, parent), sc = fdt_size_cells(f, parent);
  if (ac < 1 || ac > 2 || sc > 2) return ZX_ERR_NOT_SUPPORTED;
  uint32_t len;
  const uint8_t *v = fdt_get_prop(f, node, "reg", &len);
  if (!v) return ZX_ERR_NOT_FOUND;
  if (len % (4 * (ac + sc)) != 0) return ZX_ERR_INVALID_ARGS;
  it->p = v;
  it->left = len;
  it->address_cells = (uint8_t)ac;
  it->size_cells = (uint8_t)sc;
  return ZX_OK;
}

bool fdt_reg_next(struct fdt_reg_iter *it, uint64_t *base, uint64_t *size) {
  uint32_t width = 4u * (it->address_cells + it->size_cells);
  if (width == 0 || it->left < width) return false;
  *base = read_cells(it->p, it->address_cells);
  *size = read_cells(it->p + 4u * it->address_cells, it->size_cells);
  it->p += width;
  it->left -= width;
  return true;
}

zx_status_t fdt_memreserve(const struct fdt *f, uint32_t index, uint64_t *base,
                           uint64_t *size) {
  if (index >= f->rsvmap_count) return ZX_ERR_NOT_FOUND;
  const uint8_t *e = f->blob + f->rsvmap_off + (size_t)index * RSV_ENTRY;
  *base = fdt_be64(e);
  *size = fdt_be64(e + 8);
  return ZX_OK;
}
