// The translation-table walker behind pt_map(). Built with -mstrict-align since it
// also runs before the MMU is on.
#include <arch/pt.h>
#include <stdbool.h>

static zx_status_t map_level(uint64_t table_pa, int level, uint64_t va, uint64_t pa, uint64_t size,
                             uint64_t attrs, const struct pt_ops *ops) {
  uint64_t *table = pt_table_at(table_pa, ops);
  uint64_t span = 1ULL << PT_LEVEL_SHIFT(level);
  while (size) {
    unsigned index = pt_index(va, level);
    uint64_t chunk = span - (va & (span - 1));
    if (chunk > size) chunk = size;
    uint64_t entry = table[index];
    bool block_fits = level >= 1 && chunk == span && (pa & (span - 1)) == 0;
    if (block_fits && !(entry & PTE_VALID && (level == 3 || entry & PTE_TABLE))) {
      table[index] = pa | attrs | PTE_VALID | (level == 3 ? PTE_PAGE : PTE_BLOCK);
    } else {
      if (level == 3) return ZX_ERR_INTERNAL;  // unaligned request
      uint64_t next = pt_table_below(&table[index], true, ops, 0);
      if (next == PT_NO_TABLE)  // a block in the way, or no memory for a table
        return table[index] & PTE_VALID ? ZX_ERR_ALREADY_EXISTS : ZX_ERR_NO_MEMORY;
      zx_status_t status = map_level(next, level + 1, va, pa, chunk, attrs, ops);
      if (status != ZX_OK) return status;
    }
    va += chunk;
    pa += chunk;
    size -= chunk;
  }
  return ZX_OK;
}

zx_status_t pt_map(uint64_t root_pa, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
                   const struct pt_ops *ops) {
  if ((va | pa | size) & ((1ULL << 12) - 1)) return ZX_ERR_INVALID_ARGS;
  return map_level(root_pa, 0, va & ((1ULL << 48) - 1), pa, size, attrs, ops);
}

uint64_t *pt_leaf_entry(uint64_t root_pa, uint64_t va, const struct pt_ops *ops) {
  uint64_t *table = pt_leaf_table(root_pa, va, false, ops, 0);
  return table ? &table[pt_index(va, 3)] : 0;
}

static void free_level(uint64_t table_pa, int level, const struct pt_ops *ops,
                       void (*free_leaf)(uint64_t entry), void (*free_table)(uint64_t pa)) {
  uint64_t *table = pt_table_at(table_pa, ops);
  unsigned entries = level == 0 && ops->root_entries ? ops->root_entries : PT_ENTRIES;
  for (unsigned i = pt_next_valid(table, 0, entries - 1); i < entries;
       i = pt_next_valid(table, i + 1, entries - 1)) {
    uint64_t entry = table[i];
    if (level == 2 && entry & PTE_TABLE && !free_leaf)
      free_table(entry & PTE_ADDR_MASK);  // nothing to do for its leaves: not read
    else if (level < 3 && entry & PTE_TABLE)
      free_level(entry & PTE_ADDR_MASK, level + 1, ops, free_leaf, free_table);
    else if (free_leaf) free_leaf(entry);
  }
  free_table(table_pa);
}

void pt_free_all(uint64_t root_pa, const struct pt_ops *ops, void (*free_leaf)(uint64_t entry),
                 void (*free_table)(uint64_t pa)) {
  free_level(root_pa, 0, ops, free_leaf, free_table);
}
