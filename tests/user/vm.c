// User-space tests of VMOs and VMARs: success paths, demand paging through
// mappings, and the documented errors. VMAR checks need zx_vmar_root_self(); until
// the runtime receives the root VMAR handle they are skipped (and say so).
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
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_SPECIFIC, a - 0x10000000, vmo, 0, PAGE, &c),
            ZX_ERR_ALREADY_EXISTS);
  EXPECT_EQ(zx_vmar_unmap(root, a, PAGE), ZX_ERR_NOT_SUPPORTED);  // partial: Janus limit
  EXPECT_EQ(zx_vmar_unmap(root, a, 4 * PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, a, 4 * PAGE), ZX_ERR_NOT_FOUND);
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_SPECIFIC, a - 0x10000000, vmo, 0, PAGE, &c), ZX_OK);
  EXPECT_EQ(c, a);
  EXPECT_EQ(((volatile uint32_t *)c)[0], 0xdeadbeef);
  EXPECT_EQ(zx_vmar_unmap(root, c, PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, b, PAGE), ZX_OK);
  // Unmap errors.
  EXPECT_EQ(zx_vmar_unmap(root, a + 1, PAGE), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(root, a, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_unmap(root, 0x1000, PAGE), ZX_ERR_INVALID_ARGS);  // outside the VMAR
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
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, sub_addr - 0x10000000, vmo, 0,
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

int main(void) {
  test_vmo();
  zx_handle_t root = zx_vmar_root_self();
  EXPECT_EQ(root != ZX_HANDLE_INVALID, 1);
  if (root != ZX_HANDLE_INVALID) {
    test_vmar(root);
    test_kernel_copy_into_untouched_mapping(root);
  }
  printf("vm: %d failures\n", failures);
  return failures;
}
