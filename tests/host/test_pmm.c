// Tests of the buddy page allocator over a heap buffer that stands for physical
// memory: physmap_offset makes paddr_to_kva(pa) land in it.
#include <pthread.h>
#include <janus/testing.h>
#include <stdlib.h>
#include <string.h>

#include <janus/pmm.h>
#include "test.h"
#include "lib/hash.h"

uintptr_t physmap_offset;  // the one definition for the whole runner

#define MEM_SIZE ((uint64_t)64 << 20)
#define MEM_PAGES (MEM_SIZE / PAGE_SIZE)
#define RAM_BASE ((paddr_t)0x40000000)

static uint8_t *mem;   // MEM_SIZE bytes standing for [mem_base, mem_base + MEM_SIZE)
static paddr_t mem_base;
static int corruptions;
static paddr_t last_corruption;

void pmm_corruption(paddr_t pa) {
  corruptions++;
  last_corruption = pa;
}

static uint64_t rng_state;
static uint64_t rng(void) { return test_rng_next(&rng_state); }

struct block {
  paddr_t pa;
  unsigned order;
};

static struct block blocks[MEM_PAGES];
static uint8_t owned[MEM_PAGES];  // per page of mem: handed out?

// Empties the allocator and places "physical memory" at base.
static void setup(paddr_t base) {
  if (!mem) mem = aligned_alloc(PAGE_SIZE, MEM_SIZE);
  mem_base = base;
  physmap_offset = (uintptr_t)mem - (uintptr_t)base;  // wraps for base > mem: fine
  pmm_reset_for_test();
  memset(owned, 0, sizeof owned);
  corruptions = 0;
}

// Pages an arena over [base, base + size) manages, by the documented layout.
static uint64_t expected_pages(paddr_t base, uint64_t size) {
  uint64_t first = (base + PAGE_SIZE - 1) / PAGE_SIZE;
  uint64_t end = (base + size) / PAGE_SIZE;
  if (end <= first) return 0;
  uint64_t all = end - first, meta = (all + PAGE_SIZE) / (PAGE_SIZE + 1);
  return all > meta ? all - meta : 0;
}

// Records a block as handed out; fails on misalignment or overlap.
static int take(paddr_t pa, unsigned order) {
  uint64_t pages = (uint64_t)1 << order;
  if (pa % (PAGE_SIZE << order) != 0) return 0;
  if (pa < mem_base || pa - mem_base + (pages << PAGE_SHIFT) > MEM_SIZE) return 0;
  uint64_t first = (pa - mem_base) / PAGE_SIZE;
  for (uint64_t p = first; p < first + pages; p++) {
    if (owned[p]) return 0;
    owned[p] = 1;
  }
  return 1;
}

static void give_back(paddr_t pa, unsigned order) {
  uint64_t first = (pa - mem_base) / PAGE_SIZE;
  for (uint64_t p = first; p < first + ((uint64_t)1 << order); p++) owned[p] = 0;
  pmm_free(pa, order);
}

// Allocates blocks of `order` until none is left; returns how many.
static size_t alloc_all(unsigned order) {
  size_t n = 0;
  paddr_t pa;
  while (pmm_alloc(order, &pa) == ZX_OK) {
    if (!take(pa, order)) {
      char what[96];
      snprintf(what, sizeof what, "order %u block at 0x%llx aligned, inside, not handed out",
               order, (unsigned long long)pa);
      test_fail(__FILE__, __LINE__, what);
      break;
    }
    blocks[n].pa = pa;
    blocks[n].order = order;
    n++;
  }
  return n;
}

static void free_shuffled(size_t n) {
  for (size_t i = n; i > 1; i--) {
    size_t j = rng() % i;
    struct block t = blocks[i - 1];
    blocks[i - 1] = blocks[j];
    blocks[j] = t;
  }
  for (size_t i = 0; i < n; i++) give_back(blocks[i].pa, blocks[i].order);
}

// How many max-order blocks can be had right now (all returned afterwards).
static size_t max_order_blocks(void) {
  size_t n = alloc_all(PMM_MAX_ORDER);
  free_shuffled(n);
  return n;
}

TEST(pmm_single_range) {
  setup(RAM_BASE);
  EXPECT_EQ(pmm_total_pages(), 0);
  EXPECT_EQ(pmm_add_range(RAM_BASE, 16 << 20), ZX_OK);
  EXPECT_EQ(pmm_total_pages(), 4095);  // one page of metadata
  EXPECT_EQ(pmm_total_pages(), expected_pages(RAM_BASE, 16 << 20));
  EXPECT_EQ(pmm_free_pages(), 4095);
  paddr_t pa;
  EXPECT_EQ(pmm_alloc(0, &pa), ZX_OK);
  EXPECT(pa >= RAM_BASE + PAGE_SIZE && pa < RAM_BASE + (16 << 20));
  EXPECT_EQ(pmm_free_pages(), 4094);
  pmm_free(pa, 0);
  EXPECT_EQ(pmm_free_pages(), 4095);
  // [RAM_BASE + 4 KiB, + 16 MiB): three whole 4 MiB blocks.
  EXPECT_EQ(max_order_blocks(), 3);
  EXPECT_EQ(corruptions, 0);
}

TEST(pmm_every_order_and_coalescing) {
  rng_state = 0x6a09e667f3bcc909ull;
  for (unsigned order = 0; order <= PMM_MAX_ORDER; order++) {
    setup(RAM_BASE);
    // An aligned range and an oddly placed one.
    ASSERT(pmm_add_range(RAM_BASE, 16 << 20) == ZX_OK);
    ASSERT(pmm_add_range(RAM_BASE + (20 << 20) + 0x5432, (13 << 20) + 0x777) == ZX_OK);
    uint64_t total = pmm_total_pages();
    EXPECT_EQ(total, expected_pages(RAM_BASE, 16 << 20) +
                         expected_pages(RAM_BASE + (20 << 20) + 0x5432, (13 << 20) + 0x777));
    size_t max_blocks = max_order_blocks();
    size_t n = alloc_all(order);
    EXPECT(n > 0);
    EXPECT_EQ(pmm_free_pages(), total - ((uint64_t)n << order));
    paddr_t pa;
    EXPECT_EQ(pmm_alloc(order, &pa), ZX_ERR_NO_MEMORY);
    if (order == 0) EXPECT_EQ(n, total);
    free_shuffled(n);
    EXPECT_EQ(pmm_free_pages(), total);
    EXPECT_EQ(max_order_blocks(), max_blocks);  // fully coalesced again
    EXPECT_EQ(alloc_all(0), total);
    free_shuffled(total);
  }
  EXPECT_EQ(corruptions, 0);
}

// Fills a block with a tag so a later check sees whether anyone else wrote it.
static void fill(paddr_t pa, unsigned order, uint8_t tag) {
  memset(paddr_to_kva(pa), tag, PAGE_SIZE << order);
}

static int intact(paddr_t pa, unsigned order, uint8_t tag) {
  const uint8_t *p = paddr_to_kva(pa);
  for (uint64_t i = 0; i < (PAGE_SIZE << order); i += 64)
    if (p[i] != tag) return 0;
  return 1;
}

TEST(pmm_random_alloc_free) {
  setup(RAM_BASE);
  rng_state = 0xbb67ae8584caa73bull;
  ASSERT(pmm_add_range(RAM_BASE + 0x3000, (24 << 20) - 0x3000) == ZX_OK);
  ASSERT(pmm_add_range(RAM_BASE + (30 << 20), 9 << 20) == ZX_OK);
  uint64_t total = pmm_total_pages();
  size_t max_blocks = max_order_blocks();
  size_t live = 0;
  uint64_t live_pages = 0;
  for (int i = 0; i < 40000; i++) {
    if (live > 0 && (rng() % 2 || live == MEM_PAGES)) {
      size_t k = rng() % live;
      struct block b = blocks[k];
      blocks[k] = blocks[--live];
      if (!intact(b.pa, b.order, (uint8_t)(b.pa >> 12))) {
        test_fail(__FILE__, __LINE__, "an allocated block kept its contents");
        return;
      }
      give_back(b.pa, b.order);
      live_pages -= (uint64_t)1 << b.order;
    } else {
      unsigned order = (unsigned)(rng() % 4 ? rng() % 4 : rng() % (PMM_MAX_ORDER + 1));
      paddr_t pa;
      if (pmm_alloc(order, &pa) != ZX_OK) continue;
      ASSERT(take(pa, order));
      fill(pa, order, (uint8_t)(pa >> 12));
      blocks[live].pa = pa;
      blocks[live].order = order;
      live++;
      live_pages += (uint64_t)1 << order;
    }
    if (i % 1000 == 0) EXPECT_EQ(pmm_free_pages(), total - live_pages);
  }
  free_shuffled(live);
  EXPECT_EQ(pmm_free_pages(), total);
  EXPECT_EQ(max_order_blocks(), max_blocks);
  EXPECT_EQ(corruptions, 0);
}

TEST(pmm_invalid_requests) {
  setup(RAM_BASE);
  paddr_t pa;
  EXPECT_EQ(pmm_alloc(0, &pa), ZX_ERR_NO_MEMORY);  // no arenas
  ASSERT(pmm_add_range(RAM_BASE, 1 << 20) == ZX_OK);
  EXPECT_EQ(pmm_alloc(PMM_MAX_ORDER + 1, &pa), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(pmm_alloc(~0u, &pa), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(pmm_alloc(0, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(pmm_alloc(PMM_MAX_ORDER, &pa), ZX_ERR_NO_MEMORY);  // 1 MiB has no 4 MiB block
  EXPECT_EQ(corruptions, 0);
}

TEST(pmm_detects_bad_frees) {
  setup(RAM_BASE);
  ASSERT(pmm_add_range(RAM_BASE, 8 << 20) == ZX_OK);
  uint64_t total = pmm_total_pages();
  paddr_t a, b;
  ASSERT(pmm_alloc(0, &a) == ZX_OK);
  pmm_free(a, 0);
  EXPECT_EQ(corruptions, 0);
  pmm_free(a, 0);  // double free (a has merged into a bigger free block)
  EXPECT_EQ(corruptions, 1);
  EXPECT_EQ(last_corruption, a);
  EXPECT_EQ(pmm_free_pages(), total);

  ASSERT(pmm_alloc(2, &b) == ZX_OK);
  const struct {
    paddr_t pa;
    unsigned order;
  } bad[] = {
      {b, 1},                       // wrong order
      {b, 3},
      {b + PAGE_SIZE, 0},       // inside the block
      {b + 1, 2},                   // not page aligned
      {RAM_BASE, 0},                // the metadata page
      {RAM_BASE + (8 << 20), 0},    // past the arena
      {0, 0},                       // no arena there
      {b, PMM_MAX_ORDER + 1},
      {b, ~0u},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    corruptions = 0;
    pmm_free(bad[i].pa, bad[i].order);
    EXPECT_EQ(corruptions, 1);
    EXPECT_EQ(last_corruption, bad[i].pa);
  }
  EXPECT_EQ(pmm_free_pages(), total - 4);
  corruptions = 0;
  pmm_free(b, 2);
  EXPECT_EQ(corruptions, 0);
  pmm_free(b, 2);  // now the head of a free block, or merged away
  EXPECT_EQ(corruptions, 1);
  EXPECT_EQ(pmm_free_pages(), total);
}

TEST(pmm_detects_free_after_merge) {
  // Free both halves of an order-1 block, then the upper one again: it is now inside
  // a free block, and must not look allocated.
  setup(RAM_BASE);
  // Managed pages start 4-aligned (metadata at +0x3000): no lone order-0 blocks.
  ASSERT(pmm_add_range(RAM_BASE + 0x3000, (8 << 20) - 0x3000) == ZX_OK);
  uint64_t total = pmm_total_pages();
  paddr_t pair;
  ASSERT(pmm_alloc(1, &pair) == ZX_OK);
  pmm_free(pair, 1);
  paddr_t lo, hi;
  ASSERT(pmm_alloc(0, &lo) == ZX_OK);  // the same pair, split
  ASSERT(pmm_alloc(0, &hi) == ZX_OK);
  EXPECT_EQ(lo, pair);
  EXPECT_EQ(hi, pair + PAGE_SIZE);
  pmm_free(lo, 0);
  pmm_free(hi, 0);
  EXPECT_EQ(corruptions, 0);
  pmm_free(hi, 0);
  pmm_free(lo, 0);
  EXPECT_EQ(corruptions, 2);
  EXPECT_EQ(pmm_free_pages(), total);
  EXPECT_EQ(max_order_blocks(), 1);
}

TEST(pmm_odd_ranges) {
  setup(RAM_BASE);
  rng_state = 0x3c6ef372fe94f82bull;
  // Several ranges at odd offsets and sizes; every page stays inside its range.
  const struct {
    uint64_t off, size;
  } ranges[] = {{0x1234, 0x765432}, {0x800001, 0x3fff}, {0x900fff, 0x2002},
                {0xa00000, 0x1000}, {0xb00000, 0x2000}, {0xc00800, 0x13ff800}};
  uint64_t want = 0;
  for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
    EXPECT_EQ(pmm_add_range(RAM_BASE + ranges[i].off, ranges[i].size), ZX_OK);
    want += expected_pages(RAM_BASE + ranges[i].off, ranges[i].size);
  }
  EXPECT_EQ(pmm_total_pages(), want);
  for (unsigned order = 0; order <= PMM_MAX_ORDER; order += 3) {
    size_t n = alloc_all(order);
    for (size_t k = 0; k < n; k++) {
      // Inside one range, past its metadata page(s).
      int inside = 0;
      for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++) {
        paddr_t lo = RAM_BASE + ranges[i].off + PAGE_SIZE;
        paddr_t hi = RAM_BASE + ranges[i].off + ranges[i].size;
        uint64_t end = blocks[k].pa + (PAGE_SIZE << order);
        inside |= blocks[k].pa >= lo && end <= hi;
      }
      EXPECT(inside);
    }
    free_shuffled(n);
  }
  EXPECT_EQ(pmm_free_pages(), want);
  EXPECT_EQ(corruptions, 0);
}

TEST(pmm_add_range_limits) {
  setup(RAM_BASE);
  // Too small for metadata plus a page: skipped, not an error.
  EXPECT_EQ(pmm_add_range(RAM_BASE, 0), ZX_OK);
  EXPECT_EQ(pmm_add_range(RAM_BASE, 0x1000), ZX_OK);
  EXPECT_EQ(pmm_add_range(RAM_BASE + 0x10, 0x1ff0), ZX_OK);  // one whole page
  EXPECT_EQ(pmm_add_range(UINT64_MAX - 10, 5), ZX_OK);
  EXPECT_EQ(pmm_total_pages(), 0);
  EXPECT_EQ(pmm_add_range(RAM_BASE, UINT64_MAX), ZX_ERR_INVALID_ARGS);  // wraps
  EXPECT_EQ(pmm_add_range(RAM_BASE, 0x2000), ZX_OK);  // the smallest that counts
  EXPECT_EQ(pmm_total_pages(), 1);
  // Overlaps, including one that touches only the other's metadata page.
  EXPECT_EQ(pmm_add_range(RAM_BASE, 0x2000), ZX_ERR_ALREADY_EXISTS);
  EXPECT_EQ(pmm_add_range(RAM_BASE - 0x1000, 0x2000), ZX_ERR_ALREADY_EXISTS);
  EXPECT_EQ(pmm_add_range(RAM_BASE + 0x1000, 0x10000), ZX_ERR_ALREADY_EXISTS);
  EXPECT_EQ(pmm_add_range(RAM_BASE + 0x2000, 0x2000), ZX_OK);  // just after
  for (unsigned i = 2; i < PMM_MAX_ARENAS; i++)
    EXPECT_EQ(pmm_add_range(RAM_BASE + i * 0x10000, 0x3000), ZX_OK);
  EXPECT_EQ(pmm_add_range(RAM_BASE + 0x100000, 0x3000), ZX_ERR_NO_RESOURCES);
  EXPECT_EQ(pmm_total_pages(), 2 + 2 * (PMM_MAX_ARENAS - 2));
  EXPECT_EQ(alloc_all(0), pmm_total_pages());
  EXPECT_EQ(pmm_free_pages(), 0);
}

TEST(pmm_physical_address_zero) {
  // RAM from physical 0, as on the Raspberry Pi: the metadata sits at 0, and nothing
  // may treat 0 as "none".
  setup(0);
  ASSERT(pmm_add_range(0, 8 << 20) == ZX_OK);
  uint64_t total = pmm_total_pages();
  EXPECT_EQ(total, 2047);
  size_t n = alloc_all(0);
  EXPECT_EQ(n, total);
  paddr_t lowest = UINT64_MAX;
  for (size_t i = 0; i < n; i++) lowest = blocks[i].pa < lowest ? blocks[i].pa : lowest;
  EXPECT_EQ(lowest, 0x1000);
  pmm_free(0, 0);  // the metadata page: reported, as pa 0
  EXPECT_EQ(corruptions, 1);
  EXPECT_EQ(last_corruption, 0);
  free_shuffled(n);
  EXPECT_EQ(pmm_free_pages(), total);
  EXPECT_EQ(max_order_blocks(), 1);  // [4 MiB, 8 MiB); [4 KiB, 4 MiB) can't merge to it
  EXPECT_EQ(alloc_all(9), 3);        // 2 MiB blocks at 2, 4 and 6 MiB
  corruptions = 0;
}

// ---- Concurrency: threads through the one lock ----

// Two threads only: the host's arch_cpu_relax does not yield, so more spinning
// threads than CPUs convoy on the ticket lock and crawl.
#define THREADS 2
#define PER_THREAD 64
#define ROUNDS 5000

static void *hammer(void *arg) {
  uintptr_t id = (uintptr_t)arg;
  uint64_t seed = HASH_GOLDEN_RATIO_64 * (id + 1);
  struct block mine[PER_THREAD];
  size_t live = 0;
  long failures = 0;
  for (int i = 0; i < ROUNDS; i++) {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    if (live == PER_THREAD || (live > 0 && seed % 2)) {
      struct block b = mine[--live];
      if (!intact(b.pa, b.order, (uint8_t)(0xa0 + id))) failures++;
      pmm_free(b.pa, b.order);
    } else {
      unsigned order = (unsigned)(seed >> 8) % 3;
      paddr_t pa;
      if (pmm_alloc(order, &pa) != ZX_OK) continue;
      fill(pa, order, (uint8_t)(0xa0 + id));
      mine[live].pa = pa;
      mine[live++].order = order;
    }
  }
  while (live > 0) {
    struct block b = mine[--live];
    if (!intact(b.pa, b.order, (uint8_t)(0xa0 + id))) failures++;
    pmm_free(b.pa, b.order);
  }
  return (void *)failures;
}

TEST(pmm_threads) {
  setup(RAM_BASE);
  ASSERT(pmm_add_range(RAM_BASE, 1 << 20) == ZX_OK);  // small: threads contend
  uint64_t total = pmm_total_pages();
  pthread_t t[THREADS];
  for (uintptr_t i = 0; i < THREADS; i++)
    ASSERT(pthread_create(&t[i], NULL, hammer, (void *)i) == 0);
  for (int i = 0; i < THREADS; i++) {
    void *failures;
    pthread_join(t[i], &failures);
    EXPECT_EQ((long)failures, 0);
  }
  EXPECT_EQ(pmm_free_pages(), total);
  EXPECT_EQ(corruptions, 0);
}
