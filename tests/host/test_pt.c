// Tests of the translation-table walker (arch/arm64/include/arch/pt.h and
// arch/arm64/boot/pt_map.c): pt_leaf_table adding missing levels (each reported to
// table_added) or, without alloc or memory, adding nothing; pt_next_valid's block
// skipping against a plain scan; pt_free_all visiting every leaf and table (or,
// without a leaf callback, every table without reading level-3 ones). Tables are host
// memory reached at their own address (access_offset 0).
#include <arch/pt.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define MAX_TABLES 64
static uint64_t *tables[MAX_TABLES];
static unsigned tables_made, tables_freed, leaves_freed;
static unsigned tables_limit = MAX_TABLES;  // allocation fails once tables_made reaches it

static uint64_t test_alloc_table(void) {
  if (tables_made == tables_limit) return PT_NO_TABLE;
  uint64_t *t = aligned_alloc(4096, 4096);
  if (!t) return PT_NO_TABLE;
  memset(t, 0, 4096);
  tables[tables_made++] = t;
  return (uint64_t)(uintptr_t)t;
}

static void count_leaf(uint64_t entry) {
  (void)entry;
  leaves_freed++;
}

static void count_table(uint64_t pa) {
  tables_freed++;
  free((void *)(uintptr_t)pa);
}

static const struct pt_ops ops = {.access_offset = 0, .alloc_table = test_alloc_table};

static unsigned plain_next_valid(const uint64_t *t, unsigned i, unsigned last) {
  while (i <= last && !(t[i] & PTE_VALID)) i++;
  return i;
}

TEST(pt_next_valid_matches_a_plain_scan) {
  uint64_t state = 0x9e3779b97f4a7c15ull;
  static uint64_t t[PT_ENTRIES];
  for (int round = 0; round < 2000; round++) {
    memset(t, 0, sizeof t);
    unsigned n = test_rng_next(&state) % 6;  // mostly empty, as user tables are
    for (unsigned k = 0; k < n; k++) {
      unsigned at = test_rng_next(&state) % PT_ENTRIES;
      // A valid entry, or bits set without the valid bit (must not count).
      t[at] = (test_rng_next(&state) & 1) ? 0x40001003u : 0x40001002u;
    }
    unsigned i = test_rng_next(&state) % PT_ENTRIES;
    unsigned last = i + test_rng_next(&state) % (PT_ENTRIES - i);
    EXPECT_EQ(pt_next_valid(t, i, last), plain_next_valid(t, i, last));
    EXPECT_EQ(pt_next_valid(t, 0, PT_ENTRIES - 1), plain_next_valid(t, 0, PT_ENTRIES - 1));
  }
  memset(t, 0, sizeof t);
  EXPECT_EQ(pt_next_valid(t, 0, PT_ENTRIES - 1), PT_ENTRIES);
  t[PT_ENTRIES - 1] = PTE_VALID;
  EXPECT_EQ(pt_next_valid(t, 0, PT_ENTRIES - 1), PT_ENTRIES - 1);
  EXPECT_EQ(pt_next_valid(t, 5, 5), 6);  // an empty one-entry range: last + 1
}

// Pages far apart, as a Linux process has them: text low, mmap in the middle, the
// stack at the top (each needs its own level-1, -2 and -3 table).
static const uint64_t spread[] = {0x400000,       0x401000,       0x4a0000,      0xde128d373000,
                                  0xffffef800000, 0xfffff0010000, 0xffffeffff000};
#define SPREAD (sizeof spread / sizeof spread[0])

static uint64_t map_spread(void) {
  tables_made = tables_freed = leaves_freed = 0;
  uint64_t root = test_alloc_table();
  for (unsigned i = 0; i < SPREAD; i++)
    if (pt_map(root, spread[i], 0x80000000u + i * 4096u, 4096, PTE_AF, &ops) != ZX_OK) return 0;
  return root;
}

TEST(pt_free_all_visits_every_leaf_and_table) {
  uint64_t root = map_spread();
  ASSERT(root);
  unsigned made = tables_made;
  EXPECT_EQ(made, 12);  // the root; 3 level-1, 3 level-2 and 5 level-3 tables
  for (unsigned i = 0; i < SPREAD; i++) EXPECT(pt_leaf_entry(root, spread[i], &ops) != NULL);
  pt_free_all(root, &ops, count_leaf, count_table);
  EXPECT_EQ(leaves_freed, SPREAD);
  EXPECT_EQ(tables_freed, made);
}

TEST(pt_free_all_without_leaf_callback_frees_every_table) {
  uint64_t root = map_spread();
  ASSERT(root);
  unsigned made = tables_made;
  pt_free_all(root, &ops, NULL, count_table);
  EXPECT_EQ(leaves_freed, 0);
  EXPECT_EQ(tables_freed, made);
}

// --- pt_leaf_table: the one walk down to a level-3 table ---

// What table_added was told, in order.
struct added {
  unsigned n;
  uint64_t pa[8];
};

static void record_added(void *ctx, uint64_t pa) {
  struct added *added = ctx;
  if (added->n < 8) added->pa[added->n] = pa;
  added->n++;
}

static const struct pt_ops recording_ops = {.alloc_table = test_alloc_table,
                                            .table_added = record_added};

static uint64_t new_root(void) {
  tables_made = tables_freed = leaves_freed = 0;
  tables_limit = MAX_TABLES;
  return test_alloc_table();
}

static uint64_t entry_in(uint64_t table_pa, uint64_t va, int level) {
  return ((const uint64_t *)(uintptr_t)table_pa)[pt_index(va, level)];
}

static void free_tables(uint64_t root) {
  tables_limit = MAX_TABLES;
  pt_free_all(root, &ops, NULL, count_table);
  EXPECT_EQ(tables_freed, tables_made);
}

#define MMAP_VA 0xde128d373000ull  // its own level-1, -2 and -3 table
#define NEXT_2M (1ull << 21)       // the next level-3 table, under the same level-2 one

TEST(pt_leaf_table_adds_each_missing_level_and_reports_it) {
  uint64_t root = new_root();
  struct added added = {0};
  uint64_t *leaf = pt_leaf_table(root, MMAP_VA, true, &recording_ops, &added);
  ASSERT(leaf);
  ASSERT(added.n == 3);  // level 1, 2 and 3, top down
  EXPECT_EQ(tables_made, 4);
  EXPECT_EQ(entry_in(root, MMAP_VA, 0), added.pa[0] | PTE_TABLE | PTE_VALID);
  EXPECT_EQ(entry_in(added.pa[0], MMAP_VA, 1), added.pa[1] | PTE_TABLE | PTE_VALID);
  EXPECT_EQ(entry_in(added.pa[1], MMAP_VA, 2), added.pa[2] | PTE_TABLE | PTE_VALID);
  EXPECT(leaf == (uint64_t *)(uintptr_t)added.pa[2]);
  EXPECT(pt_leaf_entry(root, MMAP_VA, &ops) == &leaf[pt_index(MMAP_VA, 3)]);

  // Present tables are walked, not added again: the same page and its table's last page.
  EXPECT(pt_leaf_table(root, MMAP_VA, true, &recording_ops, &added) == leaf);
  EXPECT(pt_leaf_table(root, MMAP_VA | 0x1ff000, true, &recording_ops, &added) == leaf);
  EXPECT_EQ(added.n, 3);
  // The next 2 MiB: only its level-3 table is new.
  uint64_t *next = pt_leaf_table(root, MMAP_VA + NEXT_2M, true, &recording_ops, &added);
  ASSERT(next && next != leaf);
  EXPECT_EQ(added.n, 4);
  EXPECT(next == (uint64_t *)(uintptr_t)added.pa[3]);
  EXPECT_EQ(entry_in(added.pa[1], MMAP_VA + NEXT_2M, 2), added.pa[3] | PTE_TABLE | PTE_VALID);
  free_tables(root);
}

TEST(pt_leaf_table_without_alloc_adds_nothing) {
  uint64_t root = new_root();
  struct added added = {0};
  EXPECT(pt_leaf_table(root, MMAP_VA, false, &recording_ops, &added) == NULL);
  EXPECT_EQ(entry_in(root, MMAP_VA, 0), 0);
  // Levels 1 and 2 present, level 3 missing: still NULL, still nothing added.
  ASSERT(pt_map(root, MMAP_VA + NEXT_2M, 0x80000000u, 4096, PTE_AF, &ops) == ZX_OK);
  unsigned made = tables_made;
  EXPECT(pt_leaf_table(root, MMAP_VA, false, &recording_ops, &added) == NULL);
  EXPECT(pt_leaf_entry(root, MMAP_VA, &ops) == NULL);
  EXPECT_EQ(tables_made, made);
  EXPECT_EQ(added.n, 0);
  EXPECT(pt_leaf_table(root, MMAP_VA + NEXT_2M, false, &recording_ops, &added) != NULL);
  free_tables(root);
}

TEST(pt_leaf_table_allocation_failure_leaves_the_entry_invalid) {
  uint64_t root = new_root();
  struct added added = {0};
  tables_limit = tables_made + 1;  // the level-1 table, then no memory
  EXPECT(pt_leaf_table(root, MMAP_VA, true, &recording_ops, &added) == NULL);
  ASSERT(added.n == 1);  // the one made is reported (and reachable: teardown frees it)
  EXPECT_EQ(entry_in(root, MMAP_VA, 0), added.pa[0] | PTE_TABLE | PTE_VALID);
  EXPECT_EQ(entry_in(added.pa[0], MMAP_VA, 1), 0);
  // pt_map says so through the same step.
  EXPECT_EQ(pt_map(root, MMAP_VA, 0x80000000u, 4096, PTE_AF, &ops), ZX_ERR_NO_MEMORY);
  // With memory again the walk goes on from the table that exists.
  tables_limit = MAX_TABLES;
  EXPECT(pt_leaf_table(root, MMAP_VA, true, &recording_ops, &added) != NULL);
  EXPECT_EQ(added.n, 3);
  free_tables(root);
}

TEST(pt_leaf_table_stops_at_a_block) {
  uint64_t root = new_root();
  struct added added = {0};
  ASSERT(pt_map(root, 0x40000000, 0x80000000u, NEXT_2M, PTE_AF, &ops) == ZX_OK);
  unsigned made = tables_made;
  EXPECT(pt_leaf_table(root, 0x40001000, true, &recording_ops, &added) == NULL);
  EXPECT(pt_leaf_entry(root, 0x40001000, &ops) == NULL);
  EXPECT_EQ(tables_made, made);  // the block stays
  EXPECT_EQ(added.n, 0);
  EXPECT_EQ(pt_map(root, 0x40001000, 0x90000000u, 4096, PTE_AF, &ops), ZX_ERR_ALREADY_EXISTS);
  free_tables(root);
}

// A shared window (TTBR1) indexes its tables with bits 0-47 of the address, as TTBR0 does.
TEST(pt_leaf_table_indexes_ttbr1_addresses_by_their_low_48_bits) {
  uint64_t root = new_root();
  struct added added = {0};
  uint64_t window_va = 0xffff000000000000ull | MMAP_VA;
  uint64_t *leaf = pt_leaf_table(root, window_va, true, &recording_ops, &added);
  ASSERT(leaf);
  ASSERT(added.n == 3);
  EXPECT_EQ(entry_in(root, MMAP_VA, 0), added.pa[0] | PTE_TABLE | PTE_VALID);
  EXPECT(pt_leaf_table(root, MMAP_VA, false, &recording_ops, &added) == leaf);
  EXPECT(pt_leaf_entry(root, window_va, &ops) == pt_leaf_entry(root, MMAP_VA, &ops));
  EXPECT(pt_leaf_entry(root, window_va, &ops) == &leaf[(MMAP_VA >> 12) & (PT_ENTRIES - 1)]);
  // pt_map too: the page mapped at the window address is found at the low one.
  ASSERT(pt_map(root, window_va + 4096, 0x80000000u, 4096, PTE_AF, &ops) == ZX_OK);
  EXPECT_EQ(*pt_leaf_entry(root, MMAP_VA + 4096, &ops) & PTE_ADDR_MASK, 0x80000000u);
  EXPECT_EQ(added.n, 3);
  free_tables(root);
}
