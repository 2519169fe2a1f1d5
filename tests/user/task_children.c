// zx_handle_close_many, zx_object_get_child and the task topics of zx_object_get_info:
// ZX_INFO_JOB_CHILDREN, ZX_INFO_PROCESS_THREADS, ZX_INFO_THREAD, ZX_INFO_TASK_STATS,
// ZX_INFO_KMEM_STATS; success paths and documented errors.
#include <janus-user/launch.h>
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/janus.h>
#include <zircon/time.h>

#include "user_test.h"

#define PAGE 4096UL
#define STACK_SIZE 16384

static uint8_t stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile int release;

static zx_koid_t koid_of(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  return info.koid;
}

static zx_rights_t rights_of(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  EXPECT_EQ(zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL), ZX_OK);
  return info.rights;
}

static void test_close_many(void) {
  zx_handle_t h[4];
  for (int i = 0; i < 4; i++) EXPECT_EQ(zx_event_create(0, &h[i]), ZX_OK);
  zx_handle_t list[5] = {h[0], ZX_HANDLE_INVALID, h[1], h[2], h[3]};
  EXPECT_EQ(zx_handle_close_many(list, 5), ZX_OK);
  for (int i = 0; i < 4; i++) EXPECT_EQ(zx_handle_close(h[i]), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close_many(NULL, 0), ZX_OK);
  // A bad or repeated handle: ZX_ERR_BAD_HANDLE, and every good one is still closed.
  for (int i = 0; i < 2; i++) EXPECT_EQ(zx_event_create(0, &h[i]), ZX_OK);
  zx_handle_t bad[4] = {h[0], 0x12345677, h[1], h[1]};
  EXPECT_EQ(zx_handle_close_many(bad, 4), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close(h[0]), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close(h[1]), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_handle_close_many((zx_handle_t *)8, 2), ZX_ERR_INVALID_ARGS);
  // Many at once (more than one chunk of the kernel's copy).
  static zx_handle_t many[200];
  for (int i = 0; i < 200; i++) EXPECT_EQ(zx_event_create(0, &many[i]), ZX_OK);
  EXPECT_EQ(zx_handle_close_many(many, 200), ZX_OK);
  EXPECT_EQ(zx_handle_close(many[150]), ZX_ERR_BAD_HANDLE);
}

static void spin(uintptr_t arg, uintptr_t unused __attribute__((unused))) {
  (void)arg;
  while (!release) zx_nanosleep(zx_deadline_after(ZX_MSEC(1)));
  zx_thread_exit();
}

static void test_threads_and_get_child(void) {
  zx_handle_t t;
  EXPECT_EQ(zx_thread_create(zx_process_self(), "child", 5, 0, &t), ZX_OK);
  zx_info_thread_t info;
  EXPECT_EQ(zx_object_get_info(t, ZX_INFO_THREAD, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.state, ZX_THREAD_STATE_NEW);
  uint32_t cpu = 1;
  EXPECT_EQ(zx_object_set_property(t, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu), ZX_OK);
  release = 0;
  EXPECT_EQ(zx_thread_start(t, (uintptr_t)spin, (uintptr_t)(stack + STACK_SIZE), 0, 0), ZX_OK);
  EXPECT_EQ(zx_object_get_info(t, ZX_INFO_THREAD, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(ZX_THREAD_STATE_BASIC(info.state) == ZX_THREAD_STATE_RUNNING ||
                ZX_THREAD_STATE_BASIC(info.state) == ZX_THREAD_STATE_BLOCKED,
            1);
  EXPECT_EQ(info.wait_exception_channel_type, 0);
  EXPECT_EQ(info.cpu_affinity_mask.mask[0], 2);  // CPU 1
  // ZX_INFO_PROCESS_THREADS: this thread and the main one.
  zx_koid_t koids[8];
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_THREADS, koids, sizeof koids,
                               &actual, &avail),
            ZX_OK);
  EXPECT_EQ(actual, 2);
  EXPECT_EQ(avail, 2);
  EXPECT_EQ(koids[0] == koid_of(t) || koids[1] == koid_of(t), 1);
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_THREADS, koids, sizeof koids[0],
                               &actual, &avail),
            ZX_OK);  // too small: as many as fit
  EXPECT_EQ(actual, 1);
  EXPECT_EQ(avail, 2);
  // zx_object_get_child: the thread by koid, with the same or fewer rights.
  zx_handle_t got;
  EXPECT_EQ(zx_object_get_child(zx_process_self(), koid_of(t), ZX_RIGHT_SAME_RIGHTS, &got), ZX_OK);
  EXPECT_EQ(koid_of(got), koid_of(t));
  EXPECT_EQ(rights_of(got), rights_of(zx_process_self()));
  zx_handle_close(got);
  EXPECT_EQ(
      zx_object_get_child(zx_process_self(), koid_of(t), ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT, &got),
      ZX_OK);
  EXPECT_EQ(rights_of(got), ZX_RIGHT_WAIT | ZX_RIGHT_INSPECT);
  zx_handle_close(got);
  // Errors.
  zx_handle_t weak, event;
  EXPECT_EQ(zx_event_create(0, &event), ZX_OK);
  EXPECT_EQ(zx_object_get_child(ZX_HANDLE_INVALID, koid_of(t), ZX_RIGHT_SAME_RIGHTS, &got),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_get_child(event, 1, ZX_RIGHT_SAME_RIGHTS, &got), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_duplicate(zx_process_self(), ZX_RIGHT_INSPECT, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_child(weak, koid_of(t), ZX_RIGHT_SAME_RIGHTS, &got),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_object_get_info(weak, ZX_INFO_PROCESS_THREADS, koids, sizeof koids, NULL, NULL),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(zx_handle_duplicate(zx_process_self(), ZX_RIGHT_ENUMERATE, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_child(weak, koid_of(t), ZX_RIGHT_INSPECT, &got), ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(zx_object_get_child(zx_process_self(), 1, ZX_RIGHT_SAME_RIGHTS, &got),
            ZX_ERR_NOT_FOUND);
  EXPECT_EQ(zx_object_get_child(zx_process_self(), koid_of(t), ZX_RIGHT_SAME_RIGHTS, NULL),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_object_get_info(event, ZX_INFO_THREAD, &info, sizeof info, NULL, NULL),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_get_info(t, ZX_INFO_THREAD, &info, sizeof info - 1, &actual, &avail),
            ZX_ERR_BUFFER_TOO_SMALL);
  release = 1;
  EXPECT_EQ(zx_object_wait_one(t, ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  EXPECT_EQ(zx_object_get_info(t, ZX_INFO_THREAD, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.state, ZX_THREAD_STATE_DEAD);
  EXPECT_EQ(zx_object_get_child(zx_process_self(), koid_of(t), ZX_RIGHT_SAME_RIGHTS, &got),
            ZX_ERR_NOT_FOUND);  // gone from the process
  zx_handle_close(event);
  zx_handle_close(t);
}

static void test_jobs(void) {
  zx_handle_t job, a, b;
  EXPECT_EQ(zx_job_create(zx_job_default(), 0, &job), ZX_OK);
  EXPECT_EQ(zx_job_create(job, 0, &a), ZX_OK);
  EXPECT_EQ(zx_job_create(job, 0, &b), ZX_OK);
  zx_koid_t koids[4];
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(job, ZX_INFO_JOB_CHILDREN, koids, sizeof koids, &actual, &avail),
            ZX_OK);
  EXPECT_EQ(actual, 2);
  EXPECT_EQ(avail, 2);
  EXPECT_EQ((koids[0] == koid_of(a) && koids[1] == koid_of(b)) ||
                (koids[0] == koid_of(b) && koids[1] == koid_of(a)),
            1);
  EXPECT_EQ(zx_object_get_info(a, ZX_INFO_JOB_CHILDREN, koids, sizeof koids, &actual, &avail),
            ZX_OK);
  EXPECT_EQ(actual, 0);
  EXPECT_EQ(
      zx_object_get_info(zx_process_self(), ZX_INFO_JOB_CHILDREN, koids, sizeof koids, NULL, NULL),
      ZX_ERR_WRONG_TYPE);
  // A job's children by koid: a child job, and a process in it.
  zx_handle_t got, proc, vmar;
  EXPECT_EQ(zx_object_get_child(job, koid_of(a), ZX_RIGHT_SAME_RIGHTS, &got), ZX_OK);
  EXPECT_EQ(koid_of(got), koid_of(a));
  zx_handle_close(got);
  EXPECT_EQ(zx_process_create(job, "p", 1, 0, &proc, &vmar), ZX_OK);
  EXPECT_EQ(zx_object_get_child(job, koid_of(proc), ZX_RIGHT_SAME_RIGHTS, &got), ZX_OK);
  EXPECT_EQ(koid_of(got), koid_of(proc));
  zx_handle_close(got);
  EXPECT_EQ(zx_object_get_child(job, koid_of(zx_process_self()), ZX_RIGHT_SAME_RIGHTS, &got),
            ZX_ERR_NOT_FOUND);  // not a direct child
  zx_handle_close(vmar);
  zx_handle_close(proc);
  EXPECT_EQ(zx_task_kill(job), ZX_OK);
  zx_handle_close(a);
  zx_handle_close(b);
  zx_handle_close(job);
}

static void test_task_stats(void) {
  zx_info_task_stats_t before, after;
  EXPECT_EQ(
      zx_object_get_info(zx_process_self(), ZX_INFO_TASK_STATS, &before, sizeof before, NULL, NULL),
      ZX_OK);
  EXPECT_EQ(before.mem_mapped_bytes > 0 && before.mem_private_bytes > 0, 1);
  // 8 private pages, then a snapshot of them mapped too: all 16 shared.
  zx_handle_t vmo, child;
  EXPECT_EQ(zx_vmo_create(8 * PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, 8 * PAGE, NULL, 0), ZX_OK);
  zx_vaddr_t a, b;
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, vmo, 0, 8 * PAGE, &a), ZX_OK);
  EXPECT_EQ(
      zx_object_get_info(zx_process_self(), ZX_INFO_TASK_STATS, &after, sizeof after, NULL, NULL),
      ZX_OK);
  EXPECT_EQ(after.mem_mapped_bytes - before.mem_mapped_bytes, 8 * PAGE);
  EXPECT_EQ(after.mem_private_bytes - before.mem_private_bytes, 8 * PAGE);
  EXPECT_EQ(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, 0, 8 * PAGE, &child),
            ZX_OK);
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ, 0, child, 0, 8 * PAGE, &b), ZX_OK);
  EXPECT_EQ(
      zx_object_get_info(zx_process_self(), ZX_INFO_TASK_STATS, &after, sizeof after, NULL, NULL),
      ZX_OK);
  EXPECT_EQ(after.mem_shared_bytes - before.mem_shared_bytes, 16 * PAGE);
  EXPECT_EQ(after.mem_scaled_shared_bytes - before.mem_scaled_shared_bytes, 8 * PAGE);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), a, 8 * PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), b, 8 * PAGE), ZX_OK);
  zx_handle_close(child);
  zx_handle_close(vmo);
  // Errors: rights, type, a dead process.
  zx_handle_t weak, proc, vmar;
  EXPECT_EQ(zx_handle_duplicate(zx_process_self(), ZX_RIGHT_ENUMERATE, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_info(weak, ZX_INFO_TASK_STATS, &after, sizeof after, NULL, NULL),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(
      zx_object_get_info(zx_job_default(), ZX_INFO_TASK_STATS, &after, sizeof after, NULL, NULL),
      ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_process_create(zx_job_default(), "dead", 4, 0, &proc, &vmar), ZX_OK);
  EXPECT_EQ(zx_task_kill(proc), ZX_OK);
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_TASK_STATS, &after, sizeof after, NULL, NULL),
            ZX_ERR_BAD_STATE);
  zx_handle_close(vmar);
  zx_handle_close(proc);
}

static void test_kmem_stats(void) {
  zx_info_kmem_stats_t k1, k2;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), ZX_INFO_KMEM_STATS, &k1, sizeof k1, NULL, NULL),
            ZX_OK);
  EXPECT_EQ(k1.total_bytes, zx_system_get_physmem());
  EXPECT_EQ(k1.free_bytes > 0 && k1.free_bytes < k1.total_bytes, 1);
  EXPECT_EQ(k1.vmo_bytes > 0 && k1.wired_bytes > 0 && k1.total_heap_bytes > 0, 1);
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(16 * PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_op_range(vmo, ZX_VMO_OP_COMMIT, 0, 16 * PAGE, NULL, 0), ZX_OK);
  EXPECT_EQ(zx_object_get_info(zx_job_default(), ZX_INFO_KMEM_STATS, &k2, sizeof k2, NULL, NULL),
            ZX_OK);
  EXPECT_EQ(k2.vmo_bytes >= k1.vmo_bytes + 16 * PAGE, 1);
  EXPECT_EQ(k2.free_bytes <= k1.free_bytes - 16 * PAGE, 1);
  zx_handle_close(vmo);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(zx_job_default(), ZX_RIGHT_ENUMERATE, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_info(weak, ZX_INFO_KMEM_STATS, &k1, sizeof k1, NULL, NULL),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_KMEM_STATS, &k1, sizeof k1, NULL, NULL),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_get_info(zx_job_default(), ZX_INFO_KMEM_STATS, &k1, 8, NULL, NULL),
            ZX_ERR_BUFFER_TOO_SMALL);
}

int main(void) {
  test_close_many();
  test_threads_and_get_child();
  test_jobs();
  test_task_stats();
  test_kmem_stats();
  printf("task_children: %d checks, %d failures\n", checks, failures);
  return failures;
}
