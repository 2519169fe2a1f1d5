// Tests of handle tables: values, lookups in Zircon's error order, rights rules for
// duplicate and replace, stale handles, capacity, and reference counting.
#include <pthread.h>
#include <janus/testing.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include <zircon/rights.h>

#include "../../core/object/handle_table.h"
#include <janus/object.h>
#include "test.h"
#include "lib/hash.h"

#define TYPE_A 5u
#define TYPE_B 6u
#define RIGHTS_RW (ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER | ZX_RIGHT_READ | ZX_RIGHT_WRITE)

struct tobj {
  struct kobject base;
  int destroyed;
};

static void tobj_destroy(struct kobject *obj) { ((struct tobj *)obj)->destroyed++; }
static const struct kobject_ops tobj_ops = {.destroy = tobj_destroy};

static void tobj_init(struct tobj *o, uint32_t type) {
  memset(o, 0, sizeof *o);
  kobject_init(&o->base, type, &tobj_ops);
}

TEST(handle_add_get_remove) {
  uint64_t live = kobject_live_count();
  struct handle_table ht;
  handle_table_init(&ht, 42);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  zx_handle_t h = ZX_HANDLE_INVALID;
  ASSERT(handle_table_add(&ht, &a.base, RIGHTS_RW, &h) == ZX_OK);
  EXPECT(h != ZX_HANDLE_INVALID);
  EXPECT_EQ(h & 3u, 3u);
  EXPECT_EQ(handle_table_count(&ht), 1);
  EXPECT_EQ(a.base.refcount, 2);

  struct kobject *obj = NULL;
  zx_rights_t rights = 0;
  EXPECT_EQ(handle_table_get(&ht, h, TYPE_A, ZX_RIGHT_READ, &obj, &rights), ZX_OK);
  EXPECT(obj == &a.base);
  EXPECT_EQ(rights, RIGHTS_RW);
  EXPECT_EQ(a.base.refcount, 3);
  kobject_unref(obj);
  EXPECT_EQ(handle_table_get(&ht, h, 0, 0, NULL, NULL), ZX_OK);  // any type, no ref
  EXPECT_EQ(a.base.refcount, 2);

  EXPECT_EQ(handle_table_remove(&ht, h, &obj, &rights), ZX_OK);
  EXPECT(obj == &a.base);
  EXPECT_EQ(rights, RIGHTS_RW);
  EXPECT_EQ(handle_table_count(&ht), 0);
  EXPECT_EQ(a.base.refcount, 2);  // the caller got the table's reference
  kobject_unref(obj);
  EXPECT_EQ(handle_table_remove(&ht, h, &obj, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_close(&ht, h), ZX_ERR_BAD_HANDLE);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
  handle_table_destroy(&ht);
  EXPECT_EQ(kobject_live_count(), live);
}

TEST(handle_get_error_order) {
  struct handle_table ht;
  handle_table_init(&ht, 7);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  zx_handle_t h;
  ASSERT(handle_table_add(&ht, &a.base, ZX_RIGHT_READ, &h) == ZX_OK);
  struct kobject *obj = (struct kobject *)1;
  // Invalid values: 0, wrong fixed bits, a slot never allocated, other generations.
  EXPECT_EQ(handle_table_get(&ht, ZX_HANDLE_INVALID, 0, 0, &obj, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_get(&ht, h & ~1u, 0, 0, &obj, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_get(&ht, h & ~2u, 0, 0, &obj, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_get(&ht, h ^ (0x8000u << 2), 0, 0, &obj, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_get(&ht, h ^ (1u << 18), 0, 0, &obj, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_get(&ht, h ^ (1u << 31), 0, 0, &obj, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT(obj == (struct kobject *)1);  // untouched on errors
  // Type is checked before rights, and bad handles before both.
  EXPECT_EQ(handle_table_get(&ht, h, TYPE_B, ZX_RIGHT_WRITE, &obj, NULL), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(handle_table_get(&ht, h, TYPE_A, ZX_RIGHT_WRITE, &obj, NULL), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(handle_table_get(&ht, h, 0, ZX_RIGHT_READ | ZX_RIGHT_WRITE, &obj, NULL),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(a.base.refcount, 2);  // errors take no reference
  EXPECT_EQ(handle_table_close(&ht, h), ZX_OK);
  EXPECT_EQ(handle_table_get(&ht, h, TYPE_B, ZX_RIGHT_WRITE, &obj, NULL), ZX_ERR_BAD_HANDLE);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
  handle_table_destroy(&ht);
}

TEST(handle_duplicate_rights) {
  struct handle_table ht;
  handle_table_init(&ht, 9);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  zx_handle_t h, d1, d2, nodup, out = 123;
  ASSERT(handle_table_add(&ht, &a.base, RIGHTS_RW, &h) == ZX_OK);
  kobject_unref(&a.base);  // the table's handles own it now

  zx_rights_t rights;
  EXPECT_EQ(handle_table_duplicate(&ht, h, ZX_RIGHT_SAME_RIGHTS, &d1), ZX_OK);
  EXPECT(d1 != h);
  EXPECT_EQ(handle_table_get(&ht, d1, TYPE_A, 0, NULL, &rights), ZX_OK);
  EXPECT_EQ(rights, RIGHTS_RW);
  EXPECT_EQ(handle_table_duplicate(&ht, h, ZX_RIGHT_READ, &d2), ZX_OK);
  EXPECT_EQ(handle_table_get(&ht, d2, TYPE_A, 0, NULL, &rights), ZX_OK);
  EXPECT_EQ(rights, ZX_RIGHT_READ);
  EXPECT_EQ(handle_table_duplicate(&ht, h, ZX_RIGHT_NONE, &nodup), ZX_OK);  // empty subset
  // Not a subset; a source without DUPLICATE is denied before rights are looked at.
  EXPECT_EQ(handle_table_duplicate(&ht, h, RIGHTS_RW | ZX_RIGHT_EXECUTE, &out),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(handle_table_duplicate(&ht, d2, ZX_RIGHT_READ, &out), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(handle_table_duplicate(&ht, d2, ZX_RIGHT_EXECUTE, &out), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(handle_table_duplicate(&ht, ZX_HANDLE_INVALID, ZX_RIGHT_READ, &out),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_duplicate(&ht, h ^ (1u << 20), ZX_RIGHT_READ, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(out, 123);
  EXPECT_EQ(handle_table_count(&ht), 4);
  EXPECT_EQ(a.base.refcount, 4);

  // The object lives until its last handle closes.
  EXPECT_EQ(handle_table_close(&ht, h), ZX_OK);
  EXPECT_EQ(handle_table_close(&ht, d1), ZX_OK);
  EXPECT_EQ(handle_table_close(&ht, nodup), ZX_OK);
  EXPECT_EQ(a.destroyed, 0);
  EXPECT_EQ(handle_table_close(&ht, d2), ZX_OK);
  EXPECT_EQ(a.destroyed, 1);
  handle_table_destroy(&ht);
}

TEST(handle_replace_rules) {
  struct handle_table ht;
  handle_table_init(&ht, 11);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  zx_handle_t h, r1, r2, out = 77;
  ASSERT(handle_table_add(&ht, &a.base, RIGHTS_RW, &h) == ZX_OK);
  kobject_unref(&a.base);
  zx_rights_t rights;

  EXPECT_EQ(handle_table_replace(&ht, h, ZX_RIGHT_SAME_RIGHTS, &r1), ZX_OK);
  EXPECT(r1 != h);
  EXPECT_EQ(r1 & 3u, 3u);
  EXPECT_EQ(handle_table_get(&ht, h, 0, 0, NULL, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_get(&ht, r1, 0, 0, NULL, &rights), ZX_OK);
  EXPECT_EQ(rights, RIGHTS_RW);
  EXPECT_EQ(handle_table_replace(&ht, r1, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE, &r2), ZX_OK);
  EXPECT_EQ(handle_table_get(&ht, r2, 0, 0, NULL, &rights), ZX_OK);
  EXPECT_EQ(rights, ZX_RIGHT_READ | ZX_RIGHT_DUPLICATE);
  EXPECT_EQ(handle_table_count(&ht), 1);
  EXPECT_EQ(a.base.refcount, 1);  // replace moves the reference

  // Bad handle: nothing happens.
  EXPECT_EQ(handle_table_replace(&ht, r1, ZX_RIGHT_READ, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_replace(&ht, ZX_HANDLE_INVALID, ZX_RIGHT_READ, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_count(&ht), 1);
  // Rights not a subset: INVALID_ARGS, and the handle is closed anyway (Zircon:
  // "handle is always invalidated"), here dropping the last reference.
  zx_handle_t keep;
  EXPECT_EQ(handle_table_duplicate(&ht, r2, ZX_RIGHT_SAME_RIGHTS, &keep), ZX_OK);
  EXPECT_EQ(handle_table_replace(&ht, r2, ZX_RIGHT_WRITE, &out), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(out, 77);
  EXPECT_EQ(handle_table_get(&ht, r2, 0, 0, NULL, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(a.destroyed, 0);
  EXPECT_EQ(handle_table_replace(&ht, keep, ZX_RIGHT_READ | ZX_RIGHT_WRITE, &out),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(a.destroyed, 1);
  EXPECT_EQ(handle_table_count(&ht), 0);
  handle_table_destroy(&ht);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static int count_repeats(uint32_t *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_u32);
  int repeats = 0;
  for (size_t i = 1; i < n; i++) repeats += v[i] == v[i - 1];
  return repeats;
}

TEST(handle_stale_values_not_reused) {
  struct handle_table ht;
  handle_table_init(&ht, 0x1234);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  enum { CYCLES = 20000 };
  uint32_t *seen = malloc(CYCLES * sizeof *seen);
  zx_handle_t first = 0, h = 0;
  int bad_bits = 0, stale_ok = 0, n = 0;
  for (; n < CYCLES; n++) {
    if (handle_table_add(&ht, &a.base, ZX_RIGHT_READ, &h) != ZX_OK) break;
    if (n == 0) first = h;
    seen[n] = h;
    bad_bits += (h & 3u) != 3u || h == ZX_HANDLE_INVALID;
    handle_table_close(&ht, h);
    stale_ok += handle_table_get(&ht, h, 0, 0, NULL, NULL) != ZX_ERR_BAD_HANDLE;
    stale_ok += handle_table_get(&ht, first, 0, 0, NULL, NULL) != ZX_ERR_BAD_HANDLE;
  }
  EXPECT_EQ(n, CYCLES);
  EXPECT_EQ(bad_bits, 0);
  EXPECT_EQ(stale_ok, 0);
  EXPECT_EQ(count_repeats(seen, n), 0);
  free(seen);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
  handle_table_destroy(&ht);
}

TEST(handle_value_returns_only_after_generation_wraps) {
  // Fill all but one slot of the first chunk, so every close/add cycle uses the
  // same slot: its value must come back exactly when the 14-bit generation wraps.
  struct handle_table ht;
  handle_table_init(&ht, 0x5678);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  zx_handle_t hold[HANDLE_TABLE_CHUNK - 1], h = 0, first = 0;
  for (unsigned i = 0; i < HANDLE_TABLE_CHUNK - 1; i++)
    ASSERT(handle_table_add(&ht, &a.base, 0, &hold[i]) == ZX_OK);
  enum { WRAP = 16384 };
  uint32_t *seen = malloc(WRAP * sizeof *seen);
  for (int i = 0; i < WRAP; i++) {
    ASSERT(handle_table_add(&ht, &a.base, 0, &h) == ZX_OK);
    if (i == 0) first = h;
    seen[i] = h;
    EXPECT_EQ(handle_table_close(&ht, h), ZX_OK);
  }
  EXPECT_EQ(count_repeats(seen, WRAP), 0);
  ASSERT(handle_table_add(&ht, &a.base, 0, &h) == ZX_OK);
  EXPECT_EQ(h, first);
  EXPECT_EQ(handle_table_count(&ht), HANDLE_TABLE_CHUNK);
  handle_table_destroy(&ht);
  free(seen);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
}

TEST(handle_fifo_reuse_spreads_values) {
  // With many handles open, closed values stay unique for far longer than a slot's
  // generation cycle alone would allow.
  struct handle_table ht;
  handle_table_init(&ht, 99);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  enum { OPEN = 100, CYCLES = 50000 };
  zx_handle_t open[OPEN];
  uint32_t *seen = malloc((OPEN + CYCLES) * sizeof *seen);
  for (int i = 0; i < OPEN; i++) {
    ASSERT(handle_table_add(&ht, &a.base, 0, &open[i]) == ZX_OK);
    seen[i] = open[i];
  }
  uint64_t rng = HASH_GOLDEN_RATIO_64;
  for (int i = 0; i < CYCLES; i++) {
    int k = (int)(test_rng_next(&rng) % OPEN);
    EXPECT_EQ(handle_table_close(&ht, open[k]), ZX_OK);
    ASSERT(handle_table_add(&ht, &a.base, 0, &open[k]) == ZX_OK);
    seen[OPEN + i] = open[k];
  }
  EXPECT_EQ(count_repeats(seen, OPEN + CYCLES), 0);
  EXPECT_EQ(handle_table_count(&ht), OPEN);
  handle_table_destroy(&ht);
  EXPECT_EQ(handle_table_count(&ht), 0);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
  free(seen);
}

TEST(handle_secrets_differ) {
  struct handle_table t1, t2, t3;
  handle_table_init(&t1, 1);
  handle_table_init(&t2, 2);
  handle_table_init(&t3, 1);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  zx_handle_t v1[16], v2[16], v3[16];
  int same12 = 0, same13 = 0, cross = 0;
  for (int i = 0; i < 16; i++) {
    ASSERT(handle_table_add(&t1, &a.base, 0, &v1[i]) == ZX_OK);
    ASSERT(handle_table_add(&t2, &a.base, 0, &v2[i]) == ZX_OK);
    ASSERT(handle_table_add(&t3, &a.base, 0, &v3[i]) == ZX_OK);
    same12 += v1[i] == v2[i];
    same13 += v1[i] == v3[i];
  }
  EXPECT_EQ(same12, 0);
  EXPECT_EQ(same13, 16);  // same seed, same values: the secret is all that differs
  // A value from one table is no handle in another.
  for (int i = 0; i < 16; i++)
    cross += handle_table_get(&t2, v1[i], 0, 0, NULL, NULL) == ZX_OK;
  EXPECT(cross < 16);
  handle_table_destroy(&t1);
  handle_table_destroy(&t2);
  handle_table_destroy(&t3);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
}

TEST(handle_capacity_limit) {
  uint64_t live = kobject_live_count();
  struct handle_table ht;
  handle_table_init(&ht, 3);
  struct tobj a, b;
  tobj_init(&a, TYPE_A);
  tobj_init(&b, TYPE_B);
  zx_handle_t h = 0, first = 0, last = 0;
  int failures = 0;
  for (uint32_t i = 0; i < HANDLE_TABLE_MAX; i++) {
    failures += handle_table_add(&ht, i % 2 ? &a.base : &b.base, ZX_RIGHT_DUPLICATE, &h) != ZX_OK;
    if (i == 0) first = h;
    last = h;
  }
  EXPECT_EQ(failures, 0);
  EXPECT_EQ(handle_table_count(&ht), HANDLE_TABLE_MAX);
  zx_handle_t out = 5;
  EXPECT_EQ(handle_table_add(&ht, &a.base, 0, &out), ZX_ERR_NO_RESOURCES);
  EXPECT_EQ(handle_table_duplicate(&ht, first, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_NO_RESOURCES);
  EXPECT_EQ(out, 5);
  EXPECT_EQ(handle_table_get(&ht, last, TYPE_A, 0, NULL, NULL), ZX_OK);
  // Closing one makes room again.
  EXPECT_EQ(handle_table_close(&ht, first), ZX_OK);
  EXPECT_EQ(handle_table_duplicate(&ht, last, ZX_RIGHT_SAME_RIGHTS, &out), ZX_OK);
  EXPECT_EQ(a.base.refcount, 1 + HANDLE_TABLE_MAX / 2 + 1);
  handle_table_destroy(&ht);  // closes all 65,536
  EXPECT_EQ(handle_table_count(&ht), 0);
  EXPECT_EQ(handle_table_get(&ht, last, 0, 0, NULL, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(a.base.refcount, 1);
  EXPECT_EQ(b.base.refcount, 1);
  kobject_unref(&a.base);
  kobject_unref(&b.base);
  EXPECT_EQ(a.destroyed, 1);
  EXPECT_EQ(b.destroyed, 1);
  EXPECT_EQ(kobject_live_count(), live);
}

// zx_process_start may move handles into a process that a zx_task_kill on another
// CPU is tearing down: once destroyed, the table takes nothing (no reference leaks
// into freed memory) and finds nothing.
TEST(handle_table_after_destroy) {
  uint64_t live = kobject_live_count();
  struct handle_table ht;
  handle_table_init(&ht, 4);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  zx_handle_t h, out = 7;
  EXPECT_EQ(handle_table_add(&ht, &a.base, ZX_RIGHT_DUPLICATE, &h), ZX_OK);
  EXPECT_EQ(a.base.refcount, 2);
  handle_table_destroy(&ht);
  EXPECT_EQ(a.base.refcount, 1);
  EXPECT_EQ(handle_table_add(&ht, &a.base, ZX_RIGHT_DUPLICATE, &out), ZX_ERR_BAD_STATE);
  EXPECT_EQ(out, 7);
  EXPECT_EQ(a.base.refcount, 1);
  EXPECT_EQ(handle_table_duplicate(&ht, h, ZX_RIGHT_SAME_RIGHTS, &out), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_get(&ht, h, 0, 0, NULL, NULL), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_close(&ht, h), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(handle_table_count(&ht), 0);
  handle_table_destroy(&ht);  // twice is harmless
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
  EXPECT_EQ(kobject_live_count(), live);
}

TEST(handle_ref_outlives_close) {
  struct handle_table ht;
  handle_table_init(&ht, 5);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  zx_handle_t h;
  ASSERT(handle_table_add(&ht, &a.base, ZX_RIGHT_READ, &h) == ZX_OK);
  kobject_unref(&a.base);
  struct kobject *obj;
  ASSERT(handle_table_get(&ht, h, TYPE_A, ZX_RIGHT_READ, &obj, NULL) == ZX_OK);
  EXPECT_EQ(handle_table_close(&ht, h), ZX_OK);
  EXPECT_EQ(a.destroyed, 0);  // the lookup's reference keeps it alive
  kobject_unref(obj);
  EXPECT_EQ(a.destroyed, 1);
  handle_table_destroy(&ht);
}

// Several threads adding, duplicating, looking up and closing in one table.
#define HT_THREADS 4
#define HT_ROUNDS 20000

struct worker_arg {
  struct handle_table *ht;
  struct kobject *obj;
  uint64_t seed;
  int errors;
};

static void *table_worker(void *p) {
  struct worker_arg *w = p;
  zx_handle_t mine[8];
  int n = 0;
  for (int i = 0; i < HT_ROUNDS; i++) {
    uint64_t r = test_rng_next(&w->seed);
    if (n < 8 && (r & 1)) {
      zx_status_t s = n && (r & 2)
                          ? handle_table_duplicate(w->ht, mine[0], ZX_RIGHT_SAME_RIGHTS, &mine[n])
                          : handle_table_add(w->ht, w->obj, ZX_RIGHT_DUPLICATE, &mine[n]);
      w->errors += s != ZX_OK;
      n += s == ZX_OK;
    } else if (n) {
      struct kobject *o;
      w->errors += handle_table_get(w->ht, mine[n - 1], TYPE_A, 0, &o, NULL) != ZX_OK;
      if (o != w->obj) w->errors++;
      kobject_unref(o);
      w->errors += handle_table_close(w->ht, mine[--n]) != ZX_OK;
    }
  }
  while (n) w->errors += handle_table_close(w->ht, mine[--n]) != ZX_OK;
  return NULL;
}

TEST(handle_concurrent_use) {
  struct handle_table ht;
  handle_table_init(&ht, 17);
  struct tobj a;
  tobj_init(&a, TYPE_A);
  pthread_t t[HT_THREADS];
  struct worker_arg args[HT_THREADS];
  for (int i = 0; i < HT_THREADS; i++) {
    args[i] = (struct worker_arg){&ht, &a.base, 0x1234567ull * (i + 1), 0};
    pthread_create(&t[i], NULL, table_worker, &args[i]);
  }
  for (int i = 0; i < HT_THREADS; i++) {
    pthread_join(t[i], NULL);
    EXPECT_EQ(args[i].errors, 0);
  }
  EXPECT_EQ(handle_table_count(&ht), 0);
  EXPECT_EQ(a.base.refcount, 1);
  handle_table_destroy(&ht);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
}

struct destroy_race_arg {
  struct handle_table *ht;
  struct kobject *obj;
  int added, unexpected;
};

// Adds and closes until the table refuses: each close may find its handle already
// closed by the destroy.
static void *add_until_destroyed(void *p) {
  struct destroy_race_arg *w = p;
  for (;;) {
    zx_handle_t h;
    zx_status_t s = handle_table_add(w->ht, w->obj, 0, &h);
    if (s == ZX_ERR_BAD_STATE) return NULL;
    if (s != ZX_OK) { w->unexpected++; return NULL; }
    __atomic_add_fetch(&w->added, 1, __ATOMIC_RELAXED);
    s = handle_table_close(w->ht, h);
    w->unexpected += s != ZX_OK && s != ZX_ERR_BAD_HANDLE;
  }
}

// The zx_process_start / zx_task_kill race on the table itself: destroy while other
// threads add. No reference may leak and nothing may touch freed chunks (ASan).
TEST(handle_destroy_races_adds) {
  for (int round = 0; round < 20; round++) {
    struct handle_table ht;
    handle_table_init(&ht, 100 + round);
    struct tobj a;
    tobj_init(&a, TYPE_A);
    pthread_t t[HT_THREADS];
    struct destroy_race_arg args[HT_THREADS];
    for (int i = 0; i < HT_THREADS; i++) {
      args[i] = (struct destroy_race_arg){&ht, &a.base, 0, 0};
      pthread_create(&t[i], NULL, add_until_destroyed, &args[i]);
    }
    // Let every worker get going before the destroy.
    for (int i = 0; i < HT_THREADS; i++)
      while (!__atomic_load_n(&args[i].added, __ATOMIC_RELAXED)) sched_yield();
    handle_table_destroy(&ht);
    for (int i = 0; i < HT_THREADS; i++) {
      pthread_join(t[i], NULL);
      EXPECT_EQ(args[i].unexpected, 0);
    }
    EXPECT_EQ(handle_table_count(&ht), 0);
    EXPECT_EQ(a.base.refcount, 1);
    kobject_unref(&a.base);
    EXPECT_EQ(a.destroyed, 1);
  }
}

// The host's chunks come from malloc (the kernel's from the page allocator).
void *handle_chunk_alloc(void) { return malloc(HANDLE_TABLE_CHUNK_BYTES); }
void handle_chunk_free(void *chunk) { free(chunk); }
