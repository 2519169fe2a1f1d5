// Tests of the slab caches over the host page allocator: objects are distinct, aligned
// and zeroed; slabs fill in order; empty slabs go back to the page allocator (all but
// one per cache); bad and double frees are caught; four threads churn one cache.
#include <pthread.h>
#include <janus/testing.h>
#include <stdlib.h>
#include <string.h>

#include <janus/pmm.h>
#include "../../core/vm/slab.h"
#include "test.h"

extern uintptr_t physmap_offset;  // tests/host/test_pmm.c

#define SLAB_MEM_SIZE ((uint64_t)16 << 20)
#define SLAB_RAM_BASE ((paddr_t)0x80000000)

static int slab_corruptions;
void slab_corruption(const struct slab_cache *c, const void *obj) {
  (void)c;
  (void)obj;
  slab_corruptions++;
}

// A fresh page allocator over memory aligned like physical memory (so a slab of
// 2^order pages is aligned to its size in "virtual" addresses too).
static uint64_t slab_setup(void) {
  static uint8_t *mem;
  if (!mem) mem = aligned_alloc(SLAB_MEM_SIZE, SLAB_MEM_SIZE);
  physmap_offset = (uintptr_t)mem - (uintptr_t)SLAB_RAM_BASE;
  pmm_reset_for_test();
  slab_reset_for_test();
  slab_corruptions = 0;
  pmm_add_range(SLAB_RAM_BASE, SLAB_MEM_SIZE);
  return pmm_free_pages();
}

TEST(slab_objects_distinct_aligned_zeroed) {
  uint64_t free0 = slab_setup();
  struct slab_cache c = SLAB_CACHE("t", 40);
  enum { N = 1000 };
  static void *objs[N];
  for (int i = 0; i < N; i++) {
    objs[i] = slab_alloc(&c);
    ASSERT(objs[i]);
    EXPECT_EQ((uintptr_t)objs[i] % 16, 0);
    for (int k = 0; k < 40; k++) EXPECT_EQ(((uint8_t *)objs[i])[k], 0);
    memset(objs[i], 0xa5, 40);
  }
  // No two overlap: sorted, each starts at least a stride after the one before.
  for (int i = 0; i < N; i++)
    for (int j = i + 1; j < N; j++) {
      uintptr_t a = (uintptr_t)objs[i], b = (uintptr_t)objs[j];
      EXPECT(a + 40 <= b || b + 40 <= a);
    }
  EXPECT_EQ(c.live, N);
  EXPECT(slab_pages() > 0);
  for (int i = 0; i < N; i++) slab_free(&c, objs[i]);
  EXPECT_EQ(c.live, 0);
  // Everything but one empty slab is back in the page allocator.
  EXPECT_EQ(c.slabs, 1);
  EXPECT_EQ(pmm_free_pages(), free0 - ((uint64_t)1 << c.order));
  EXPECT_EQ(slab_empty_pages(), (uint64_t)1 << c.order);
  EXPECT_EQ(slab_corruptions, 0);
  // The spare is used first: no new pages for the next allocation.
  void *again = slab_alloc(&c);
  EXPECT_EQ(pmm_free_pages(), free0 - ((uint64_t)1 << c.order));
  EXPECT_EQ(slab_empty_pages(), 0);
  slab_free(&c, again);
}

// SLAB_CACHE_ALIGNED: every object on its alignment (hardware tables need it), 63
// 64-byte objects to a page (the first 64 bytes hold the header), misaligned frees
// caught.
TEST(slab_aligned_objects) {
  uint64_t free0 = slab_setup();
  struct slab_cache c = SLAB_CACHE_ALIGNED("aligned", 64, 64);
  enum { N = 200 };
  static void *objs[N];
  for (int i = 0; i < N; i++) {
    objs[i] = slab_alloc(&c);
    ASSERT(objs[i]);
    EXPECT_EQ((uintptr_t)objs[i] % 64, 0);
  }
  EXPECT_EQ(c.order, 0);
  EXPECT_EQ(c.per_slab, 63);
  EXPECT_EQ(free0 - pmm_free_pages(), (N + 62) / 63);
  slab_free(&c, (uint8_t *)objs[0] + 16);
  EXPECT_EQ(slab_corruptions, 1);
  for (int i = 0; i < N; i++) slab_free(&c, objs[i]);
  EXPECT_EQ(c.live, 0);
  EXPECT_EQ(pmm_free_pages(), free0 - 1);  // the one spare slab
}

TEST(slab_orders_waste_little) {
  slab_setup();
  // A page-sized object: an order where 1/8 at most is wasted; a small one: order 0.
  struct slab_cache big = SLAB_CACHE("big", 4096), small = SLAB_CACHE("small", 64);
  struct slab_cache odd = SLAB_CACHE("odd", 2300);
  void *a = slab_alloc(&big), *b = slab_alloc(&small), *o = slab_alloc(&odd);
  ASSERT(a && b && o);
  EXPECT_EQ(small.order, 0);
  EXPECT(big.per_slab * big.stride * 8 >= (PAGE_SIZE << big.order) * 7);
  EXPECT(odd.per_slab * odd.stride * 10 >= (PAGE_SIZE << odd.order) * 9);
  slab_free(&big, a);
  slab_free(&small, b);
  slab_free(&odd, o);
  EXPECT_EQ(slab_corruptions, 0);
}

TEST(slab_bad_and_double_frees_are_caught) {
  slab_setup();
  struct slab_cache c = SLAB_CACHE("t", 48), other = SLAB_CACHE("o", 48);
  uint8_t *a = slab_alloc(&c), *b = slab_alloc(&c);
  ASSERT(a && b);
  slab_free(&c, a + 8);  // not the start of an object
  EXPECT_EQ(slab_corruptions, 1);
  slab_free(&other, a);  // another cache's object
  EXPECT_EQ(slab_corruptions, 2);
  slab_free(&c, a);
  slab_free(&c, a);  // double free
  EXPECT_EQ(slab_corruptions, 3);
  EXPECT_EQ(c.live, 1);
  slab_free(&c, b);
  slab_free(&c, NULL);  // as free(NULL)
  EXPECT_EQ(slab_corruptions, 3);
  EXPECT_EQ(c.live, 0);
}

TEST(slab_out_of_pages_is_null_and_recovers) {
  uint64_t free0 = slab_setup();
  struct slab_cache c = SLAB_CACHE("t", 1000);
  size_t cap = (size_t)free0 * (PAGE_SIZE / 1000) + 16;
  void **objs = calloc(cap, sizeof *objs);
  size_t n = 0;
  while (n < cap && (objs[n] = slab_alloc(&c))) n++;
  EXPECT(n < cap);   // ran out
  EXPECT(n > 1000);  // after using most memory
  while (n) slab_free(&c, objs[--n]);
  EXPECT_EQ(pmm_free_pages() + slab_empty_pages(), free0);
  EXPECT_EQ(slab_corruptions, 0);
  free(objs);
}

static struct slab_cache shared_cache = SLAB_CACHE("shared", 96);

static void *churn(void *arg) {
  uint64_t rng_state = (uintptr_t)arg * 7919 + 1;
  enum { HELD = 300 };
  uint64_t *held[HELD] = {0};
  for (int i = 0; i < 40000; i++) {
    unsigned k = test_rng_next(&rng_state) % HELD;
    if (held[k]) {
      if (*held[k] != (uintptr_t)&held[k])
        __atomic_fetch_add(&slab_corruptions, 100, __ATOMIC_RELAXED);
      slab_free(&shared_cache, held[k]);
      held[k] = NULL;
    } else if ((held[k] = slab_alloc(&shared_cache))) {
      *held[k] = (uintptr_t)&held[k];  // another thread's write here would show
    }
  }
  for (unsigned k = 0; k < HELD; k++) slab_free(&shared_cache, held[k]);
  return NULL;
}

TEST(slab_four_threads_churn_one_cache) {
  uint64_t free0 = slab_setup();
  shared_cache = (struct slab_cache)SLAB_CACHE("shared", 96);
  pthread_t t[4];
  for (uintptr_t i = 0; i < 4; i++) pthread_create(&t[i], NULL, churn, (void *)i);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  EXPECT_EQ(slab_corruptions, 0);
  EXPECT_EQ(shared_cache.live, 0);
  EXPECT_EQ(pmm_free_pages() + slab_empty_pages(), free0);
}
