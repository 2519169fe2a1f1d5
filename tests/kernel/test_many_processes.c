// More live address spaces than ASIDs (with ASID_BITS=4): many processes sleep and
// wake at once, so every switch may need a new ASID and rollovers happen while
// others run. All must finish cleanly and give everything back.
#include <janus/arch.h>
#include <janus/heap.h>
#include <janus/process.h>
#include <janus/selftest.h>
#include <janus/thread.h>

#include "core/asid.h"
#include "core/bootfs.h"
#include "core/job.h"
#include "core/pmm.h"

#define PROCESSES 48

SELFTEST(more_processes_than_asids) {
  static struct process *procs[PROCESSES];
  const void *image;
  size_t size;
  CHECK(bootfs_find("sleeper", &image, &size));
  (void)root_job();
  uint64_t pages = pmm_free_pages() + heap_mapped_pages() + arch_kernel_table_pages();
  unsigned live = asid_live();
  uint64_t rollovers = 0;
  for (unsigned c = 0; c < cpu_count; c++) rollovers += asid_counters(c).rollovers;
  for (unsigned i = 0; i < PROCESSES; i++) {
    uintptr_t entry;
    CHECK(process_create("sleeper", &procs[i]) == ZX_OK);
    CHECK(job_add_process(root_job(), procs[i]) == ZX_OK);
    zx_status_t load = process_load_elf(procs[i], image, size, &entry);
    if (load != ZX_OK) kprintf("  process %u: load status %d\n", i, load);
    CHECK(load == ZX_OK);
    CHECK(process_start(procs[i], entry, USER_STACK_TOP) == ZX_OK);
  }
  for (unsigned i = 0; i < PROCESSES; i++) {
    CHECK(process_wait(procs[i]) == 0);
    kobject_unref(&procs[i]->obj);
  }
  uint64_t rollovers_after = 0;
  for (unsigned c = 0; c < cpu_count; c++) rollovers_after += asid_counters(c).rollovers;
  kprintf("  %u processes, %u-bit ASIDs, %lu rollovers\n", PROCESSES, asid_bits(),
          (unsigned long)(rollovers_after - rollovers));
  if (asid_bits() <= 4) CHECK(rollovers_after > rollovers);
  // The last threads may still be switching out: let them.
  for (int i = 0; i < 100 && pmm_free_pages() + heap_mapped_pages() + arch_kernel_table_pages() != pages; i++)
    thread_yield();
  CHECK(pmm_free_pages() + heap_mapped_pages() + arch_kernel_table_pages() == pages);
  CHECK(asid_live() == live);
  return true;
}
