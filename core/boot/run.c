// What the kernel does once every CPU is up. Demo builds run the boot filesystem's
// "init", which runs "main" (make run PROGRAM=...) or else "demo"; test builds run the
// kernel self-tests, then every user program of the test suite; bench builds run the
// benchmark programs (bench-*).
#include <janus/arch.h>
#include <janus/console.h>
#include <janus/cpu.h>
#include <janus/heap.h>
#include <janus/process.h>
#include <janus/selftest.h>
#include <janus/thread.h>
#include <string.h>

#include "core/boot/boot_log.h"
#include "lib/asid.h"
#include "core/boot/bench_group.h"
#include "core/boot/bootfs.h"
#include "core/vm/pmm.h"
#include "core/object/job.h"

// Runs a boot-filesystem program to its end; *code is its return code.
static zx_status_t run_program(const char *name, int64_t *code) {
  const void *image;
  size_t size;
  if (!bootfs_find(name, &image, &size)) return ZX_ERR_NOT_FOUND;
  struct process *p;
  bool shared = elf_is_shared_prototype(image, size);
  zx_status_t status = shared ? process_create_prototype(name, &p) : process_create(name, &p);
  if (status != ZX_OK) return status;
  status = job_add_process(root_job(), p);  // every program runs in the root job
  if (status != ZX_OK) {
    kobject_unref(&p->obj);
    return status;
  }
  uintptr_t entry;
  status = process_load_elf(p, image, size, &entry);
  uintptr_t sp = shared ? SHARED_STACK_TOP : USER_STACK_TOP;
  if (status == ZX_OK) status = process_start_with_bootfs(p, entry, sp);  // x4: the bootfs
  if (status == ZX_OK) *code = process_wait(p);
  kobject_unref(&p->obj);
  return status;
}

#if KCONFIG_SELFTEST
// What a finished program must have given back: pages (the heap and kernel page
// tables only grow, so they count as given back), kernel objects, ASIDs.
#define SETTLE_NS 200000000LL

struct resource_counts {
  uint64_t pages;
  uint64_t objects;
  uint64_t asids;
};

static struct resource_counts count_resources(void) {
  return (struct resource_counts){
      .pages = pmm_free_pages() + heap_mapped_pages() + arch_kernel_table_pages(),
      .objects = kobject_live_count(),
      .asids = arch_asids_in_use(),
  };
}

// Every "test-*" program must exit 0; every "fault*" program must be killed by its
// exception while the kernel carries on; "hello" and "demo" must exit 0.
// janus.user=NAME runs only test-NAME (while working on one test).
static int run_user_suite(const char *bootargs) {
  int failed = 0;
  const char *only = strstr(bootargs, "janus.user=");
  size_t only_len = only ? strcspn(only += strlen("janus.user="), " ") : 0;
  (void)root_job();  // made on first use: before any accounting
  (void)bootfs_vmo();  // the same
  for (size_t i = 0; i < bootfs_count(); i++) {
    const char *name = bootfs_name(i);
    bool faulty = strncmp(name, "fault", 5) == 0;
    int64_t expected = faulty ? ZX_TASK_RETCODE_EXCEPTION_KILL : 0;
    if (strncmp(name, "test-", 5) && !faulty && strcmp(name, "hello") && strcmp(name, "demo"))
      continue;
    if (only && (strncmp(name, "test-", 5) || strlen(name + 5) != only_len ||
                 strncmp(name + 5, only, only_len)))
      continue;
    int64_t code = 1;
    struct resource_counts before = count_resources();
    zx_status_t status = run_program(name, &code);
    // A dead process's last thread may still be switching out (its stack and
    // object go with that switch): give the accounting a moment to settle.
    struct resource_counts after = count_resources();
    for (zx_time_t end = arch_monotonic_ns() + SETTLE_NS;
         memcmp(&before, &after, sizeof before) && arch_monotonic_ns() < end;
         after = count_resources())
      thread_yield();
    bool leaked = memcmp(&before, &after, sizeof before) != 0;
    bool ok = status == ZX_OK && code == expected && !leaked;
    kprintf("%s user/%s (status %d, exit %ld)\n", ok ? "PASS" : "FAIL", name, status, (long)code);
    if (leaked)
      kprintf("  leaked: %ld pages, %ld objects, %ld ASIDs\n", (long)(before.pages - after.pages),
              (long)(after.objects - before.objects), (long)(after.asids - before.asids));
    failed += !ok;
  }
  return failed;
}
#endif

// The ASID core's per-CPU counters (docs/asid.md).
static void print_asid_counters(void) {
  for (unsigned cpu = 0; cpu < cpu_count; cpu++) {
    struct asid_counters c = asid_counters(cpu);
    kprintf("asid: cpu%u %u-bit: %lu fast switches, %lu slow, %lu allocations, %lu rollovers, "
            "%lu local flushes, %lu broadcast\n", cpu, asid_bits(), (unsigned long)c.fast_switches,
            (unsigned long)c.slow_switches, (unsigned long)c.allocations,
            (unsigned long)c.rollovers, (unsigned long)c.local_flushes,
            (unsigned long)c.broadcast_flushes);
  }
}

int kernel_run(void) {
#if KCONFIG_SELFTEST
  int status = selftest_run_all(boot_info.bootargs);
  size_t only_len;
  int user_failures = selftest_only(boot_info.bootargs, &only_len) ? 0 : run_user_suite(boot_info.bootargs);
  print_asid_counters();
  return user_failures ? 1 : status;
#elif KCONFIG_BENCH
  // Every bench-* program in bootfs order, some as groups of copies (core/boot/bench_group.c).
  // They print their own results (docs/benchmarks.md); a failure is a nonzero exit.
  (void)root_job();
  bench_banner(boot_info.bootargs);
  int failed = 0;
  for (size_t i = 0; i < bootfs_count(); i++) {
    const char *name = bootfs_name(i);
    if (strncmp(name, "bench-", 6)) continue;
    const unsigned *sizes = bench_group_sizes(name);
    for (unsigned k = 0; sizes ? sizes[k] != 0 : k == 0; k++) {
      int64_t code = 1;
      zx_status_t status = sizes ? bench_group_run(name, sizes[k], &code) : run_program(name, &code);
      if (status != ZX_OK || code != 0) {
        kprintf("bench: %s (x%u) failed: status %d, exit %ld\n", name, sizes ? sizes[k] : 1, status,
                (long)code);
        failed++;
      }
    }
  }
  print_asid_counters();
  return failed ? 1 : 0;
#else
  // init (user/programs/init.c) runs "main" or "demo" and exits with its code.
  const char *name = bootfs_find("init", NULL, NULL) ? "init"
                     : bootfs_find("main", NULL, NULL) ? "main" : "demo";
  int64_t code = 0;
  zx_status_t status = run_program(name, &code);
  if (status != ZX_OK) {
    kprintf("demo: cannot run %s: status %d\n", name, status);
    return 1;
  }
  kprintf("program %s exited with %ld\n", name, (long)code);
  print_asid_counters();
  return code == 0 ? 0 : 1;
#endif
}
