// zx_process_write_memory may change only what the target could change itself: memory
// its mapping lets it write, or pages of a VMO that is its address space's alone (no
// handle anywhere, no mapping in another process), such as the ELF images both loaders
// map. Never a read-only mapping of a shared VMO: not the boot filesystem (whose
// handles all lack ZX_RIGHT_WRITE), not a VMO whose handles lack it, not one this
// program could write through a handle but mapped read-only. After the attempt on the
// boot filesystem, a launched "hello" still prints its own text (tools/test.sh checks
// the line after "write_memory: launching hello").
//
// This suite boots with kernel.enable-debugging-syscalls=true; without it the syscall
// is ZX_ERR_NOT_SUPPORTED (user/programs/write_memory_disabled.c).
#define _GNU_SOURCE  // memmem
#include <janus-user/bootfs.h>
#include <janus-user/launch.h>
#include <stdbool.h>
#include <string.h>

#include "user_test.h"

#define PAGE 4096UL
#define R ZX_VM_PERM_READ
#define RW (ZX_VM_PERM_READ | ZX_VM_PERM_WRITE)
#define GREETING "hello from user space"

static zx_status_t poke(zx_handle_t proc, uintptr_t addr, const char *text, size_t *actual) {
  *actual = 0;
  return zx_process_write_memory(proc, addr, text, strlen(text), actual);
}

// A one-page VMO holding text at offset 0.
static zx_handle_t vmo_with(const char *text) {
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, text, 0, strlen(text) + 1), ZX_OK);
  return vmo;
}

static uintptr_t map(zx_handle_t vmar, uint32_t perms, zx_handle_t vmo, uint64_t offset, size_t len) {
  uintptr_t addr = 0;
  EXPECT_EQ(zx_vmar_map(vmar, perms, 0, vmo, offset, len, &addr), ZX_OK);
  return addr;
}

static bool reads(zx_handle_t proc, uintptr_t addr, const char *text) {
  char buf[64] = {0};
  size_t n = strlen(text), actual = 0;
  return zx_process_read_memory(proc, addr, buf, n, &actual) == ZX_OK && actual == n &&
         !memcmp(buf, text, n);
}

// The attack of issue 11: map the page of the boot filesystem that holds hello's
// greeting, write over it, launch hello.
static void test_bootfs_is_not_writable(void) {
  zx_handle_t bootfs = janus_bootfs();
  uint64_t offset = 0, size = 0;
  EXPECT_EQ(janus_bootfs_find(bootfs, "hello", &offset, &size), ZX_OK);
  static char image[256 * 1024];
  if (size > sizeof image) size = sizeof image;
  EXPECT_EQ(zx_vmo_read(bootfs, image, offset, size), ZX_OK);
  char *found = memmem(image, size, GREETING, strlen(GREETING));
  EXPECT_EQ(found != NULL, true);
  if (!found) return;
  uint64_t at = offset + (uint64_t)(found - image);
  uintptr_t page = map(zx_vmar_root_self(), R, bootfs, at & ~(PAGE - 1), PAGE);
  uintptr_t addr = page + (at & (PAGE - 1));
  EXPECT_EQ(memcmp((const void *)addr, GREETING, strlen(GREETING)), 0);
  size_t actual;
  EXPECT_EQ(poke(zx_process_self(), addr, "PWNED", &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(actual, 0);
  EXPECT_EQ(memcmp((const void *)addr, GREETING, strlen(GREETING)), 0);
  char check[sizeof GREETING] = {0};
  EXPECT_EQ(zx_vmo_read(bootfs, check, at, strlen(GREETING)), ZX_OK);
  EXPECT_EQ(strcmp(check, GREETING), 0);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), page, PAGE), ZX_OK);

  printf("write_memory: launching hello\n");
  zx_handle_t proc = ZX_HANDLE_INVALID;
  EXPECT_EQ(janus_launch_bootfs(zx_job_default(), bootfs, "hello", &proc), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, after_ms(20000), NULL), ZX_OK);
  zx_info_process_t info = {0};
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.return_code, 0);
  zx_handle_close(proc);
}

// A VMO whose every handle lacks ZX_RIGHT_WRITE, mapped read-only here and in a child.
static void test_vmo_without_write_rights(void) {
  zx_handle_t full = vmo_with("original"), ro = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_replace(full, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_DUPLICATE |
                                        ZX_RIGHT_TRANSFER, &ro), ZX_OK);
  uintptr_t mine = map(zx_vmar_root_self(), R, ro, 0, PAGE);
  zx_handle_t child, child_vmar;
  EXPECT_EQ(zx_process_create(zx_job_default(), "wm-child", 8, 0, &child, &child_vmar), ZX_OK);
  uintptr_t theirs = map(child_vmar, R, ro, 0, PAGE);
  size_t actual;
  EXPECT_EQ(poke(zx_process_self(), mine, "PWNED", &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(poke(child, theirs, "PWNED", &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(strcmp((const char *)mine, "original"), 0);
  EXPECT_EQ(reads(child, theirs, "original"), true);
  // Without the handle, the VMO is still mapped in two address spaces: shared.
  EXPECT_EQ(zx_handle_close(ro), ZX_OK);
  EXPECT_EQ(poke(child, theirs, "PWNED", &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(poke(zx_process_self(), mine, "PWNED", &actual), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(strcmp((const char *)mine, "original"), 0);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), mine, PAGE), ZX_OK);
  // Now the child's mapping is the VMO's only reference: the child's own copy.
  EXPECT_EQ(poke(child, theirs, "changed", &actual), ZX_OK);
  EXPECT_EQ(actual, 7);
  EXPECT_EQ(reads(child, theirs, "changed"), true);
  zx_handle_close(child_vmar);
  zx_task_kill(child);
  zx_handle_close(child);
}

// Read-only here although this program holds a handle that could write it: the VMO is
// shared with whoever holds the handle, so a debugger may not write it either.
static void test_read_only_mapping_of_shared_vmo(void) {
  zx_handle_t vmo = vmo_with("original");
  uintptr_t addr = map(zx_vmar_root_self(), R, vmo, 0, PAGE);
  size_t actual;
  EXPECT_EQ(poke(zx_process_self(), addr, "PWNED", &actual), ZX_ERR_ACCESS_DENIED);
  char buf[16] = {0};
  EXPECT_EQ(zx_vmo_read(vmo, buf, 0, 9), ZX_OK);
  EXPECT_EQ(strcmp(buf, "original"), 0);
  // Through a writable mapping of the same VMO the target could write it itself: allowed.
  uintptr_t w = map(zx_vmar_root_self(), RW, vmo, 0, PAGE);
  EXPECT_EQ(poke(zx_process_self(), w, "written!", &actual), ZX_OK);
  EXPECT_EQ(actual, 8);
  EXPECT_EQ(zx_vmo_read(vmo, buf, 0, 9), ZX_OK);
  EXPECT_EQ(strcmp(buf, "written!"), 0);
  EXPECT_EQ(strcmp((const char *)addr, "written!"), 0);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), w, PAGE), ZX_OK);
  zx_handle_close(vmo);
}

// Private to this address space (no handle; two mappings here after a protect split
// one): a debugger may write it, read-only or not, and pages never touched too.
static void test_private_vmo(void) {
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_vmo_create(3 * PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmo_write(vmo, "original", 0, 9), ZX_OK);
  uintptr_t addr = map(zx_vmar_root_self(), RW, vmo, 0, 3 * PAGE);
  EXPECT_EQ(zx_vmar_protect(zx_vmar_root_self(), R, addr, 2 * PAGE), ZX_OK);  // split in two
  size_t actual;
  EXPECT_EQ(poke(zx_process_self(), addr, "PWNED", &actual), ZX_ERR_ACCESS_DENIED);  // a handle
  EXPECT_EQ(zx_handle_close(vmo), ZX_OK);
  EXPECT_EQ(poke(zx_process_self(), addr, "private", &actual), ZX_OK);
  EXPECT_EQ(actual, 7);
  EXPECT_EQ(memcmp((const void *)addr, "private", 7), 0);
  EXPECT_EQ(poke(zx_process_self(), addr + PAGE + 8, "untouched", &actual), ZX_OK);
  EXPECT_EQ(memcmp((const void *)(addr + PAGE + 8), "untouched", 9), 0);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), addr, 3 * PAGE), ZX_OK);
}

// From a writable page into a protected one: the write stops at the boundary.
static void test_partial_write(void) {
  zx_handle_t shared = vmo_with("original"), rw = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &rw), ZX_OK);
  uintptr_t base = 0, sub_addr = 0;
  zx_handle_t sub;
  EXPECT_EQ(zx_vmar_allocate(zx_vmar_root_self(),
                             ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                             2 * PAGE, &sub, &sub_addr), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RW | ZX_VM_SPECIFIC, 0, rw, 0, PAGE, &base), ZX_OK);
  uintptr_t ro = 0;
  EXPECT_EQ(zx_vmar_map(sub, R | ZX_VM_SPECIFIC, PAGE, shared, 0, PAGE, &ro), ZX_OK);
  EXPECT_EQ(ro, base + PAGE);
  size_t actual;
  EXPECT_EQ(poke(zx_process_self(), ro - 4, "abcdPWNED", &actual), ZX_OK);
  EXPECT_EQ(actual, 4);
  EXPECT_EQ(memcmp((const void *)(ro - 4), "abcd", 4), 0);
  EXPECT_EQ(strcmp((const char *)ro, "original"), 0);
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_OK);
  zx_handle_close(sub);
  zx_handle_close(rw);
  zx_handle_close(shared);
}

// A read-only "elf" mapping of a launched program: its rodata, or else its text.
static uintptr_t image_page(zx_handle_t proc) {
  static zx_info_maps_t maps[64];
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_OK);
  uintptr_t text = 0;
  for (size_t i = 0; i < actual; i++) {
    zx_vm_option_t flags = maps[i].u.mapping.mmu_flags;
    if (maps[i].type != ZX_INFO_MAPS_TYPE_MAPPING || strcmp(maps[i].name, "elf") ||
        (flags & ZX_VM_PERM_WRITE))
      continue;
    if (!(flags & ZX_VM_PERM_EXECUTE)) return maps[i].base;
    if (!text) text = maps[i].base;
  }
  return text;
}

static void kill_and_close(zx_handle_t proc) {
  zx_task_kill(proc);
  EXPECT_EQ(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, after_ms(20000), NULL), ZX_OK);
  zx_handle_close(proc);
}

// A loader maps each program's image through VMOs of its own: a debugger's write to
// one running copy of a program lands in that copy, and the next copy runs the
// original.
static void test_launched_images_are_private(void) {
  zx_handle_t a = ZX_HANDLE_INVALID, b = ZX_HANDLE_INVALID;
  EXPECT_EQ(janus_launch_bootfs(zx_job_default(), janus_bootfs(), "sleeper", &a), ZX_OK);
  uintptr_t page = image_page(a);
  EXPECT_EQ(page != 0, true);
  char original[16] = {0};
  size_t actual = 0;
  EXPECT_EQ(zx_process_read_memory(a, page, original, sizeof original, &actual), ZX_OK);
  // Into its read-only image (sleeper never reads it again, nor runs _start twice).
  EXPECT_EQ(poke(a, page, "PWNED", &actual), ZX_OK);
  EXPECT_EQ(reads(a, page, "PWNED"), true);
  EXPECT_EQ(janus_launch_bootfs(zx_job_default(), janus_bootfs(), "sleeper", &b), ZX_OK);
  EXPECT_EQ(image_page(b), page);
  char seen[16] = {0};
  EXPECT_EQ(zx_process_read_memory(b, page, seen, sizeof seen, &actual), ZX_OK);
  EXPECT_EQ(memcmp(seen, original, sizeof seen), 0);
  kill_and_close(a);
  kill_and_close(b);
}

int main(void) {
  test_bootfs_is_not_writable();
  test_vmo_without_write_rights();
  test_read_only_mapping_of_shared_vmo();
  test_private_vmo();
  test_partial_write();
  test_launched_images_are_private();
  printf("write_memory: %d checks, %d failures\n", checks, failures);
  return failures;
}
