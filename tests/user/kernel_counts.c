// JANUS_INFO_KERNEL_COUNTS: what the kernel holds, read from user space (the user
// suite's runner checks with it that every program gives back what it took).
#include <zircon/syscalls/janus.h>
#include <zircon/time.h>

#include "user_test.h"

#define PAGE 4096UL
#define PAGES 8

static janus_info_kernel_counts_t counts(void) {
  janus_info_kernel_counts_t c = {0};
  kernel_record(JANUS_INFO_KERNEL_COUNTS, &c, sizeof c);
  return c;
}

int main(void) {
  janus_info_kernel_counts_t before = counts();
  // (Printing first also sets up stdio, whose buffer is a VMO: an object of its own.)
  printf("kernel_counts: %lu free pages, %lu heap, %lu kernel tables, %lu objects, %lu ASIDs\n",
         (unsigned long)before.free_pages, (unsigned long)before.heap_pages,
         (unsigned long)before.kernel_table_pages, (unsigned long)before.objects,
         (unsigned long)before.asids);
  before = counts();
  EXPECT_EQ(before.free_pages > 0 && before.heap_pages > 0, 1);  // the kernel has used its heap
  EXPECT_EQ(before.objects >= 4, 1);  // at least this process, its thread, VMAR and job
  // A VMO is one object; the pages it commits come from the free ones, and go back.
  // An earlier program's last thread may still be switching out on another CPU (its
  // object goes then; a busy host may not run that vCPU for a while): the count may
  // only drop meanwhile, so a try that sees another object go is made again.
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  uintptr_t addr = 0;
  janus_info_kernel_counts_t made;
  for (int tries = 0; tries < 20; tries++) {
    if (vmo != ZX_HANDLE_INVALID) zx_handle_close(vmo);
    before = counts();
    EXPECT_EQ(zx_vmo_create(PAGES * PAGE, 0, &vmo), ZX_OK);
    made = counts();
    if (made.objects == before.objects + 1) break;
    zx_nanosleep(zx_deadline_after(ZX_MSEC(1)));
  }
  EXPECT_EQ(made.objects, before.objects + 1);
  EXPECT_EQ(zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0,
                        PAGES * PAGE, &addr),
            ZX_OK);
  for (unsigned i = 0; i < PAGES; i++) ((volatile char *)addr)[i * PAGE] = 1;
  janus_info_kernel_counts_t touched = counts();
  EXPECT_EQ(touched.free_pages + touched.heap_pages <= made.free_pages + made.heap_pages - PAGES,
            1);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGES * PAGE), ZX_OK);
  zx_handle_close(vmo);
  janus_info_kernel_counts_t after = counts();
  // Only fewer: an earlier program's last objects may still be going away meanwhile.
  EXPECT_EQ(after.objects < made.objects && after.objects <= before.objects, 1);
  EXPECT_EQ(after.free_pages + after.heap_pages >= touched.free_pages + touched.heap_pages + PAGES,
            1);
  EXPECT_EQ(after.asids, before.asids);
  // A buffer too small: no record, and avail says there is one.
  janus_info_kernel_counts_t c;
  size_t actual = 9, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_job_default(), JANUS_INFO_KERNEL_COUNTS, &c, sizeof c - 1,
                               &actual, &avail),
            ZX_ERR_BUFFER_TOO_SMALL);
  EXPECT_EQ(actual, 0);
  EXPECT_EQ(avail, 1);
  // Errors: not a job, no INSPECT right, a kernel-address buffer.
  EXPECT_EQ(
      zx_object_get_info(zx_process_self(), JANUS_INFO_KERNEL_COUNTS, &c, sizeof c, NULL, NULL),
      ZX_ERR_WRONG_TYPE);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(zx_job_default(), ZX_RIGHT_WAIT, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_info(weak, JANUS_INFO_KERNEL_COUNTS, &c, sizeof c, NULL, NULL),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(zx_object_get_info(zx_job_default(), JANUS_INFO_KERNEL_COUNTS,
                               (void *)0xffff800040200000UL, sizeof c, NULL, NULL),
            ZX_ERR_INVALID_ARGS);
  printf("kernel_counts: %d checks, %d failures\n", checks, failures);
  return failures;
}
