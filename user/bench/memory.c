// Kernel memory per ordinary process: MEMORY_PROCESSES copies of this program (a bench
// group: lib/group.h), each launched from the boot filesystem with its image mapped
// copy-on-write, its stack, its one thread and the group's VMO mapped, and blocked on
// the group's event once it has run (futexes are per process, as in Zircon). The page allocator's
// free bytes before the group and with every member waiting, less the members' own private pages
// (their stack and data pages: ZX_INFO_TASK_STATS), per process; and the heap's, the slab caches'
// and the object count's share of it. One MEMORY line, as bench-shared's for siblings.
#include <zircon/syscalls.h>
#include <zircon/syscalls/janus.h>
#include <zircon/syscalls/object.h>

#include "lib/bench.h"
#include "lib/group.h"

#define MEMORY_PROCESSES 64

#define RELEASE ZX_USER_SIGNAL_1  // on the group's event, from member 0: all may exit

struct memory_state {
  uint32_t arrived;  // members that ran
};

static bool kmem(janus_info_kmem_stats_t *s) {
  return zx_object_get_info(zx_job_default(), JANUS_INFO_KMEM_STATS, s, sizeof *s, NULL, NULL) ==
         ZX_OK;
}

static int member(void) {
  struct bench_group g;
  if (!bench_group_join(&g)) return 1;
  struct memory_state *s = g.data;
  bool ok = bench_group_arrive(&g, &s->arrived, MEMORY_PROCESSES);
  ok = ok && zx_object_wait_one(g.event, RELEASE, ZX_TIME_INFINITE, NULL) == ZX_OK;
  return bench_group_leave(&g) && ok ? 0 : 1;
}

int main(void) {
  if (bench_group_is_member()) return member();
  bench_header("bench-memory");
  janus_info_kmem_stats_t before, after;
  struct bench_group g;
  if (!kmem(&before) || !bench_group_start("bench-memory", MEMORY_PROCESSES + 1, &g)) {
    bench_todo("memory-process", "could not start the processes");
    return 1;
  }
  bool ok = bench_group_wait_arrived(&g) && kmem(&after);
  uint64_t user_pages = 0;
  for (unsigned i = 1; ok && i <= MEMORY_PROCESSES; i++) {
    zx_info_task_stats_t stats;
    ok = zx_object_get_info(g.procs[i], ZX_INFO_TASK_STATS, &stats, sizeof stats, NULL, NULL) ==
         ZX_OK;
    user_pages += stats.mem_private_bytes;
  }
  zx_object_signal(g.event, 0, RELEASE);
  if (!bench_group_leave(&g) || !ok) {
    bench_todo("memory-process", "a process failed");
    return 1;
  }
  bench_printf("  %d processes; their own pages (stack, data) %ld bytes each, not counted\n",
               MEMORY_PROCESSES, (long)(user_pages / MEMORY_PROCESSES));
  bench_memory_report("process", MEMORY_PROCESSES, &before, &after, user_pages);
  return 0;
}
