// Building stage-1 translation tables (4 KiB granule, 4 levels). Used before the MMU
// is on (tables reached at their physical address) and after (through the physmap).
#ifndef ARCH_PT_H_
#define ARCH_PT_H_

#include <arch/sysreg_bits.h>
#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#define PT_ENTRIES 512
#define PT_NO_TABLE (~0ULL)

// Attributes of kernel mappings (global, EL1 only).
#define PT_KERNEL_NORMAL (PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN)
#define PT_KERNEL_DEVICE (PTE_ATTRIDX(MAIR_IDX_DEVICE) | PTE_AF | PTE_UXN | PTE_PXN)

struct pt_ops {
  uint64_t access_offset;         // table pointer = physical address + access_offset
  uint64_t (*alloc_table)(void);  // physical address of a zeroed table, or PT_NO_TABLE
  unsigned root_entries;          // of the level-0 table: 0 for PT_ENTRIES (a full page)
  // Optional: told of each table pt_table_below adds, with its caller's ctx (an address
  // space lists its first tables, so that its teardown need not read them).
  void (*table_added)(void *ctx, uint64_t pa);
};

// The index of va's entry in its level-`level` table. Bits 48 and up take no part, so a
// TTBR1 address (a shared window's) indexes its tables as the same TTBR0 address would.
#define PT_LEVEL_SHIFT(level) (39 - 9 * (level))
static inline unsigned pt_index(uint64_t va, int level) {
  return (va >> PT_LEVEL_SHIFT(level)) & (PT_ENTRIES - 1);
}

static inline uint64_t *pt_table_at(uint64_t pa, const struct pt_ops *ops) {
  return (uint64_t *)(uintptr_t)(pa + ops->access_offset);
}

// The one step down of every walk: the physical address of the table *entry (in a
// level 0-2 table) points to. An invalid entry gets a new table when alloc says so
// (ops->alloc_table, then ops->table_added with ctx). PT_NO_TABLE when none is made
// (alloc false or no memory: the entry stays invalid) or the entry maps a block.
// Inlined: with ops a constant, the callbacks are direct calls.
static inline __attribute__((always_inline)) uint64_t pt_table_below(uint64_t *entry, bool alloc,
                                                                     const struct pt_ops *ops,
                                                                     void *ctx) {
  uint64_t e = *entry;
  if (__builtin_expect(!(e & PTE_VALID), 0)) {
    if (!alloc) return PT_NO_TABLE;
    uint64_t next = ops->alloc_table();
    if (next == PT_NO_TABLE) return PT_NO_TABLE;
    if (ops->table_added) ops->table_added(ctx, next);
    // One single-copy-atomic write: a hardware walker may read the entry at any time.
    __atomic_store_n(entry, next | PTE_TABLE | PTE_VALID, __ATOMIC_RELAXED);
    return next;
  }
  return e & PTE_TABLE ? e & PTE_ADDR_MASK : PT_NO_TABLE;
}

// The level-3 table covering va (its entry for va is [pt_index(va, 3)]), missing
// tables added as pt_table_below adds them; NULL when one is missing and not added,
// or a block maps va.
static inline __attribute__((always_inline)) uint64_t *pt_leaf_table(uint64_t root_pa, uint64_t va,
                                                                     bool alloc,
                                                                     const struct pt_ops *ops,
                                                                     void *ctx) {
  uint64_t table_pa = root_pa;
#pragma GCC unroll 3  // each level's index a constant shift: no loop to count
  for (int level = 0; level < 3; level++) {
    table_pa = pt_table_below(pt_table_at(table_pa, ops) + pt_index(va, level), alloc, ops, ctx);
    if (table_pa == PT_NO_TABLE) return 0;
  }
  uint64_t *table = pt_table_at(table_pa, ops);
  if (!table) __builtin_unreachable();  // no table is at address 0: callers' NULL tests fold
  return table;
}

// Maps [va, va + size) to pa with attrs, with the largest blocks alignment allows.
// Existing tables are kept; an existing block in the way of a finer mapping is an error.
// ops->table_added, if set, gets ctx NULL.
zx_status_t pt_map(uint64_t root_pa, uint64_t va, uint64_t pa, uint64_t size, uint64_t attrs,
                   const struct pt_ops *ops);

// The level-3 entry mapping va, or NULL when no level-3 table covers it.
uint64_t *pt_leaf_entry(uint64_t root_pa, uint64_t va, const struct pt_ops *ops);
// The first index in [i, last] whose entry in table is valid, or last + 1. User
// tables are mostly empty (a root VMAR's teardown or a whole-range unmap visits every
// entry), so past an invalid entry aligned blocks of 8 are tested at once (one OR of 8
// loads); a short range, or a valid entry first, costs one test per entry as before.
static inline unsigned pt_next_valid(const uint64_t *table, unsigned i, unsigned last) {
  for (; i <= last; i++) {
    if (table[i] & PTE_VALID) return i;
    while (!((i + 1) & 7) && last - i >= 8) {
      const uint64_t *b = &table[i + 1];
      if ((b[0] | b[1] | b[2] | b[3] | b[4] | b[5] | b[6] | b[7]) & PTE_VALID) break;
      i += 8;
    }
  }
  return i;
}

// Calls free_leaf on every valid leaf entry and free_table on every table, root last.
// free_leaf NULL: the leaves need nothing, and level-3 tables are freed unread.
void pt_free_all(uint64_t root_pa, const struct pt_ops *ops, void (*free_leaf)(uint64_t entry),
                 void (*free_table)(uint64_t pa));

// Attributes of user pages: non-global (ASID-tagged), EL0-accessible, never EL1-executable.
// PTE_SW_OWNED (a software bit) marks pages the address space frees on teardown.
#define PTE_SW_OWNED BIT(55)
#define PT_USER_BASE \
  (PTE_ATTRIDX(MAIR_IDX_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_NG | PTE_USER | PTE_PXN)

// The kernel's TTBR1 root (shared by every address space) and TTBR0's boot identity map.
extern uint64_t kernel_root_table[PT_ENTRIES];
extern uint64_t boot_identity_table[PT_ENTRIES];
extern uint64_t empty_root_table[PT_ENTRIES];

#endif  // ARCH_PT_H_
