// JANUS_INFO_ASID_COUNTERS: the ASID core's per-CPU counters read from user space.
#include <stdbool.h>
#include <string.h>
#include <zircon/syscalls/janus.h>

#include "user_test.h"

#define MAX_CPUS 8

int main(void) {
  janus_info_asid_counters_t counters[MAX_CPUS];
  size_t actual = 0, avail = 0;
  zx_handle_t job = zx_job_default();
  EXPECT_EQ(zx_object_get_info(job, JANUS_INFO_ASID_COUNTERS, counters, sizeof counters, &actual,
                               &avail),
            ZX_OK);
  EXPECT_EQ(actual, avail);
  EXPECT_EQ(actual >= 1 && actual <= MAX_CPUS, 1);
  uint64_t switches = 0;
  bool asids_on = counters[0].asid_bits != 0;  // 0: the ASID=off baseline build
  for (size_t i = 0; i < actual; i++) {
    EXPECT_EQ(counters[i].cpu, i);
    EXPECT_EQ(counters[i].asid_bits <= 16 && (counters[i].asid_bits != 0) == asids_on, 1);
    switches += counters[i].fast_switches + counters[i].slow_switches;
    // Batched switches are slow switches that were also allocations.
    EXPECT_EQ(counters[i].batched_switches <= counters[i].slow_switches, 1);
    EXPECT_EQ(counters[i].batched_switches <= counters[i].allocations, 1);
  }
  EXPECT_EQ(switches > 0, asids_on);  // this very program got an ASID on some CPU
  // Unmapping a page this program touched broadcasts an invalidation: counted.
  uint64_t broadcasts = 0;
  for (size_t i = 0; i < actual; i++) broadcasts += counters[i].broadcast_flushes;
  zx_handle_t vmo;
  uintptr_t addr = 0;
  EXPECT_EQ(zx_vmo_create(4096, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 4096,
                        &addr), ZX_OK);
  *(volatile int *)addr = 1;
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), addr, 4096), ZX_OK);
  zx_handle_close(vmo);
  EXPECT_EQ(zx_object_get_info(job, JANUS_INFO_ASID_COUNTERS, counters, sizeof counters, &actual,
                               &avail), ZX_OK);
  uint64_t after = 0;
  for (size_t i = 0; i < actual; i++) after += counters[i].broadcast_flushes;
  EXPECT_EQ(after > broadcasts, 1);
  // A buffer for one record: one comes back, avail says how many there are.
  EXPECT_EQ(zx_object_get_info(job, JANUS_INFO_ASID_COUNTERS, counters, sizeof counters[0], &actual,
                               &avail),
            ZX_OK);
  EXPECT_EQ(actual, 1);
  // Errors: not a job, no INSPECT right, a kernel-address buffer.
  EXPECT_EQ(zx_object_get_info(zx_process_self(), JANUS_INFO_ASID_COUNTERS, counters,
                               sizeof counters, &actual, &avail),
            ZX_ERR_WRONG_TYPE);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(job, ZX_RIGHT_WAIT, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_info(weak, JANUS_INFO_ASID_COUNTERS, counters, sizeof counters, &actual,
                               &avail),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(zx_object_get_info(job, JANUS_INFO_ASID_COUNTERS, (void *)0xffff800040200000UL,
                               sizeof counters, &actual, &avail),
            ZX_ERR_INVALID_ARGS);
  printf("asid_counters: %u CPUs, %d failures\n", (unsigned)actual, failures);
  return failures;
}
