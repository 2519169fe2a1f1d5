// What the kernel does once every CPU is up: start the boot filesystem's "init" and
// wait for it (test builds run the kernel's own self-tests first). Which program is
// init, and so what runs after it, is the build's choice (user/user.mk, docs/design.md
// "init").
#include <janus/console.h>
#include <janus/cpu.h>
#include "core/object/process.h"
#include <janus/selftest.h>

#include "core/boot/boot_log.h"
#include "lib/asid.h"
#include "core/boot/bootfs.h"
#include "core/object/job.h"
#include "core/vm/kmem.h"

// Runs a boot-filesystem program in the root job to its end; *code is its return code.
static zx_status_t run_program(const char *name, int64_t *code) {
  const void *image;
  size_t size;
  if (!bootfs_find(name, &image, &size)) return ZX_ERR_NOT_FOUND;
  struct process *p;
  bool shared = elf_is_shared_prototype(image, size);
  zx_status_t status = shared ? process_create_prototype(name, &p) : process_create(name, &p);
  if (status != ZX_OK) return status;
  status = job_add_process(root_job(), p);
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

// init's exit code decides: 0 is a good run.
static int run_init(void) {
  int64_t code = 0;
  zx_status_t status = run_program("init", &code);
  if (status != ZX_OK) {
    kprintf("janus: cannot run init: status %d\n", status);
    return 1;
  }
  kprintf("program init exited with %ld\n", (long)code);
  return code == 0 ? 0 : 1;
}

int kernel_run(void) {
  int status = 0;
#if KCONFIG_SELFTEST
  status = selftest_run_all(boot_info.bootargs);
  size_t only_len;
  if (selftest_only(boot_info.bootargs, &only_len)) {  // janus.only=<name>: that test alone
    print_asid_counters();
    return status;
  }
#endif
  if (run_init() != 0) status = 1;
  print_asid_counters();
  return status;
}
