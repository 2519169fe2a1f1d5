// ZX_VM_MAP_RANGE: zx_vmar_map enters the pages the VMO already has into the page
// tables at once (seen as the page tables a fresh process gets at the call, from
// JANUS_INFO_KMEM_STATS), commits none, enters a page shared copy-on-write read-only
// (a write through the mapping gives the mapping's VMO its own copy), runs code in an
// executable mapping also after the kernel rewrote the page, and is
// ZX_ERR_INVALID_ARGS with ZX_VM_SPECIFIC_OVERWRITE.
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define PAGE 4096UL
#define RW (ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)

static janus_info_kmem_stats_t kmem(void) {
  janus_info_kmem_stats_t s;
  memset(&s, 0, sizeof s);
  kernel_record(JANUS_INFO_KMEM_STATS, &s, sizeof s);
  return s;
}

static uint64_t user_table_bytes(void) { return kmem().user_table_bytes; }

// A 4-page VMO with pages 0 and 2 committed.
static zx_handle_t half_committed_vmo(void) {
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(4 * PAGE, 0, &vmo), ZX_OK);
  uint64_t word = 0x1234;
  EXPECT_EQ(zx_vmo_write(vmo, &word, 0, sizeof word), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, &word, 2 * PAGE, sizeof word), ZX_OK);
  return vmo;
}

// In a fresh process (no page tables yet) a plain mapping makes no table, a
// MAP_RANGE one the three below the root at the call; neither commits a page.
static void test_pages_entered_at_map(void) {
  zx_handle_t vmo = half_committed_vmo();
  zx_handle_t proc, vmar;
  EXPECT_EQ(zx_process_create(zx_job_default(), "map-range", 9, 0, &proc, &vmar), ZX_OK);
  uintptr_t addr = 0;
  user_table_bytes();  // warm: the calls below fault nothing in this process
  uint64_t before = user_table_bytes(), vmo_bytes = kmem().vmo_bytes;
  EXPECT_EQ(zx_vmar_map(vmar, ZX_VM_PERM_READ, 0, vmo, 0, 4 * PAGE, &addr), ZX_OK);
  EXPECT_EQ(user_table_bytes(), before);  // demand paging: nothing until a fault
  EXPECT_EQ(zx_vmar_unmap(vmar, addr, 4 * PAGE), ZX_OK);
  before = user_table_bytes();
  EXPECT_EQ(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_MAP_RANGE, 0, vmo, 0, 4 * PAGE, &addr),
            ZX_OK);
  EXPECT_EQ(user_table_bytes(), before + 3 * PAGE);  // levels 1 to 3 for the two pages
  EXPECT_EQ(kmem().vmo_bytes, vmo_bytes);            // pages 1 and 3 stay uncommitted
  uint64_t word = 0;
  size_t actual = 0;
  EXPECT_EQ(zx_process_read_memory(proc, addr + 2 * PAGE, &word, sizeof word, &actual), ZX_OK);
  EXPECT_EQ(word, 0x1234);
  // An empty VMO: nothing to enter, no table.
  zx_handle_t empty;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &empty), ZX_OK);
  before = user_table_bytes();
  uintptr_t far = 0;
  EXPECT_EQ(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_MAP_RANGE | ZX_VM_SPECIFIC,
                        (1UL << 40) - PAGE, empty, 0, PAGE, &far),
            ZX_OK);
  EXPECT_EQ(user_table_bytes(), before);
  EXPECT_EQ(kmem().vmo_bytes, vmo_bytes);
  zx_handle_close(empty);
  zx_handle_close(vmar);
  zx_handle_close(proc);
  zx_handle_close(vmo);
}

// A snapshot's pages are its parent's until written: entered read-only, so a write
// through the mapping copies the page for the snapshot alone.
static void test_copy_on_write_isolation(zx_handle_t root) {
  zx_handle_t vmo = half_committed_vmo(), snap;
  EXPECT_EQ(zx_vmo_create_child(vmo, ZX_VMO_CHILD_SNAPSHOT, 0, 4 * PAGE, &snap), ZX_OK);
  uintptr_t addr = 0;
  EXPECT_EQ(zx_vmar_map(root, RW | ZX_VM_MAP_RANGE, 0, snap, 0, 4 * PAGE, &addr), ZX_OK);
  volatile uint64_t *p = (volatile uint64_t *)(addr + 2 * PAGE);
  EXPECT_EQ(*p, 0x1234);
  *p = 0x5678;
  uint64_t word = 0;
  EXPECT_EQ(zx_vmo_read(vmo, &word, 2 * PAGE, sizeof word), ZX_OK);
  EXPECT_EQ(word, 0x1234);  // the parent keeps its page
  EXPECT_EQ(zx_vmo_read(snap, &word, 2 * PAGE, sizeof word), ZX_OK);
  EXPECT_EQ(word, 0x5678);
  // And the other way: the parent's later write is not seen through the mapping.
  word = 0x9abc;
  EXPECT_EQ(zx_vmo_write(vmo, &word, 0, sizeof word), ZX_OK);
  EXPECT_EQ(*(volatile uint64_t *)addr, 0x1234);
  EXPECT_EQ(zx_vmar_unmap(root, addr, 4 * PAGE), ZX_OK);
  zx_handle_close(snap);
  zx_handle_close(vmo);
}

// A process whose one code page (MAP_RANGE, read and execute) exits with code.
static int64_t run_code_page(zx_handle_t code_vmo) {
  zx_handle_t proc, vmar, thread, stack;
  uintptr_t code = 0, sp = 0;
  EXPECT_EQ(zx_process_create(zx_job_default(), "map-range-x", 11, 0, &proc, &vmar), ZX_OK);
  EXPECT_EQ(zx_thread_create(proc, "map-range-x", 11, 0, &thread), ZX_OK);
  EXPECT_EQ(zx_vmar_map(vmar, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE | ZX_VM_MAP_RANGE, 0, code_vmo,
                        0, PAGE, &code),
            ZX_OK);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &stack), ZX_OK);
  EXPECT_EQ(zx_vmar_map(vmar, RW, 0, stack, 0, PAGE, &sp), ZX_OK);
  EXPECT_EQ(zx_process_start(proc, thread, code, sp + PAGE - 16, ZX_HANDLE_INVALID, 0), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(proc, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  zx_info_process_t info;
  memset(&info, 0, sizeof info);
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL), ZX_OK);
  zx_handle_close(stack);
  zx_handle_close(thread);
  zx_handle_close(vmar);
  zx_handle_close(proc);
  return info.return_code;
}

static void write_exit_code(zx_handle_t vmo, uint16_t value) {
  const uint32_t code[] = {
      0xd2800000u | (uint32_t)value << 5,                // movz x0, #value
      0xd2800010u | (uint32_t)SYSNUM_process_exit << 5,  // movz x16, #process_exit
      0xd4000001u,                                       // svc #0
      0xd4200000u,                                       // brk #0 (not reached)
  };
  EXPECT_EQ(zx_vmo_write(vmo, code, 0, sizeof code), ZX_OK);
}

// The second process enters a page the first made clean for instruction fetch; the
// kernel's write in between ends that, and the third runs the new code.
static void test_executable(void) {
  zx_handle_t plain, vmo;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &plain), ZX_OK);
  EXPECT_EQ(zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &vmo), ZX_OK);
  write_exit_code(vmo, 41);
  EXPECT_EQ(run_code_page(vmo), 41);
  EXPECT_EQ(run_code_page(vmo), 41);
  write_exit_code(vmo, 42);
  EXPECT_EQ(run_code_page(vmo), 42);
  zx_handle_close(vmo);
}

static void test_errors(zx_handle_t root) {
  zx_handle_t vmo = half_committed_vmo();
  uintptr_t addr = 0, again = 0;
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &addr), ZX_OK);
  uintptr_t base = vmar_base(root);
  // Zircon: not over mappings being replaced, whether or not there are any.
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_MAP_RANGE | ZX_VM_SPECIFIC_OVERWRITE,
                        addr - base, vmo, 0, PAGE, &again),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(*(volatile uint64_t *)addr, 0x1234);  // still the old mapping
  // The other checks come as for any mapping.
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_WRITE | ZX_VM_MAP_RANGE, 0, vmo, 0, PAGE, &again),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_MAP_RANGE, 0, vmo, 1, PAGE, &again),
            ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_PERM_EXECUTE | ZX_VM_MAP_RANGE, 0, vmo, 0,
                        PAGE, &again),
            ZX_ERR_ACCESS_DENIED);
  // Past the VMO's end: the mapping is made, the pages past the end are not there.
  EXPECT_EQ(
      zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_MAP_RANGE, 0, vmo, 2 * PAGE, 4 * PAGE, &again),
      ZX_OK);
  EXPECT_EQ(*(volatile uint64_t *)again, 0x1234);
  EXPECT_EQ(zx_vmar_unmap(root, again, 4 * PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, addr, PAGE), ZX_OK);
  zx_handle_close(vmo);
}

int main(void) {
  zx_handle_t root = zx_vmar_root_self();
  test_pages_entered_at_map();
  test_copy_on_write_isolation(root);
  test_executable();
  test_errors(root);
  printf("map_range: %d failures\n", failures);
  return failures;
}
