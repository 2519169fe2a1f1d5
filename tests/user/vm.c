// User-space tests of VMOs and VMARs: success paths, demand paging through
// mappings, and the documented errors. VMAR checks need zx_vmar_root_self(); until
// the runtime receives the root VMAR handle they are skipped (and say so).
// Partial unmap/protect: which pages are mapped is read with zx_process_read_memory
// (a debugger's view, no fault); whether a user access faults is seen in a child
// process that makes the access and exits 0, or dies of the fault.
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define PAGE 4096UL
#define KERNEL_ADDR ((void *)0xffff800040200000UL)
#define RW (ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)

static void test_vmo(void) {
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(3 * PAGE + 1, 0, &vmo), ZX_OK);
  uint64_t size = 0;
  EXPECT_EQ(zx_vmo_get_size(vmo, &size), ZX_OK);
  EXPECT_EQ(size, 4 * PAGE);  // rounded up to pages
  char buf[64], out[64];
  memset(out, 0x55, sizeof out);
  EXPECT_EQ(zx_vmo_read(vmo, out, 100, sizeof out), ZX_OK);  // uncommitted reads as zero
  EXPECT_EQ(out[0] == 0 && out[63] == 0, 1);
  for (unsigned i = 0; i < sizeof buf; i++) buf[i] = (char)(i + 1);
  EXPECT_EQ(zx_vmo_write(vmo, buf, PAGE - 10, sizeof buf), ZX_OK);  // spans two pages
  EXPECT_EQ(zx_vmo_read(vmo, out, PAGE - 10, sizeof out), ZX_OK);
  EXPECT_EQ(memcmp(buf, out, sizeof buf), 0);
  EXPECT_EQ(zx_vmo_write(vmo, buf, 0, 0), ZX_OK);
  EXPECT_EQ(zx_vmo_read(vmo, out, 4 * PAGE, 0), ZX_OK);
  // Ranges past the end.
  EXPECT_EQ(zx_vmo_read(vmo, out, 4 * PAGE - 1, 2), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_write(vmo, buf, 4 * PAGE, 1), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_read(vmo, out, ~0ULL, 2), ZX_ERR_OUT_OF_RANGE);
  // Bad buffers.
  EXPECT_EQ(zx_vmo_read(vmo, NULL, 0, 8), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_read(vmo, KERNEL_ADDR, 0, 8), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_write(vmo, NULL, 0, 8), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_write(vmo, KERNEL_ADDR, 0, 8), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_get_size(vmo, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_get_size(vmo, KERNEL_ADDR), ZX_ERR_INVALID_ARGS);
  // Not resizable.
  EXPECT_EQ(zx_vmo_set_size(vmo, PAGE), ZX_ERR_UNAVAILABLE);
  // Bad handles, wrong types.
  EXPECT_EQ(zx_vmo_read(0x12345677, out, 0, 1), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmo_write(ZX_HANDLE_INVALID, buf, 0, 1), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmo_get_size(0x12345677, &size), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmo_set_size(0x12345677, 0), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmo_read(zx_process_self(), out, 0, 1), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_vmo_write(zx_process_self(), buf, 0, 1), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_vmo_get_size(zx_process_self(), &size), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_vmo_set_size(zx_process_self(), 0), ZX_ERR_WRONG_TYPE);
  // Rights: a read-only duplicate (if duplication is implemented).
  zx_handle_t ro;
  zx_status_t dup = zx_handle_duplicate(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP, &ro);
  if (dup == ZX_ERR_NOT_SUPPORTED) {
    printf("vm: zx_handle_duplicate not supported; rights checks skipped\n");
  } else {
    EXPECT_EQ(dup, ZX_OK);
    EXPECT_EQ(zx_vmo_read(ro, out, 0, 8), ZX_OK);
    EXPECT_EQ(zx_vmo_write(ro, buf, 0, 8), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(zx_vmo_set_size(ro, PAGE), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(zx_handle_close(ro), ZX_OK);
  }
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_read(vmo, out, 0, 1), ZX_ERR_BAD_HANDLE);

  // Creation errors.
  EXPECT_EQ(zx_vmo_create(0, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_get_size(vmo, &size), ZX_OK);
  EXPECT_EQ(size, 0);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_create(~0ULL, 0, &vmo), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_create(1ULL << 62, 0, &vmo), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_create(PAGE, 0x80000000u, &vmo), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, KERNEL_ADDR), ZX_ERR_INVALID_ARGS);

  // Resizable VMOs.
  EXPECT_EQ(zx_vmo_create(2 * PAGE, ZX_VMO_RESIZABLE, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, "abcd", PAGE + 4, 4), ZX_OK);
  EXPECT_EQ(zx_vmo_set_size(vmo, PAGE + 1), ZX_OK);
  EXPECT_EQ(zx_vmo_get_size(vmo, &size), ZX_OK);
  EXPECT_EQ(size, 2 * PAGE);
  EXPECT_EQ(zx_vmo_set_size(vmo, PAGE), ZX_OK);
  EXPECT_EQ(zx_vmo_read(vmo, out, PAGE + 4, 4), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_vmo_set_size(vmo, 3 * PAGE), ZX_OK);
  memset(out, 0x55, 4);
  EXPECT_EQ(zx_vmo_read(vmo, out, PAGE + 4, 4), ZX_OK);  // the old data is gone
  EXPECT_EQ(out[0] == 0 && out[3] == 0, 1);
  EXPECT_EQ(zx_vmo_set_size(vmo, ~0ULL), ZX_ERR_OUT_OF_RANGE);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
}

static void test_vmar(zx_handle_t root) {
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(4 * PAGE, 0, &vmo), ZX_OK);
  zx_vaddr_t a = 0, b = 0;
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, 4 * PAGE, &a), ZX_OK);
  EXPECT_EQ(a != 0 && (a & (PAGE - 1)) == 0, 1);
  // Demand paging: write through the mapping, read back with vmo_read.
  volatile uint32_t *pa = (volatile uint32_t *)a;
  EXPECT_EQ(pa[0], 0);
  pa[0] = 0xdeadbeef;
  pa[PAGE / 4 * 3 + 7] = 0x1234;
  uint32_t word = 0;
  EXPECT_EQ(zx_vmo_read(vmo, &word, 0, 4), ZX_OK);
  EXPECT_EQ(word, 0xdeadbeef);
  EXPECT_EQ(zx_vmo_read(vmo, &word, 3 * PAGE + 28, 4), ZX_OK);
  EXPECT_EQ(word, 0x1234);
  // A second mapping of the same VMO (at an offset) sees the first one's writes.
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ, 0, vmo, 3 * PAGE, PAGE, &b), ZX_OK);
  EXPECT_EQ(((volatile uint32_t *)b)[7], 0x1234);
  pa[PAGE / 4 * 3 + 7] = 0x5678;
  EXPECT_EQ(((volatile uint32_t *)b)[7], 0x5678);
  word = 0xcafe;
  EXPECT_EQ(zx_vmo_write(vmo, &word, 4, 4), ZX_OK);
  EXPECT_EQ(pa[1], 0xcafe);
  // Protect to read-only; vmo_write still works and the mapping sees it.
  EXPECT_EQ(zx_vmar_protect(root, ZX_VM_PERM_READ, a, 4 * PAGE), ZX_OK);
  word = 0xf00d;
  EXPECT_EQ(zx_vmo_write(vmo, &word, 8, 4), ZX_OK);
  EXPECT_EQ(pa[2], 0xf00d);
  EXPECT_EQ(zx_vmar_protect(root, RW, a, 4 * PAGE), ZX_OK);
  pa[3] = 77;
  EXPECT_EQ(zx_vmo_read(vmo, &word, 12, 4), ZX_OK);
  EXPECT_EQ(word, 77);
  // Protect errors.
  EXPECT_EQ(zx_vmar_protect(root, ZX_VM_PERM_WRITE, a, 4 * PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(root, RW, a + 1, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(root, RW, a, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(root, RW | ZX_VM_SPECIFIC, a, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(root, RW | ZX_VM_PERM_EXECUTE, a, 4 * PAGE), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmar_protect(root, RW, b, PAGE), ZX_OK);
  if (b != a + 4 * PAGE)
    EXPECT_EQ(zx_vmar_protect(root, RW, a, 5 * PAGE), ZX_ERR_NOT_FOUND);  // a gap after a
  EXPECT_EQ(zx_vmar_protect(0x12345677, RW, a, PAGE), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmar_protect(vmo, RW, a, PAGE), ZX_ERR_WRONG_TYPE);
  // Unmap, then the same address maps again (SPECIFIC).
  zx_vaddr_t c;
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_SPECIFIC, a - vmar_base(root), vmo, 0, PAGE, &c),
            ZX_ERR_ALREADY_EXISTS);
  EXPECT_EQ(zx_vmar_unmap(root, a, 4 * PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, a, 4 * PAGE), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_SPECIFIC, a - vmar_base(root), vmo, 0, PAGE, &c), ZX_OK);
  EXPECT_EQ(c, a);
  EXPECT_EQ(((volatile uint32_t *)c)[0], 0xdeadbeef);
  EXPECT_EQ(zx_vmar_unmap(root, c, PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, b, PAGE), ZX_OK);
  // Unmap errors.
  EXPECT_EQ(zx_vmar_unmap(root, a + 1, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(root, a, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(root, 0, PAGE), ZX_ERR_INVALID_ARGS);  // page 0: outside the VMAR
  EXPECT_EQ(zx_vmar_unmap(0x12345677, a, PAGE), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmar_unmap(zx_process_self(), a, PAGE), ZX_ERR_WRONG_TYPE);

  // Map errors.
  zx_vaddr_t x;
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, 0, &x), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, PAGE + 1, &x), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 1, PAGE, &x), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, RW, PAGE, vmo, 0, PAGE, &x), ZX_ERR_INVALID_ARGS);  // not SPECIFIC
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_WRITE, 0, vmo, 0, PAGE, &x), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_CAN_MAP_READ, 0, vmo, 0, PAGE, &x), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_SPECIFIC, 1UL << 48, vmo, 0, PAGE, &x),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, 1UL << 48, &x), ZX_ERR_NO_RESOURCES);
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE, 0, vmo, 0, PAGE, &x),
            ZX_ERR_ACCESS_DENIED);  // VMOs from vmo_create lack ZX_RIGHT_EXECUTE
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, PAGE, NULL), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, PAGE, KERNEL_ADDR), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(0x12345677, RW, 0, vmo, 0, PAGE, &x), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmar_map(root, RW, 0, 0x12345677, 0, PAGE, &x), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmar_map(vmo, RW, 0, vmo, 0, PAGE, &x), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_vmar_map(root, RW, 0, zx_process_self(), 0, PAGE, &x), ZX_ERR_WRONG_TYPE);
  zx_handle_t ro;
  zx_status_t dup = zx_handle_duplicate(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP, &ro);
  if (dup == ZX_OK) {
    EXPECT_EQ(zx_vmar_map(root, RW, 0, ro, 0, PAGE, &x), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ, 0, ro, 0, PAGE, &x), ZX_OK);
    EXPECT_EQ(zx_vmar_protect(root, RW, x, PAGE), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(zx_vmar_unmap(root, x, PAGE), ZX_OK);
    EXPECT_EQ(zx_handle_close(ro), ZX_OK);
    EXPECT_EQ(zx_handle_duplicate(vmo, ZX_RIGHT_READ, &ro), ZX_OK);  // no ZX_RIGHT_MAP
    EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ, 0, ro, 0, PAGE, &x), ZX_ERR_ACCESS_DENIED);
    EXPECT_EQ(zx_handle_close(ro), ZX_OK);
  }
  zx_handle_t rvmo;
  EXPECT_EQ(zx_vmo_create(PAGE, ZX_VMO_RESIZABLE, &rvmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_REQUIRE_NON_RESIZABLE, 0, rvmo, 0, PAGE, &x),
            ZX_ERR_NOT_SUPPORTED);
  // Shrinking a mapped VMO takes its pages out of the mapping.
  EXPECT_EQ(zx_vmar_map(root, RW, 0, rvmo, 0, PAGE, &x), ZX_OK);
  *(volatile uint32_t *)x = 5;
  EXPECT_EQ(zx_vmo_set_size(rvmo, 0), ZX_OK);
  EXPECT_EQ(zx_vmo_set_size(rvmo, PAGE), ZX_OK);
  EXPECT_EQ(*(volatile uint32_t *)x, 0);  // a fresh zero page
  EXPECT_EQ(zx_vmar_unmap(root, x, PAGE), ZX_OK);
  EXPECT_EQ(zx_handle_close(rvmo), ZX_OK);

  // Sub-VMARs.
  zx_handle_t sub;
  zx_vaddr_t sub_addr;
  EXPECT_EQ(zx_vmar_allocate(root, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_SPECIFIC, 0, 16 * PAGE,
                             &sub, &sub_addr), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RW, 0, vmo, 0, PAGE, &x), ZX_ERR_ACCESS_DENIED);  // no CAN_MAP_WRITE
  EXPECT_EQ(zx_vmar_map(sub, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 2 * PAGE, vmo, 0, PAGE, &x), ZX_OK);
  EXPECT_EQ(x, sub_addr + 2 * PAGE);
  EXPECT_EQ(((volatile uint32_t *)x)[0], 0xdeadbeef);
  EXPECT_EQ(zx_vmar_map(sub, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 16 * PAGE, vmo, 0, PAGE, &x),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(sub, ZX_VM_PERM_READ, 0, vmo, 0, 32 * PAGE, &x), ZX_ERR_NO_RESOURCES);
  EXPECT_EQ(zx_vmar_unmap(root, sub_addr, PAGE), ZX_ERR_INVALID_ARGS);  // part of a sub-VMAR
  zx_handle_t sub2;
  zx_vaddr_t sub2_addr;
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_WRITE, 0, PAGE, &sub2, &sub2_addr),
            ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_READ, PAGE, PAGE, &sub2, &sub2_addr),
            ZX_ERR_INVALID_ARGS);  // offset without SPECIFIC
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_READ, 0, 0, &sub2, &sub2_addr), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_READ | ZX_VM_SPECIFIC, 2 * PAGE, PAGE, &sub2,
                             &sub2_addr), ZX_ERR_ALREADY_EXISTS);
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_READ, 0, 64 * PAGE, &sub2, &sub2_addr),
            ZX_ERR_NO_RESOURCES);
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_READ, 0, PAGE, NULL, &sub2_addr),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_READ, 0, PAGE, &sub2, KERNEL_ADDR),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_allocate(vmo, ZX_VM_CAN_MAP_READ, 0, PAGE, &sub2, &sub2_addr),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_READ | ZX_VM_SPECIFIC, 4 * PAGE, PAGE, &sub2,
                             &sub2_addr), ZX_OK);
  EXPECT_EQ(sub2_addr, sub_addr + 4 * PAGE);
  EXPECT_EQ(zx_vmar_map(sub2, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &x), ZX_OK);
  EXPECT_EQ(x, sub2_addr);
  EXPECT_EQ(zx_vmar_map(sub2, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 0, vmo, 0, PAGE, &x),
            ZX_ERR_ACCESS_DENIED);  // sub2 lacks CAN_MAP_SPECIFIC
  // Destroying sub destroys sub2 too; both handles then see ZX_ERR_BAD_STATE.
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_OK);
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_vmar_map(sub, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &x), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_vmar_map(sub2, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &x), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_vmar_unmap(sub2, sub2_addr, PAGE), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_vmar_protect(sub2, ZX_VM_PERM_READ, sub2_addr, PAGE), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_vmar_allocate(sub, 0, 0, PAGE, &sub2, &sub2_addr), ZX_ERR_BAD_STATE);
  // Its range is free again.
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, sub_addr - vmar_base(root), vmo, 0,
                        16 * PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, x, 16 * PAGE), ZX_OK);
  EXPECT_EQ(zx_handle_close(sub2), ZX_OK);
  EXPECT_EQ(zx_handle_close(sub), ZX_OK);
  EXPECT_EQ(zx_vmar_destroy(0x12345677), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmar_destroy(vmo), ZX_ERR_WRONG_TYPE);

  // A mapping keeps its VMO alive after the handle is closed.
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
  EXPECT_EQ(((volatile uint32_t *)x)[0], 0xdeadbeef);
  EXPECT_EQ(zx_vmar_unmap(root, x, PAGE), ZX_OK);
  // Left mapped on purpose: process exit must clean it up.
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, PAGE, &x), ZX_OK);
  *(volatile uint32_t *)x = 1;
}

// The kernel writes into a mapping no one has touched yet: the page must be faulted
// in for the syscall, as the program's own access would have.
static void test_kernel_copy_into_untouched_mapping(zx_handle_t root) {
  zx_handle_t vmo, buffer_vmo;
  zx_vaddr_t addr = 0;
  EXPECT_EQ(zx_vmo_create(4096, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_create(4096, 0, &buffer_vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, "demand", 0, 7), ZX_OK);
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, buffer_vmo, 0, 4096, &addr), ZX_OK);
  EXPECT_EQ(zx_vmo_read(vmo, (void *)addr, 0, 7), ZX_OK);
  EXPECT_EQ(memcmp((const void *)addr, "demand", 7), 0);
  EXPECT_EQ(zx_vmar_unmap(root, addr, 4096), ZX_OK);
  zx_handle_close(vmo);
  zx_handle_close(buffer_vmo);
}

// --- Partial unmap and protect ------------------------------------------------------

#define R ZX_VM_PERM_READ
#define RWS (RW | ZX_VM_SPECIFIC)
#define CAN_RWS (ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC)

// Bit i set: page i of [base, base + n pages) of process proc is mapped (a debugger
// read succeeds). Untouched pages of a mapping count as mapped: the read pages them in.
static uint64_t mapped_bits(zx_handle_t proc, uintptr_t base, unsigned n) {
  uint64_t bits = 0;
  for (unsigned i = 0; i < n; i++) {
    uint8_t byte;
    size_t actual = 0;
    zx_status_t s = zx_process_read_memory(proc, base + i * PAGE, &byte, 1, &actual);
    if (s == ZX_OK && actual == 1) bits |= 1ULL << i;
    else EXPECT_EQ(s, ZX_ERR_NO_MEMORY);  // the one way to say "not mapped"
  }
  return bits;
}
static uint64_t self_bits(uintptr_t base, unsigned n) {
  return mapped_bits(zx_process_self(), base, n);
}

// Each page of a VMO starts with a word naming it: tag + page index.
static zx_handle_t tagged_vmo(unsigned pages, uint32_t tag) {
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(pages * PAGE, 0, &vmo), ZX_OK);
  for (unsigned i = 0; i < pages; i++) {
    uint32_t word = tag + i;
    EXPECT_EQ(zx_vmo_write(vmo, &word, i * PAGE, 4), ZX_OK);
  }
  return vmo;
}
static uint32_t word_at(uintptr_t addr) { return *(volatile uint32_t *)addr; }

// The mapping that starts at base in vmar's maps (size 0 if none).
static zx_info_maps_t map_at(zx_handle_t vmar, uintptr_t base) {
  zx_info_maps_t maps[64], none;
  memset(&none, 0, sizeof none);
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(vmar, ZX_INFO_VMAR_MAPS, maps, sizeof maps, &actual, &avail), ZX_OK);
  for (size_t i = 0; i < actual; i++)
    if (maps[i].type == ZX_INFO_MAPS_TYPE_MAPPING && maps[i].base == base) return maps[i];
  return none;
}
// Checks the mapping at base: size, VMO offset and permissions.
#define EXPECT_MAP(vmar, base, pages, offset_pages, perms)                          \
  do {                                                                             \
    zx_info_maps_t m_ = map_at(vmar, base);                                        \
    EXPECT_EQ(m_.size, (pages) * PAGE);                                            \
    EXPECT_EQ(m_.u.mapping.vmo_offset, (offset_pages) * PAGE);                     \
    EXPECT_EQ(m_.u.mapping.mmu_flags, perms);                                      \
  } while (0)

// A child process with one RWX code page and nothing else: it runs a probe that
// reads or writes one word, then exits 0; if the access faults it dies
// (ZX_TASK_RETCODE_EXCEPTION_KILL). Shared: the child is the prototype of a new
// shared group and vmar is its group's window (TTBR1 pages, another TLB path).
struct probe {
  zx_handle_t proc, vmar, thread;
  uintptr_t code;
};

static void probe_create(struct probe *p, bool shared) {
  memset(p, 0, sizeof *p);
  EXPECT_EQ(zx_process_create(zx_job_default(), "vm-probe", 8, shared ? ZX_PROCESS_SHARED : 0,
                              &p->proc, &p->vmar), ZX_OK);
  EXPECT_EQ(zx_thread_create(p->proc, "vm-probe", 8, 0, &p->thread), ZX_OK);
  zx_handle_t plain, vmo;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &plain), ZX_OK);
  EXPECT_EQ(zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(p->vmar, RW | ZX_VM_PERM_EXECUTE, 0, vmo, 0, PAGE, &p->code), ZX_OK);
  zx_handle_close(vmo);
}

// Runs p once with insn (its operand in x1 = addr) and returns its exit code; closes p.
static int64_t probe_run_insn(struct probe *p, uintptr_t addr, uint32_t insn) {
  const uint32_t code[] = {
      insn,
      0xd2800000u,                                       // movz x0, #0
      0xd2800010u | (uint32_t)SYSNUM_process_exit << 5,  // movz x16, #process_exit
      0xd4000001u,                                       // svc #0
      0xd4200000u,                                       // brk #0 (not reached)
  };
  size_t actual = 0;
  // Through the debugger path, which also makes the new code visible to fetches.
  EXPECT_EQ(zx_process_write_memory(p->proc, p->code, code, sizeof code, &actual), ZX_OK);
  EXPECT_EQ(zx_process_start(p->proc, p->thread, p->code, p->code + PAGE - 16, ZX_HANDLE_INVALID,
                             addr), ZX_OK);
  zx_signals_t seen = 0;
  EXPECT_EQ(zx_object_wait_one(p->proc, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, &seen), ZX_OK);
  zx_info_process_t info;
  memset(&info, 0, sizeof info);
  EXPECT_EQ(zx_object_get_info(p->proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL), ZX_OK);
  zx_handle_close(p->thread);
  zx_handle_close(p->vmar);
  zx_handle_close(p->proc);
  return info.return_code;
}

static int64_t probe_run(struct probe *p, uintptr_t addr, bool write) {
  return probe_run_insn(p, addr, write ? 0xf9000021u : 0xf9400022u);  // str x1, [x1] / ldr x2, [x1]
}

// Unmap of part of one mapping, from the left, the right and the middle: the rest
// stays mapped at its VMO offsets (Zircon's UnmapSplit cases).
static void test_unmap_split(zx_handle_t root) {
  zx_handle_t vmo = tagged_vmo(4, 0x100);
  uintptr_t m[3];
  for (int i = 0; i < 3; i++) EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, 4 * PAGE, &m[i]), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, m[0], 2 * PAGE), ZX_OK);  // left
  EXPECT_EQ(self_bits(m[0], 4), 0xc);
  EXPECT_EQ(word_at(m[0] + 2 * PAGE), 0x102);
  EXPECT_EQ(word_at(m[0] + 3 * PAGE), 0x103);
  EXPECT_MAP(root, m[0] + 2 * PAGE, 2, 2, RW);
  EXPECT_EQ(zx_vmar_unmap(root, m[1] + 2 * PAGE, 2 * PAGE), ZX_OK);  // right
  EXPECT_EQ(self_bits(m[1], 4), 0x3);
  EXPECT_EQ(word_at(m[1] + PAGE), 0x101);
  EXPECT_MAP(root, m[1], 2, 0, RW);
  // The middle: pages touched first, so their entries must go too.
  for (int i = 0; i < 4; i++) EXPECT_EQ(word_at(m[2] + i * PAGE), 0x100 + i);
  EXPECT_EQ(zx_vmar_unmap(root, m[2] + PAGE, 2 * PAGE), ZX_OK);
  EXPECT_EQ(self_bits(m[2], 4), 0x9);
  EXPECT_MAP(root, m[2], 1, 0, RW);
  EXPECT_MAP(root, m[2] + 3 * PAGE, 1, 3, RW);  // the split's right part keeps its offset
  *(volatile uint32_t *)(m[2] + 3 * PAGE + 8) = 0xabcd;  // still the same VMO
  uint32_t word = 0;
  EXPECT_EQ(zx_vmo_read(vmo, &word, 3 * PAGE + 8, 4), ZX_OK);
  EXPECT_EQ(word, 0xabcd);
  EXPECT_EQ(zx_vmar_unmap(root, m[2] + PAGE, 2 * PAGE), ZX_ERR_NOT_FOUND);  // nothing left there
  // The rest goes page by page, then the space maps again as a whole.
  EXPECT_EQ(zx_vmar_unmap(root, m[0] + 2 * PAGE, 2 * PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, m[1], 2 * PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, m[2], PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, m[2] + 3 * PAGE, PAGE), ZX_OK);
  for (int i = 0; i < 3; i++) {
    EXPECT_EQ(self_bits(m[i], 4), 0);
    uintptr_t again = 0;
    EXPECT_EQ(zx_vmar_map(root, RWS, m[i] - vmar_base(root), vmo, 0, 4 * PAGE, &again), ZX_OK);
    EXPECT_EQ(again, m[i]);
    EXPECT_EQ(self_bits(m[i], 4), 0xf);
    EXPECT_EQ(zx_vmar_unmap(root, m[i], 4 * PAGE), ZX_OK);
  }
  // A split mapping's pieces each hold the VMO: closing the handle keeps it alive.
  uintptr_t x = 0;
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, 4 * PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, x + PAGE, PAGE), ZX_OK);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
  EXPECT_EQ(word_at(x), 0x100);
  EXPECT_EQ(word_at(x + 2 * PAGE), 0x102);
  EXPECT_EQ(zx_vmar_unmap(root, x, 4 * PAGE), ZX_OK);
}

// One unmap across several mappings, gaps and sub-VMARs, in a sub-VMAR of known
// layout; and its errors.
static void test_unmap_multiple(zx_handle_t root) {
  zx_handle_t sub, vmo = tagged_vmo(4, 0x200);
  uintptr_t sa = 0, x = 0;
  EXPECT_EQ(zx_vmar_allocate(root, CAN_RWS, 0, 16 * PAGE, &sub, &sa), ZX_OK);
  // X [0, 4) Y [4, 8) gap [8, 10) Z [10, 14) gap [14, 16), all touched.
  EXPECT_EQ(zx_vmar_map(sub, RWS, 0, vmo, 0, 4 * PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RWS, 4 * PAGE, vmo, 0, 4 * PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RWS, 10 * PAGE, vmo, 0, 4 * PAGE, &x), ZX_OK);
  EXPECT_EQ(self_bits(sa, 16), 0x3cff);
  // X's right half, all of Y, a gap, Z's left half.
  EXPECT_EQ(zx_vmar_unmap(sub, sa + 2 * PAGE, 10 * PAGE), ZX_OK);
  EXPECT_EQ(self_bits(sa, 16), 0x3003);
  EXPECT_EQ(word_at(sa + PAGE), 0x201);
  EXPECT_EQ(word_at(sa + 12 * PAGE), 0x202);  // Z's third page
  EXPECT_MAP(sub, sa, 2, 0, RW);
  EXPECT_MAP(sub, sa + 12 * PAGE, 2, 2, RW);
  // Starting and ending in gaps is fine; only gaps is ZX_ERR_NOT_FOUND.
  EXPECT_EQ(zx_vmar_unmap(sub, sa + 8 * PAGE, 2 * PAGE), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(zx_vmar_unmap(sub, sa + 11 * PAGE, 5 * PAGE), ZX_OK);
  EXPECT_EQ(self_bits(sa, 16), 0x3);
  EXPECT_EQ(zx_vmar_unmap(sub, sa, 16 * PAGE), ZX_OK);
  EXPECT_EQ(self_bits(sa, 16), 0);
  EXPECT_EQ(zx_vmar_unmap(sub, sa, 16 * PAGE), ZX_ERR_NOT_FOUND);

  // Sub-VMARs: W [0, 4), the sub-VMAR S [4, 8) with a mapping at [5, 6), V [8, 12).
  zx_handle_t s, no_op;
  uintptr_t s_addr = 0;
  EXPECT_EQ(zx_vmar_map(sub, RWS, 0, vmo, 0, 4 * PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_allocate(sub, CAN_RWS | ZX_VM_SPECIFIC, 4 * PAGE, 4 * PAGE, &s, &s_addr), ZX_OK);
  EXPECT_EQ(zx_vmar_map(s, RWS, PAGE, vmo, 0, PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RWS, 8 * PAGE, vmo, 0, 4 * PAGE, &x), ZX_OK);
  EXPECT_EQ(self_bits(sa, 16), 0xf2f);
  // Part of S: ZX_ERR_INVALID_ARGS, and nothing changes.
  EXPECT_EQ(zx_vmar_unmap(sub, sa + 2 * PAGE, 4 * PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(sub, sa + 5 * PAGE, 6 * PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(s, s_addr, 8 * PAGE), ZX_ERR_INVALID_ARGS);  // past S's end
  EXPECT_EQ(self_bits(sa, 16), 0xf2f);
  // All of S, without ZX_RIGHT_OP_CHILDREN: ZX_ERR_INVALID_ARGS (mappings alone are fine).
  zx_info_handle_basic_t basic;
  EXPECT_EQ(zx_object_get_info(sub, ZX_INFO_HANDLE_BASIC, &basic, sizeof basic, NULL, NULL), ZX_OK);
  EXPECT_EQ(zx_handle_duplicate(sub, basic.rights & ~ZX_RIGHT_OP_CHILDREN, &no_op), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(no_op, sa + 2 * PAGE, 8 * PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(self_bits(sa, 16), 0xf2f);
  EXPECT_EQ(zx_vmar_unmap(no_op, sa + 3 * PAGE, PAGE), ZX_OK);
  EXPECT_EQ(zx_handle_close(no_op), ZX_OK);
  // With it: W's rest, S destroyed, V's left half.
  EXPECT_EQ(zx_vmar_unmap(sub, sa + 2 * PAGE, 8 * PAGE), ZX_OK);
  EXPECT_EQ(self_bits(sa, 16), 0xc03);
  EXPECT_EQ(zx_vmar_map(s, R, 0, vmo, 0, PAGE, &x), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_vmar_unmap(s, s_addr, PAGE), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_handle_close(s), ZX_OK);
  // The errors of the range itself.
  EXPECT_EQ(zx_vmar_unmap(sub, sa + 1, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(sub, sa, PAGE + 1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(sub, sa, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(sub, sa - PAGE, 2 * PAGE), ZX_ERR_INVALID_ARGS);   // starts before
  EXPECT_EQ(zx_vmar_unmap(sub, sa + 15 * PAGE, 2 * PAGE), ZX_ERR_INVALID_ARGS);  // ends after
  EXPECT_EQ(zx_vmar_unmap(sub, sa, ~0UL & ~(PAGE - 1)), ZX_ERR_INVALID_ARGS);  // wraps
  EXPECT_EQ(self_bits(sa, 16), 0xc03);
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_OK);  // takes the rest
  EXPECT_EQ(self_bits(sa, 16), 0);
  EXPECT_EQ(zx_vmar_unmap(sub, sa, PAGE), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_handle_close(sub), ZX_OK);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
}

// Protect of part of a mapping and across mappings, what the page tables then allow,
// and every documented error.
static void test_protect_partial(zx_handle_t root) {
  zx_handle_t sub, vmo = tagged_vmo(4, 0x300), ro;
  uintptr_t sa = 0, x = 0;
  EXPECT_EQ(zx_vmar_allocate(root, CAN_RWS, 0, 16 * PAGE, &sub, &sa), ZX_OK);
  // The middle of one touched mapping read-only: three mappings, one VMO.
  EXPECT_EQ(zx_vmar_map(sub, RWS, 0, vmo, 0, 4 * PAGE, &x), ZX_OK);
  for (int i = 0; i < 4; i++) *(volatile uint32_t *)(sa + i * PAGE + 4) = 7;
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + PAGE, 2 * PAGE), ZX_OK);
  EXPECT_MAP(sub, sa, 1, 0, RW);
  EXPECT_MAP(sub, sa + PAGE, 2, 1, R);
  EXPECT_MAP(sub, sa + 3 * PAGE, 1, 3, RW);
  EXPECT_EQ(word_at(sa + 2 * PAGE), 0x302);  // still readable
  *(volatile uint32_t *)(sa + 3 * PAGE + 4) = 8;  // still writable
  // A debugger still writes read-only pages.
  uint32_t word = 0x5555;
  size_t actual = 0;
  EXPECT_EQ(zx_process_write_memory(zx_process_self(), sa + PAGE + 4, &word, 4, &actual), ZX_OK);
  EXPECT_EQ(word_at(sa + PAGE + 4), 0x5555);
  // Protecting what already has the perms splits nothing.
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 2 * PAGE, PAGE), ZX_OK);
  EXPECT_MAP(sub, sa + PAGE, 2, 1, R);
  // Across the three pieces: back to RW, writable everywhere.
  EXPECT_EQ(zx_vmar_protect(sub, RW, sa, 4 * PAGE), ZX_OK);
  for (int i = 0; i < 4; i++) *(volatile uint32_t *)(sa + i * PAGE + 4) = 9;
  EXPECT_EQ(zx_vmo_read(vmo, &word, 2 * PAGE + 4, 4), ZX_OK);
  EXPECT_EQ(word, 9);
  // No permissions: the page leaves the page tables (a debugger cannot page it in),
  // and comes back with read.
  EXPECT_EQ(zx_vmar_protect(sub, 0, sa + PAGE, PAGE), ZX_OK);
  EXPECT_EQ(self_bits(sa, 4), 0xd);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + PAGE, PAGE), ZX_OK);
  EXPECT_EQ(self_bits(sa, 4), 0xf);
  EXPECT_EQ(word_at(sa + PAGE + 4), 9);

  // Across several mappings: X's pieces (Janus does not merge them back: [0, 1) RW,
  // [1, 2) R, [2, 3) RW, [3, 4) RW) and Y [4, 8).
  EXPECT_MAP(sub, sa + 2 * PAGE, 1, 2, RW);
  EXPECT_EQ(zx_vmar_map(sub, RWS, 4 * PAGE, vmo, 0, 4 * PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 2 * PAGE, 4 * PAGE), ZX_OK);
  EXPECT_MAP(sub, sa + 2 * PAGE, 1, 2, R);
  EXPECT_MAP(sub, sa + 3 * PAGE, 1, 3, R);
  EXPECT_MAP(sub, sa + 4 * PAGE, 2, 0, R);
  EXPECT_MAP(sub, sa + 6 * PAGE, 2, 2, RW);
  EXPECT_EQ(self_bits(sa, 16), 0xff);

  // Errors; none of them changes anything.
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 1, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa, PAGE + 1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(sub, ZX_VM_PERM_WRITE, sa, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(sub, R | ZX_VM_CAN_MAP_READ, sa, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa - PAGE, 2 * PAGE), ZX_ERR_INVALID_ARGS);  // outside sub
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 15 * PAGE, 2 * PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 6 * PAGE, 4 * PAGE), ZX_ERR_NOT_FOUND);  // ends in a gap
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 8 * PAGE, PAGE), ZX_ERR_NOT_FOUND);      // only a gap
  EXPECT_EQ(zx_vmar_protect(sub, RW | ZX_VM_PERM_EXECUTE, sa, PAGE), ZX_ERR_ACCESS_DENIED);
  EXPECT_MAP(sub, sa + 6 * PAGE, 2, 2, RW);
  // A mapping whose VMO handle had no write right, after a gap and then in a run.
  EXPECT_EQ(zx_handle_duplicate(vmo, ZX_RIGHT_READ | ZX_RIGHT_MAP, &ro), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, R | ZX_VM_SPECIFIC, 8 * PAGE, ro, 0, 2 * PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_protect(sub, RW, sa, 10 * PAGE), ZX_ERR_ACCESS_DENIED);
  EXPECT_MAP(sub, sa + 2 * PAGE, 1, 2, R);  // untouched
  EXPECT_MAP(sub, sa + 4 * PAGE, 2, 0, R);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 7 * PAGE, 3 * PAGE), ZX_OK);
  // A sub-VMAR in the range (empty or not): ZX_ERR_INVALID_ARGS; starting in a gap:
  // ZX_ERR_NOT_FOUND.
  zx_handle_t s;
  uintptr_t s_addr = 0;
  EXPECT_EQ(zx_vmar_allocate(sub, CAN_RWS | ZX_VM_SPECIFIC, 10 * PAGE, 2 * PAGE, &s, &s_addr), ZX_OK);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 8 * PAGE, 4 * PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 10 * PAGE, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(s, RWS, 0, vmo, 0, PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 9 * PAGE, 2 * PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_protect(s, R, s_addr, PAGE), ZX_OK);  // through its own handle
  EXPECT_EQ(zx_vmar_protect(s, R, s_addr, 2 * PAGE), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa + 12 * PAGE, PAGE), ZX_ERR_NOT_FOUND);
  // Handle rights and the VMAR's own ceiling.
  zx_handle_t sub_ro, sub_nowrite;
  uintptr_t nw_addr = 0;
  EXPECT_EQ(zx_handle_duplicate(sub, ZX_RIGHT_READ | ZX_RIGHT_OP_CHILDREN, &sub_ro), ZX_OK);
  EXPECT_EQ(zx_vmar_protect(sub_ro, RW, sa, PAGE), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_vmar_protect(sub_ro, R, sa, PAGE), ZX_OK);
  EXPECT_EQ(zx_handle_close(sub_ro), ZX_OK);
  EXPECT_EQ(zx_vmar_allocate(sub, ZX_VM_CAN_MAP_READ | ZX_VM_SPECIFIC, 13 * PAGE, 2 * PAGE,
                             &sub_nowrite, &nw_addr), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub_nowrite, R, 0, vmo, 0, PAGE, &x), ZX_OK);
  EXPECT_EQ(zx_vmar_protect(sub_nowrite, RW, x, PAGE), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(zx_handle_close(sub_nowrite), ZX_OK);
  EXPECT_EQ(zx_vmar_protect(0x12345677, R, sa, PAGE), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_vmar_protect(vmo, R, sa, PAGE), ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_handle_close(s), ZX_OK);
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_OK);
  EXPECT_EQ(zx_vmar_protect(sub, R, sa, PAGE), ZX_ERR_BAD_STATE);
  EXPECT_EQ(zx_handle_close(sub), ZX_OK);
  EXPECT_EQ(zx_handle_close(ro), ZX_OK);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
}

// What a child's own accesses see after partial unmap and protect in its space (or
// in its shared window): the unmapped middle page and the read-only page fault, their
// neighbours do not.
static void test_user_faults(bool shared) {
  zx_handle_t vmo = tagged_vmo(4, 0x400);
  struct {
    unsigned page;
    bool write, faults;
  } cases[] = {
      {0, true, false},  // RW, before the unmapped page
      {1, false, true},  // unmapped
      {2, false, false},  // read-only: reads work
      {2, true, true},    // but writes fault
      {3, true, false},   // RW again (the right part of the split)
  };
  for (unsigned i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    struct probe p;
    uintptr_t data = 0;
    probe_create(&p, shared);
    EXPECT_EQ(zx_vmar_map(p.vmar, RW, 0, vmo, 0, 4 * PAGE, &data), ZX_OK);
    EXPECT_EQ(data >= 0xffff000000000000UL, shared);
    EXPECT_EQ(mapped_bits(p.proc, data, 4), 0xf);  // pages in the child's tables
    EXPECT_EQ(zx_vmar_unmap(p.vmar, data + PAGE, PAGE), ZX_OK);
    EXPECT_EQ(zx_vmar_protect(p.vmar, R, data + 2 * PAGE, PAGE), ZX_OK);
    EXPECT_EQ(mapped_bits(p.proc, data, 4), 0xd);
    uintptr_t target = data + cases[i].page * PAGE + 8;
    int64_t code = probe_run(&p, target, cases[i].write);
    EXPECT_EQ(code, cases[i].faults ? ZX_TASK_RETCODE_EXCEPTION_KILL : 0);
    if (cases[i].write && !cases[i].faults) {  // the probe stored its x1: the address
      uint64_t stored = 0;
      EXPECT_EQ(zx_vmo_read(vmo, &stored, cases[i].page * PAGE + 8, 8), ZX_OK);
      EXPECT_EQ(stored, target);
    }
  }
  // A long protect (64 present pages: one whole-ASID flush) in a child, then a write
  // in the middle faults; protected back, the same write works.
  for (int back = 0; back < 2; back++) {
    zx_handle_t big;
    struct probe p;
    uintptr_t data = 0;
    EXPECT_EQ(zx_vmo_create(64 * PAGE, 0, &big), ZX_OK);
    probe_create(&p, shared);
    EXPECT_EQ(zx_vmar_map(p.vmar, RW, 0, big, 0, 64 * PAGE, &data), ZX_OK);
    EXPECT_EQ(mapped_bits(p.proc, data, 64), ~0ULL);
    EXPECT_EQ(zx_vmar_protect(p.vmar, R, data, 64 * PAGE), ZX_OK);
    if (back) EXPECT_EQ(zx_vmar_protect(p.vmar, RW, data, 64 * PAGE), ZX_OK);
    EXPECT_EQ(probe_run(&p, data + 40 * PAGE, true), back ? 0 : ZX_TASK_RETCODE_EXCEPTION_KILL);
    zx_handle_close(big);
  }
  zx_handle_close(vmo);
}

// Cache maintenance by VA from EL0 (SCTLR_EL1.UCI): each instruction runs without a trap
// on a written page, on a page never touched (on hardware a translation fault that the
// kernel must take as a read, by ESR's CM bit, and map) and on a read-only page. (QEMU
// checks no access for them: that an unreadable address faults shows only on hardware.)
static void test_user_cache_maintenance(void) {
  static const uint32_t insns[] = {
      0xd50b7b21u,  // dc cvau, x1
      0xd50b7a21u,  // dc cvac, x1
      0xd50b7e21u,  // dc civac, x1
      0xd50b7521u,  // ic ivau, x1
  };
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(3 * PAGE, 0, &vmo), ZX_OK);
  uint32_t word = 0x900;
  EXPECT_EQ(zx_vmo_write(vmo, &word, 0, 4), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, &word, 2 * PAGE, 4), ZX_OK);
  for (unsigned i = 0; i < sizeof insns / sizeof insns[0]; i++)
    for (unsigned page = 0; page < 3; page++) {  // written, never touched, read-only
      struct probe p;
      uintptr_t data = 0;
      probe_create(&p, false);
      EXPECT_EQ(zx_vmar_map(p.vmar, RW, 0, vmo, 0, 3 * PAGE, &data), ZX_OK);
      EXPECT_EQ(zx_vmar_protect(p.vmar, R, data + 2 * PAGE, PAGE), ZX_OK);
      EXPECT_EQ(probe_run_insn(&p, data + page * PAGE + 64, insns[i]), 0);
    }
  zx_handle_close(vmo);
}

// Long runs: 254 of 256 touched pages unmapped at once (the batched, whole-ASID
// flush), a 64-page protect both ways, and a VMAR destroyed with 64 touched pages.
static void test_long_runs(zx_handle_t root) {
  zx_handle_t vmo = tagged_vmo(256, 0x1000);
  uintptr_t a = 0;
  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, 256 * PAGE, &a), ZX_OK);
  for (unsigned i = 0; i < 256; i++) EXPECT_EQ(word_at(a + i * PAGE), 0x1000 + i);
  EXPECT_EQ(zx_vmar_unmap(root, a + PAGE, 254 * PAGE), ZX_OK);
  EXPECT_EQ(self_bits(a, 2), 0x1);
  EXPECT_EQ(self_bits(a + 128 * PAGE, 1), 0);
  EXPECT_EQ(self_bits(a + 254 * PAGE, 2), 0x2);
  EXPECT_EQ(word_at(a), 0x1000);
  EXPECT_EQ(word_at(a + 255 * PAGE), 0x10ff);
  EXPECT_MAP(root, a + 255 * PAGE, 1, 255, RW);
  uint32_t word = 0;
  EXPECT_EQ(zx_vmo_read(vmo, &word, 128 * PAGE, 4), ZX_OK);  // unmapping kept the VMO's pages
  EXPECT_EQ(word, 0x1080);
  EXPECT_EQ(zx_vmar_unmap(root, a, 256 * PAGE), ZX_OK);
  EXPECT_EQ(self_bits(a, 1) | self_bits(a + 255 * PAGE, 1), 0);

  EXPECT_EQ(zx_vmar_map(root, RW, 0, vmo, 0, 64 * PAGE, &a), ZX_OK);
  for (unsigned i = 0; i < 64; i++) *(volatile uint32_t *)(a + i * PAGE + 4) = i;
  EXPECT_EQ(zx_vmar_protect(root, R, a, 64 * PAGE), ZX_OK);
  for (unsigned i = 0; i < 64; i++) EXPECT_EQ(word_at(a + i * PAGE + 4), i);
  EXPECT_EQ(zx_vmar_protect(root, RW, a, 64 * PAGE), ZX_OK);
  for (unsigned i = 0; i < 64; i++) *(volatile uint32_t *)(a + i * PAGE + 4) = i + 1;
  EXPECT_EQ(zx_vmo_read(vmo, &word, 63 * PAGE + 4, 4), ZX_OK);
  EXPECT_EQ(word, 64);
  EXPECT_EQ(zx_vmar_unmap(root, a, 64 * PAGE), ZX_OK);

  zx_handle_t sub;
  uintptr_t sa = 0;
  EXPECT_EQ(zx_vmar_allocate(root, CAN_RWS, 0, 64 * PAGE, &sub, &sa), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RWS, 0, vmo, 0, 64 * PAGE, &a), ZX_OK);
  for (unsigned i = 0; i < 64; i++) EXPECT_EQ(word_at(a + i * PAGE), 0x1000 + i);
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_OK);
  EXPECT_EQ(self_bits(sa, 64), 0);
  EXPECT_EQ(zx_handle_close(sub), ZX_OK);

  // The same in a shared group's window (TTBR1; batched as one whole-TLB flush).
  zx_handle_t proto, window;
  EXPECT_EQ(zx_process_create(zx_job_default(), "vm-window", 9, ZX_PROCESS_SHARED, &proto,
                              &window), ZX_OK);
  EXPECT_EQ(zx_vmar_map(window, RW, 0, vmo, 0, 64 * PAGE, &a), ZX_OK);
  EXPECT_EQ(mapped_bits(proto, a, 64), ~0ULL);
  EXPECT_EQ(zx_vmar_unmap(window, a + PAGE, 62 * PAGE), ZX_OK);
  EXPECT_EQ(mapped_bits(proto, a, 64), 0x8000000000000001ULL);
  EXPECT_MAP(window, a + 63 * PAGE, 1, 63, RW);
  EXPECT_EQ(zx_vmar_protect(window, R, a + 63 * PAGE, PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(window, a, 64 * PAGE), ZX_OK);
  EXPECT_EQ(mapped_bits(proto, a, 64), 0);
  EXPECT_EQ(zx_handle_close(window), ZX_OK);
  EXPECT_EQ(zx_handle_close(proto), ZX_OK);
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
}

// ZX_VM_SPECIFIC_OVERWRITE replaces parts of mappings (the rest stays); a sub-VMAR in
// the range is ZX_ERR_INVALID_ARGS. A VMO shrinking under a mapping at an offset.
// The root VMAR ends where TTBR0 does (4 TiB, arch/memory_map.h): its last page maps
// and holds data (the last entry of the 8-entry level-0 table), one page past it does
// not.
static void test_top_of_user_space(zx_handle_t root) {
  zx_info_vmar_t info = {0};
  EXPECT_EQ(zx_object_get_info(root, ZX_INFO_VMAR, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.base + info.len, 1UL << 42);
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  zx_vaddr_t x = 0;
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_SPECIFIC, info.len - PAGE, vmo, 0, PAGE, &x), ZX_OK);
  EXPECT_EQ(x, (1UL << 42) - PAGE);
  if (x) {
    *(volatile uint64_t *)x = 0x1234;
    uint64_t back = 0;
    EXPECT_EQ(zx_vmo_read(vmo, &back, 0, sizeof back), ZX_OK);
    EXPECT_EQ(back, 0x1234);
    EXPECT_EQ(zx_vmar_unmap(root, x, PAGE), ZX_OK);
  }
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_SPECIFIC, info.len, vmo, 0, PAGE, &x),
            ZX_ERR_INVALID_ARGS);
  zx_handle_close(vmo);
}

static void test_overwrite_and_shrink(zx_handle_t root) {
  zx_handle_t sub, one = tagged_vmo(4, 0x500), two = tagged_vmo(4, 0x600), s;
  uintptr_t sa = 0, x = 0, s_addr = 0;
  EXPECT_EQ(zx_vmar_allocate(root, CAN_RWS, 0, 16 * PAGE, &sub, &sa), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RWS, 0, one, 0, 4 * PAGE, &x), ZX_OK);
  for (int i = 0; i < 4; i++) EXPECT_EQ(word_at(sa + i * PAGE), 0x500 + i);
  EXPECT_EQ(zx_vmar_map(sub, RW | ZX_VM_SPECIFIC_OVERWRITE, PAGE, two, 0, 2 * PAGE, &x), ZX_OK);
  EXPECT_EQ(x, sa + PAGE);
  EXPECT_EQ(word_at(sa), 0x500);
  EXPECT_EQ(word_at(sa + PAGE), 0x600);
  EXPECT_EQ(word_at(sa + 2 * PAGE), 0x601);
  EXPECT_EQ(word_at(sa + 3 * PAGE), 0x503);
  EXPECT_EQ(zx_vmar_allocate(sub, CAN_RWS | ZX_VM_SPECIFIC, 4 * PAGE, 2 * PAGE, &s, &s_addr), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RW | ZX_VM_SPECIFIC_OVERWRITE, 2 * PAGE, two, 0, 4 * PAGE, &x),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(word_at(sa + 3 * PAGE), 0x503);  // unchanged
  EXPECT_EQ(zx_handle_close(s), ZX_OK);
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_OK);
  EXPECT_EQ(zx_handle_close(sub), ZX_OK);

  // Pages 1..3 of a resizable VMO mapped; it shrinks to 2 pages: only the mapping's
  // first page (VMO page 1) is still backed.
  zx_handle_t rvmo;
  EXPECT_EQ(zx_vmo_create(4 * PAGE, ZX_VMO_RESIZABLE, &rvmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(root, RW, 0, rvmo, PAGE, 3 * PAGE, &x), ZX_OK);
  for (int i = 0; i < 3; i++) *(volatile uint32_t *)(x + i * PAGE) = 0x700 + i;
  EXPECT_EQ(zx_vmo_set_size(rvmo, 2 * PAGE), ZX_OK);
  EXPECT_EQ(self_bits(x, 3), 0x1);
  EXPECT_EQ(word_at(x), 0x700);
  EXPECT_EQ(zx_vmar_unmap(root, x, 3 * PAGE), ZX_OK);
  EXPECT_EQ(zx_handle_close(rvmo), ZX_OK);
  EXPECT_EQ(zx_handle_close(one), ZX_OK);
  EXPECT_EQ(zx_handle_close(two), ZX_OK);
}

int main(void) {
  test_vmo();
  zx_handle_t root = zx_vmar_root_self();
  EXPECT_EQ(root != ZX_HANDLE_INVALID, 1);
  if (root != ZX_HANDLE_INVALID) {
    test_vmar(root);
    test_kernel_copy_into_untouched_mapping(root);
    test_unmap_split(root);
    test_unmap_multiple(root);
    test_protect_partial(root);
    test_user_faults(false);
    test_user_faults(true);
    test_long_runs(root);
    test_overwrite_and_shrink(root);
    test_top_of_user_space(root);
    test_user_cache_maintenance();
  }
  printf("vm: %d failures\n", failures);
  return failures;
}
