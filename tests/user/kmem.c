// Memory that comes back: make events, VMOs (one page committed each), processes and
// unstarted threads until the kernel says no, then commit VMO pages until it says
// ZX_ERR_NO_MEMORY, free it all, and check with JANUS_INFO_KMEM_STATS that at least
// 99% of the memory free before is free again. Twice: the second round must not
// find less than the first left. A job kill when memory has run out. Also the topic's
// own errors (root job only).
#include <string.h>
#include <zircon/syscalls/janus.h>

#include "user_test.h"

#define MAX_HANDLES 65536

static zx_handle_t held[MAX_HANDLES];
static size_t held_count;

static janus_info_kmem_stats_t kmem(void) {
  janus_info_kmem_stats_t s = {0};
  kernel_record(JANUS_INFO_KMEM_STATS, &s, sizeof s);
  return s;
}

// What a torn-down workload must give back (see <zircon/syscalls/janus.h>).
static uint64_t reusable_bytes(void) {
  janus_info_kmem_stats_t s = kmem();
  return s.free_bytes + s.free_slab_bytes;
}

static int keep(zx_status_t status, zx_handle_t h) {
  if (status != ZX_OK) return 0;
  if (held_count == MAX_HANDLES) {  // cannot happen: the table holds no more than this
    zx_handle_close(h);
    return 0;
  }
  held[held_count++] = h;
  return 1;
}

// One object of each kind per round, until a call fails; that failure must be the
// kernel saying no, not anything else.
static void exhaust_objects(void) {
  zx_status_t status = ZX_OK;
  zx_handle_t h, vmar;
  char byte = 1;
  for (;;) {
    if (!keep(status = zx_event_create(0, &h), h)) break;
    if (!keep(status = zx_vmo_create(4096, 0, &h), h)) break;
    if ((status = zx_vmo_write(h, &byte, 0, 1)) != ZX_OK) break;
    if (!keep(status = zx_process_create(zx_job_default(), "kmem", 4, 0, &h, &vmar), h)) break;
    if (!keep(ZX_OK, vmar)) break;
    if (!keep(status = zx_thread_create(h, "kmem", 4, 0, &h), h)) break;
  }
  EXPECT_EQ(status == ZX_ERR_NO_MEMORY || status == ZX_ERR_NO_RESOURCES, 1);
  printf("kmem: %lu handles before status %d\n", (unsigned long)held_count, status);
}

// Commits pages of VMOs one by one until ZX_ERR_NO_MEMORY; returns how many.
static uint64_t exhaust_pages(void) {
  uint64_t pages = 0;
  zx_status_t status = ZX_OK;
  while (status == ZX_OK && held_count < MAX_HANDLES) {
    zx_handle_t vmo;
    if ((status = zx_vmo_create(1ull << 30, 0, &vmo)) != ZX_OK) break;
    char byte = 1;
    for (uint64_t off = 0; off < (1ull << 30); off += 4096) {
      if ((status = zx_vmo_write(vmo, &byte, off, 1)) != ZX_OK) break;
      pages++;
    }
    keep(ZX_OK, vmo);
  }
  EXPECT_EQ(status, ZX_ERR_NO_MEMORY);
  return pages;
}

static void free_all(void) {
  // Nothing was started, so the order does not matter.
  while (held_count) EXPECT_EQ(zx_handle_close(held[--held_count]), ZX_OK);
}

// A job kill needs no memory: a job holding as many unstarted processes and child
// jobs as the kernel would make, with every remaining page committed elsewhere, must
// still die, all of it. (The kill once took a list of its victims from the heap and,
// when that failed, left the child jobs and unstarted processes alive: the job never
// terminated, and whoever waited for it waited forever.)
static void kill_with_no_memory_left(void) {
  zx_handle_t job, h, vmar;
  EXPECT_EQ(zx_job_create(zx_job_default(), 0, &job), ZX_OK);
  zx_status_t status;
  size_t members = 0;
  for (;; members++) {
    if (members % 4 == 0) status = zx_job_create(job, 0, &h);
    else if ((status = zx_process_create(job, "kmem-kill", 9, 0, &h, &vmar)) == ZX_OK)
      status = keep(ZX_OK, vmar) ? ZX_OK : ZX_ERR_NO_RESOURCES;
    if (!keep(status, h)) break;
  }
  EXPECT_EQ(status == ZX_ERR_NO_MEMORY || status == ZX_ERR_NO_RESOURCES, 1);
  for (int i = 0; i < 8 && held_count; i++) zx_handle_close(held[--held_count]);
  uint64_t pages = exhaust_pages();
  printf("kmem: killing a job of %lu members with %llu more pages committed\n",
         (unsigned long)members, (unsigned long long)pages);
  EXPECT_EQ(zx_task_kill(job), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(job, ZX_JOB_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  free_all();
  zx_handle_close(job);
}

int main(void) {
  janus_info_kmem_stats_t s = kmem();
  EXPECT_EQ(s.total_bytes > 0 && s.free_bytes <= s.total_bytes, 1);
  EXPECT_EQ(s.free_slab_bytes <= s.slab_bytes, 1);
  EXPECT_EQ(s.live_objects > 0, 1);  // ASIDs may be 0: ASID=off uses none
  // Where the used pages go: this program's thread has a kernel stack, its process page
  // tables and a handle chunk, and its VMOs pages; none is more than the RAM in use.
  uint64_t used = s.total_bytes - s.free_bytes;
  EXPECT_EQ(s.kstack_bytes > 0 && s.kstack_bytes <= used, 1);
  EXPECT_EQ(s.user_table_bytes > 0 && s.user_table_bytes <= used, 1);
  EXPECT_EQ(s.handle_bytes > 0 && s.handle_bytes <= used, 1);
  EXPECT_EQ(s.vmo_bytes > 0 && s.vmo_bytes <= used, 1);
  // Zircon's topic counts every page table as MMU overhead, the users' too.
  zx_info_kmem_stats_t z;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), ZX_INFO_KMEM_STATS, &z, sizeof z, NULL, NULL),
            ZX_OK);
  janus_info_kmem_stats_t s2 = kmem();  // other programs may free tables meanwhile
  uint64_t tables =
      s.user_table_bytes < s2.user_table_bytes ? s.user_table_bytes : s2.user_table_bytes;
  EXPECT_EQ(z.mmu_overhead_bytes >= tables, 1);
  uint64_t before = reusable_bytes();
  for (int round = 1; round <= 2; round++) {
    exhaust_objects();
    // The handle table was full: drop a few handles so the commit phase has some.
    for (int i = 0; i < 8 && held_count; i++) zx_handle_close(held[--held_count]);
    uint64_t pages = exhaust_pages();
    free_all();
    uint64_t after = reusable_bytes();
    printf("kmem: round %d: %llu pages committed at the end; %llu of %llu KiB free again\n", round,
           (unsigned long long)pages, (unsigned long long)(after >> 10),
           (unsigned long long)(before >> 10));
    EXPECT_EQ(after >= before / 100 * 99, 1);
    EXPECT_EQ(pages > 0, 1);
  }
  kill_with_no_memory_left();
  EXPECT_EQ(reusable_bytes() >= before / 100 * 99, 1);
  // Any job with ZX_RIGHT_INSPECT may ask; other objects and weaker handles may not.
  zx_handle_t child, weak;
  EXPECT_EQ(zx_job_create(zx_job_default(), 0, &child), ZX_OK);
  EXPECT_EQ(zx_object_get_info(child, JANUS_INFO_KMEM_STATS, &s, sizeof s, NULL, NULL), ZX_OK);
  EXPECT_EQ(zx_object_get_info(zx_process_self(), JANUS_INFO_KMEM_STATS, &s, sizeof s, NULL, NULL),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_handle_duplicate(zx_job_default(), ZX_RIGHT_WAIT, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_info(weak, JANUS_INFO_KMEM_STATS, &s, sizeof s, NULL, NULL),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(
      zx_object_get_info(zx_job_default(), JANUS_INFO_KMEM_STATS, &s, sizeof s - 1, NULL, NULL),
      ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(zx_object_get_info(zx_job_default(), JANUS_INFO_KMEM_STATS,
                               (void *)0xffff800040200000UL, sizeof s, NULL, NULL),
            ZX_ERR_INVALID_ARGS);
  zx_handle_close(weak);
  zx_handle_close(child);
  printf("kmem: %d checks, %d failures\n", checks, failures);
  return failures;
}
