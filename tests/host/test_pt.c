// Tests of the translation-table walker (arch/arm64/boot/pt_map.c): pt_next_valid's
// block skipping against a plain scan, and pt_free_all visiting every leaf and table
// (or, without a leaf callback, every table without reading level-3 ones). Tables are
// host memory reached at their own address (access_offset 0).
#include <arch/pt.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

#define MAX_TABLES 64
static uint64_t *tables[MAX_TABLES];
static unsigned tables_made, tables_freed, leaves_freed;

static uint64_t test_alloc_table(void) {
  if (tables_made == MAX_TABLES) return PT_NO_TABLE;
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
