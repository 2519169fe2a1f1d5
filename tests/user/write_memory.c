// zx_process_write_memory may change only what the target could change itself, never
// what others share: a write through a mapping made with a VMO handle that lacked
// ZX_RIGHT_WRITE (the boot filesystem's handles, a VMO whose handles all lack it, the
// slices the loaders map a program's read-only segments through) lands in a private
// snapshot that the target's mapping gets first; everyone else keeps seeing (and
// running) the original. After the attempt on the boot filesystem, a launched "hello"
// still prints its own text (tools/test.sh checks the line after "write_memory:
// launching hello"); so it does after a write through a snapshot of the boot
// filesystem mapped read-only, then made writable with zx_vmar_protect.
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

static uintptr_t map(zx_handle_t vmar, uint32_t perms, zx_handle_t vmo, uint64_t offset,
                     size_t len) {
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
  EXPECT_EQ(poke(zx_process_self(), addr, "PWNED", &actual), ZX_OK);  // into our own copy
  EXPECT_EQ(actual, 5);
  EXPECT_EQ(memcmp((const void *)addr, "PWNED", 5), 0);
  char check[sizeof GREETING] = {0};
  EXPECT_EQ(zx_vmo_read(bootfs, check, at, strlen(GREETING)), ZX_OK);
  EXPECT_EQ(strcmp(check, GREETING), 0);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), page, PAGE), ZX_OK);

  // Without the debugging syscall: a snapshot of the page (its handle has
  // ZX_RIGHT_WRITE), mapped read-only and read (the entry points at the shared page),
  // then made writable with zx_vmar_protect and written. The write copies.
  zx_handle_t snap = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_vmo_create_child(bootfs, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE,
                                at & ~(PAGE - 1), PAGE, &snap),
            ZX_OK);
  page = map(zx_vmar_root_self(), R, snap, 0, PAGE);
  addr = page + (at & (PAGE - 1));
  EXPECT_EQ(memcmp((const void *)addr, GREETING, strlen(GREETING)), 0);
  EXPECT_EQ(zx_vmar_protect(zx_vmar_root_self(), RW, page, PAGE), ZX_OK);
  memcpy((void *)addr, "PWNED", 5);
  EXPECT_EQ(memcmp((const void *)addr, "PWNED", 5), 0);
  EXPECT_EQ(zx_vmo_read(bootfs, check, at, strlen(GREETING)), ZX_OK);
  EXPECT_EQ(strcmp(check, GREETING), 0);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), page, PAGE), ZX_OK);
  zx_handle_close(snap);

  printf("write_memory: launching hello\n");
  zx_handle_t proc = ZX_HANDLE_INVALID;
  EXPECT_EQ(janus_launch_bootfs(zx_job_default(), bootfs, "hello", &proc), ZX_OK);
  EXPECT_EQ(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  zx_info_process_t info = {0};
  EXPECT_EQ(zx_object_get_info(proc, ZX_INFO_PROCESS, &info, sizeof info, NULL, NULL), ZX_OK);
  EXPECT_EQ(info.return_code, 0);
  zx_handle_close(proc);
}

// A VMO whose every handle lacks ZX_RIGHT_WRITE, mapped read-only here and in a child:
// each write lands in that process's own copy, the VMO never changes.
static void test_vmo_without_write_rights(void) {
  zx_handle_t full = vmo_with("original"), ro = ZX_HANDLE_INVALID;
  EXPECT_EQ(zx_handle_replace(
                full, ZX_RIGHT_READ | ZX_RIGHT_MAP | ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER, &ro),
            ZX_OK);
  uintptr_t mine = map(zx_vmar_root_self(), R, ro, 0, PAGE);
  zx_handle_t child, child_vmar;
  EXPECT_EQ(zx_process_create(zx_job_default(), "wm-child", 8, 0, &child, &child_vmar), ZX_OK);
  uintptr_t theirs = map(child_vmar, R, ro, 0, PAGE);
  size_t actual;
  EXPECT_EQ(poke(child, theirs, "child's", &actual), ZX_OK);
  EXPECT_EQ(reads(child, theirs, "child's"), true);
  EXPECT_EQ(strcmp((const char *)mine, "original"), 0);
  EXPECT_EQ(poke(zx_process_self(), mine, "mine", &actual), ZX_OK);
  EXPECT_EQ(memcmp((const char *)mine, "mine", 4), 0);
  EXPECT_EQ(reads(child, theirs, "child's"), true);
  char buf[16] = {0};
  EXPECT_EQ(zx_vmo_read(ro, buf, 0, 9), ZX_OK);
  EXPECT_EQ(strcmp(buf, "original"), 0);
  // A third mapping made now sees the original too.
  uintptr_t again = map(zx_vmar_root_self(), R, ro, 0, PAGE);
  EXPECT_EQ(strcmp((const char *)again, "original"), 0);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), mine, PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), again, PAGE), ZX_OK);
  EXPECT_EQ(zx_handle_close(ro), ZX_OK);
  zx_handle_close(child_vmar);
  zx_task_kill(child);
  zx_handle_close(child);
}

// Read-only here, but mapped through a handle with ZX_RIGHT_WRITE: the target could make
// its mapping writable and write the VMO itself, so a debugger's write reaches the VMO.
static void test_read_only_mapping_of_writable_vmo(void) {
  zx_handle_t vmo = vmo_with("original");
  uintptr_t addr = map(zx_vmar_root_self(), R, vmo, 0, PAGE);
  size_t actual;
  EXPECT_EQ(poke(zx_process_self(), addr, "written!", &actual), ZX_OK);
  EXPECT_EQ(actual, 8);
  char buf[16] = {0};
  EXPECT_EQ(zx_vmo_read(vmo, buf, 0, 9), ZX_OK);
  EXPECT_EQ(strcmp(buf, "written!"), 0);
  EXPECT_EQ(zx_vmar_protect(zx_vmar_root_self(), RW, addr, PAGE), ZX_OK);  // it could have
  EXPECT_EQ(zx_vmar_unmap(zx_vmar_root_self(), addr, PAGE), ZX_OK);
  zx_handle_close(vmo);
}

// From a mapped page into a gap: the write stops at the end of the mapping.
static void test_partial_write(void) {
  zx_handle_t rw = ZX_HANDLE_INVALID, sub;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &rw), ZX_OK);
  uintptr_t base = 0, sub_addr = 0;
  EXPECT_EQ(zx_vmar_allocate(zx_vmar_root_self(),
                             ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC, 0,
                             2 * PAGE, &sub, &sub_addr),
            ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, RW | ZX_VM_SPECIFIC, 0, rw, 0, PAGE, &base), ZX_OK);
  size_t actual;
  EXPECT_EQ(poke(zx_process_self(), base + PAGE - 4, "abcdefgh", &actual), ZX_OK);
  EXPECT_EQ(actual, 4);
  EXPECT_EQ(memcmp((const void *)(base + PAGE - 4), "abcd", 4), 0);
  EXPECT_EQ(poke(zx_process_self(), base + PAGE, "x", &actual), ZX_ERR_NO_MEMORY);
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_OK);
  zx_handle_close(sub);
  zx_handle_close(rw);
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
  EXPECT_EQ(zx_object_wait_one(proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL), ZX_OK);
  zx_handle_close(proc);
}

// The loaders share a program's read-only segments among its processes (slices without
// ZX_RIGHT_WRITE): a debugger's write to one running copy lands in that copy alone, and
// the next copy runs the original.
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
  test_read_only_mapping_of_writable_vmo();
  test_partial_write();
  test_launched_images_are_private();
  printf("write_memory: %d checks, %d failures\n", checks, failures);
  return failures;
}
