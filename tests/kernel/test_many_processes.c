// More live address spaces than ASIDs: with ASID_BITS=4, 5,000 processes alive at
// once sleep and wake until killed, so switches keep needing new ASIDs and rollovers happen while
// others run (48 with full-width ASIDs, to keep the ordinary suite quick). All must
// finish cleanly and give every page and ASID back.
#include <janus/arch.h>
#include <janus/heap.h>
#include "core/object/process.h"
#include <janus/selftest.h>
#include <janus/thread.h>

#include "lib/asid.h"
#include "core/boot/bootfs.h"
#include "core/object/job.h"
#include <janus/pmm.h>
#include "core/vm/kmem.h"
#include "tests/kernel/settle.h"

#define MAX_PROCESSES 5000
#define SMALL_ASID_BITS 4

static uint64_t all_rollovers(void) {
  uint64_t n = 0;
  for (unsigned c = 0; c < cpu_count; c++) n += asid_counters(c).rollovers;
  return n;
}

SELFTEST(more_processes_than_asids) {
  static struct process *procs[MAX_PROCESSES];
  unsigned count = asid_bits() <= SMALL_ASID_BITS ? MAX_PROCESSES : 48;
  const void *image;
  size_t size;
  CHECK(bootfs_find("sleeper", &image, &size));
  (void)root_job();
  uint64_t pages = kmem_unused_pages();
  unsigned live = asid_live();
  uint64_t rollovers = all_rollovers();
  for (unsigned i = 0; i < count; i++) {
    uintptr_t entry;
    CHECK(process_create("sleeper", &procs[i]) == ZX_OK);
    CHECK(job_add_process(root_job(), procs[i]) == ZX_OK);
    zx_status_t load = process_load_elf(procs[i], image, size, &entry);
    if (load != ZX_OK) kprintf("  process %u: load status %d\n", i, load);
    CHECK(load == ZX_OK);
    CHECK(process_start(procs[i], entry, USER_STACK_TOP) == ZX_OK);
  }
  kprintf("  %u processes started, %lu MiB free\n", count,
          (unsigned long)(pmm_free_pages() * PAGE_SIZE >> 20));
  // Let them all run (and switch among each other) for a while. With more processes
  // than ASIDs, also until the first rollover: an event, where 500 ms of a busy host
  // may not be enough switches. (Not until each has slept once: 5,000 sleepers
  // waking every 20 ms keep TCG's CPUs too busy for all of them to be seen asleep.)
  for (zx_time_t end = arch_monotonic_ns() + 500000000LL; arch_monotonic_ns() < end;) thread_yield();
  while (asid_bits() <= SMALL_ASID_BITS && all_rollovers() == rollovers) thread_yield();
  for (unsigned i = 0; i < count; i++) CHECK(procs[i]->state == PROCESS_RUNNING);
  for (unsigned i = 0; i < count; i++) process_kill(procs[i], ZX_TASK_RETCODE_SYSCALL_KILL);
  for (unsigned i = 0; i < count; i++) {
    CHECK(process_wait(procs[i]) == ZX_TASK_RETCODE_SYSCALL_KILL);
    kobject_unref(&procs[i]->obj);
  }
  uint64_t rollovers_after = all_rollovers();
  kprintf("  %u processes, %u-bit ASIDs, %lu rollovers\n", count, asid_bits(),
          (unsigned long)(rollovers_after - rollovers));
  if (asid_bits() <= SMALL_ASID_BITS) CHECK(rollovers_after > rollovers);
  CHECK(wait_until_unused_pages(pages));
  CHECK(asid_live() == live);
  return true;
}
