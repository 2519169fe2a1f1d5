// 70,000 live processes on the CPU's full ASID width (16 bits on the Cortex-A72:
// 32,767 numbers, each with its restricted-mode pair), more than Zircon's allocator
// could ever hand out. They are
// siblings of one shared group, so each costs only its kernel stack, a TTBR0 root and
// its objects: their code is one page in the group's window, a loop that blocks in
// zx_nanosleep(ZX_TIME_INFINITE) and touches no stack. Opt-in (tools/test.sh boots
// it alone, with more memory): bootargs janus.only=seventy_thousand_processes.
#include <janus/arch.h>
#include <janus/heap.h>
#include "core/object/process.h"
#include <janus/selftest.h>
#include <janus/thread.h>
#include <stdlib.h>
#include <string.h>

#include "lib/asid.h"
#include "core/boot/boot_log.h"
#include <janus/bootinfo.h>
#include "core/object/job.h"
#include <janus/pmm.h>
#include "core/object/shared_group.h"
#include "tests/kernel/settle.h"
#include <janus/syscalls.h>
#include "core/vm/kmem.h"

#define SCALE_PROCESSES_DEFAULT 70000u
#define SCALE_CODE_VA (SHARED_WINDOW_BASE + 0x100000UL)  // below the window's VMAR

// movz x<rd>, #imm16 ; svc #0 ; b <back words>
#define A64_MOVZ(rd, imm) (0xd2800000u | ((uint32_t)(imm) << 5) | (rd))
#define A64_MOVK16(rd, imm) (0xf2a00000u | ((uint32_t)(imm) << 5) | (rd))
#define A64_MOVK32(rd, imm) (0xf2c00000u | ((uint32_t)(imm) << 5) | (rd))
#define A64_MOVK48(rd, imm) (0xf2e00000u | ((uint32_t)(imm) << 5) | (rd))
#define A64_SVC0 0xd4000001u
#define A64_B_BACK(words) (0x14000000u | ((uint32_t)-(int32_t)(words) & 0x3ffffffu))

static uint64_t all_pages(void) {
  return kmem_unused_pages();
}

static uint64_t all_rollovers(void) {
  uint64_t n = 0;
  for (unsigned c = 0; c < cpu_count; c++) n += asid_counters(c).rollovers;
  return n;
}

// x0 = ZX_TIME_INFINITE; x16 = nanosleep; svc; again.
static zx_status_t map_sleep_loop(struct shared_group *g) {
  const uint32_t code[] = {
      A64_MOVZ(0, 0xffff), A64_MOVK16(0, 0xffff), A64_MOVK32(0, 0xffff), A64_MOVK48(0, 0x7fff),
      A64_MOVZ(16, SYSCALL_NUM_nanosleep), A64_SVC0, A64_B_BACK(6),
  };
  paddr_t page;
  if (pmm_alloc(0, &page) != ZX_OK) return ZX_ERR_NO_MEMORY;
  memset(paddr_to_kva(page), 0, PAGE_SIZE);
  memcpy(paddr_to_kva(page), code, sizeof code);
  // New code through the physmap: clean to the point of unification, then drop stale
  // instruction-cache lines.
  for (uintptr_t line = (uintptr_t)paddr_to_kva(page); line < (uintptr_t)paddr_to_kva(page) + sizeof code; line += 64)
    __asm__ volatile("dc cvau, %0" ::"r"(line) : "memory");
  __asm__ volatile("dsb ish\n ic ialluis\n dsb ish\n isb" ::: "memory");
  return arch_aspace_map(&g->window, SCALE_CODE_VA, page, ARCH_MMU_READ | ARCH_MMU_EXECUTE, true);
}

SELFTEST_OPT_IN(seventy_thousand_processes) {
  // janus.processes=N: another count, to look at the same path quicker.
  const char *arg = strstr(boot_info.bootargs, "janus.processes=");
  unsigned SCALE_PROCESSES = arg ? (unsigned)strtoul(arg + 16, NULL, 10) : SCALE_PROCESSES_DEFAULT;
  (void)root_job();
  uint64_t pages = all_pages(), rollovers = all_rollovers();
  unsigned live = asid_live();
  struct process *proto;
  CHECK(process_create_prototype("scale", &proto) == ZX_OK);
  CHECK(job_add_process(root_job(), proto) == ZX_OK);
  CHECK(map_sleep_loop(proto->group) == ZX_OK);
  struct process **procs = calloc(SCALE_PROCESSES, sizeof *procs);
  CHECK(procs);
  zx_time_t t0 = arch_monotonic_ns();
  for (unsigned i = 0; i < SCALE_PROCESSES; i++) {
    struct thread *t;
    CHECK(process_create_shared(proto, "s", &procs[i]) == ZX_OK);
    CHECK(job_add_process(root_job(), procs[i]) == ZX_OK);
    CHECK(thread_create_user(procs[i], "s", &t) == ZX_OK);
    CHECK(process_start_thread(procs[i], t, SCALE_CODE_VA, 0, 0, 0, true) == ZX_OK);
    kobject_unref(&t->obj);  // the running thread holds its own
    if ((i + 1) % 10000 == 0) {
      kprintf("  %u processes started, %lu MiB free\n", i + 1,
              (unsigned long)(pmm_free_pages() * PAGE_SIZE >> 20));
      wait_until_asleep(procs, i + 1);  // each has run: it had an ASID
    }
  }
  wait_until_asleep(procs, SCALE_PROCESSES);
  zx_time_t t1 = arch_monotonic_ns();
  uint64_t rolled = all_rollovers() - rollovers;
  kprintf("  %u live processes, each switched to once, on %u-bit ASIDs: %lu rollovers, "
          "%lu ms (QEMU TCG time)\n", SCALE_PROCESSES, asid_bits(), (unsigned long)rolled,
          (unsigned long)((t1 - t0) / 1000000));
  if (SCALE_PROCESSES > asid_pair_bit - 1u) CHECK(rolled > 0);  // more than the numbers
  // Every one still works after the rollover: killing them makes each run again
  // (with an ASID of the new generation) to leave.
  for (unsigned i = 0; i < SCALE_PROCESSES; i++) {
    process_kill(procs[i], ZX_TASK_RETCODE_SYSCALL_KILL);
    if ((i + 1) % 10000 == 0)
      kprintf("  %u killed (%lu ms)\n", i + 1, (unsigned long)((arch_monotonic_ns() - t1) / 1000000));
  }
  kprintf("  all killed (%lu ms)\n", (unsigned long)((arch_monotonic_ns() - t1) / 1000000));
  for (unsigned i = 0; i < SCALE_PROCESSES; i++) {
    CHECK(process_wait(procs[i]) == ZX_TASK_RETCODE_SYSCALL_KILL);
    kobject_unref(&procs[i]->obj);
    if ((i + 1) % 10000 == 0)
      kprintf("  %u reaped (%lu ms)\n", i + 1, (unsigned long)((arch_monotonic_ns() - t1) / 1000000));
  }
  process_kill(proto, ZX_TASK_RETCODE_SYSCALL_KILL);
  CHECK(process_wait(proto) == ZX_TASK_RETCODE_SYSCALL_KILL);
  kobject_unref(&proto->obj);
  free(procs);
  kprintf("  all %u gone after %lu rollovers in all\n", SCALE_PROCESSES,
          (unsigned long)(all_rollovers() - rollovers));
  for (int i = 0; i < 1000 && (all_pages() != pages || asid_live() != live); i++) thread_yield();
  CHECK(all_pages() == pages);
  CHECK(asid_live() == live);
  return true;
}
