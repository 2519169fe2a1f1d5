// Tests of kernel object lifetime: koids, reference counts, the live count.
#include <pthread.h>
#include <stdlib.h>

#include <janus/object.h>
#include "test.h"

struct counted {
  struct kobject base;
  int destroyed;
};

static void counted_destroy(struct kobject *obj) { ((struct counted *)obj)->destroyed++; }
static const struct kobject_ops counted_ops = {.destroy = counted_destroy};

TEST(object_koids_unique_increasing) {
  struct counted a = {0}, b = {0}, c = {0};
  kobject_init(&a.base, 1, &counted_ops);
  kobject_init(&b.base, 2, &counted_ops);
  kobject_init(&c.base, 1, &counted_ops);
  EXPECT(a.base.koid >= KOBJECT_FIRST_KOID);
  EXPECT(b.base.koid > a.base.koid);
  EXPECT(c.base.koid > b.base.koid);
  EXPECT_EQ(a.base.type, 1);
  EXPECT_EQ(b.base.type, 2);
  kobject_unref(&a.base);
  kobject_unref(&b.base);
  kobject_unref(&c.base);
  // A koid is never reused, even after its object is gone.
  struct counted d = {0};
  kobject_init(&d.base, 1, &counted_ops);
  EXPECT(d.base.koid > c.base.koid);
  kobject_unref(&d.base);
}

TEST(object_destroy_once_after_last_unref) {
  uint64_t live = kobject_live_count();
  struct counted a = {0};
  kobject_init(&a.base, 1, &counted_ops);
  EXPECT_EQ(kobject_live_count(), live + 1);
  kobject_ref(&a.base);
  kobject_ref(&a.base);
  kobject_unref(&a.base);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 0);
  EXPECT_EQ(kobject_live_count(), live + 1);
  kobject_unref(&a.base);
  EXPECT_EQ(a.destroyed, 1);
  EXPECT_EQ(kobject_live_count(), live);
}

#define THREADS 4
#define ROUNDS 100000

static void *ref_unref_worker(void *arg) {
  struct kobject *obj = arg;
  for (int i = 0; i < ROUNDS; i++) {
    kobject_ref(obj);
    kobject_unref(obj);
  }
  kobject_unref(obj);  // each worker owns one reference
  return NULL;
}

TEST(object_concurrent_refs_destroy_once) {
  uint64_t live = kobject_live_count();
  struct counted *a = calloc(1, sizeof *a);
  kobject_init(&a->base, 1, &counted_ops);
  for (int i = 1; i < THREADS; i++) kobject_ref(&a->base);
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, ref_unref_worker, &a->base);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  EXPECT_EQ(a->destroyed, 1);
  EXPECT_EQ(kobject_live_count(), live);
  free(a);
}

static zx_koid_t koids[THREADS][1000];

static void *koid_worker(void *arg) {
  zx_koid_t *out = arg;
  for (int i = 0; i < 1000; i++) {
    struct counted c = {0};
    kobject_init(&c.base, 1, &counted_ops);
    out[i] = c.base.koid;
    kobject_unref(&c.base);
  }
  return NULL;
}

static int cmp_koid(const void *a, const void *b) {
  zx_koid_t x = *(const zx_koid_t *)a, y = *(const zx_koid_t *)b;
  return x < y ? -1 : x > y;
}

TEST(object_concurrent_koids_unique) {
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++) pthread_create(&t[i], NULL, koid_worker, koids[i]);
  for (int i = 0; i < THREADS; i++) pthread_join(t[i], NULL);
  zx_koid_t *all = &koids[0][0];
  qsort(all, THREADS * 1000, sizeof *all, cmp_koid);
  int dups = 0;
  for (int i = 1; i < THREADS * 1000; i++) dups += all[i] == all[i - 1];
  EXPECT_EQ(dups, 0);
}
