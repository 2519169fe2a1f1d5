// zx_object_get_info(ZX_INFO_PROCESS_MAPS / ZX_INFO_VMAR_MAPS): the address-space walk
// (ASPACE at depth 0, the root VMAR at depth 1, its children below: the ELF segments,
// the stack, the program's own mappings), actual/avail with too-small and empty
// buffers, and the errors.
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>

#include "user_test.h"

#define PAGE 4096UL
#define MAX_ENTRIES 64

static zx_info_maps_t maps[MAX_ENTRIES];

static zx_koid_t koid_of(zx_handle_t h) {
  zx_info_handle_basic_t info = {0};
  zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  return info.koid;
}

static const zx_info_maps_t *find(size_t n, zx_vaddr_t base) {
  for (size_t i = 0; i < n; i++)
    if (maps[i].type == ZX_INFO_MAPS_TYPE_MAPPING && maps[i].base == base) return &maps[i];
  return NULL;
}

static const zx_info_maps_t *find_named(size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (maps[i].type == ZX_INFO_MAPS_TYPE_MAPPING && !strcmp(maps[i].name, name)) return &maps[i];
  return NULL;
}

static void test_success(zx_handle_t root) {
  zx_handle_t self = zx_process_self();
  zx_handle_t vmo1, vmo2;
  zx_vaddr_t a1 = 0, a2 = 0;
  EXPECT_EQ(zx_vmo_create(2 * PAGE, 0, &vmo1), ZX_OK);
  EXPECT_EQ(zx_vmo_create(3 * PAGE, 0, &vmo2), ZX_OK);
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo1, 0, 2 * PAGE, &a1), ZX_OK);
  EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ, 0, vmo2, PAGE, 2 * PAGE, &a2), ZX_OK);
  *(volatile char *)a1 = 1;  // commit one page of the first mapping

  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_OK);
  EXPECT_EQ(actual, avail);
  EXPECT_EQ(actual >= 5, 1);  // aspace, elf, root, two mappings, stack
  EXPECT_EQ(maps[0].type, ZX_INFO_MAPS_TYPE_ASPACE);
  EXPECT_EQ(maps[0].depth, 0);
  // Depth-first pre-order: every depth at most one more than the previous; siblings in
  // address order.
  zx_vaddr_t last_base[8] = {0};
  for (size_t i = 1; i < actual; i++) {
    EXPECT_EQ(maps[i].depth >= 1 && maps[i].depth <= maps[i - 1].depth + 1, 1);
    if (maps[i].depth < 8) {
      EXPECT_EQ(maps[i].base >= last_base[maps[i].depth], 1);
      last_base[maps[i].depth] = maps[i].base + maps[i].size;
      for (size_t d = maps[i].depth + 1; d < 8; d++) last_base[d] = 0;
    }
  }
  const zx_info_maps_t *m1 = find(actual, a1), *m2 = find(actual, a2);
  EXPECT_EQ(m1 != NULL, 1);
  EXPECT_EQ(m2 != NULL, 1);
  if (m1) {
    EXPECT_EQ(m1->size, 2 * PAGE);
    EXPECT_EQ(m1->depth, 2);  // under the root VMAR
    EXPECT_EQ(m1->u.mapping.mmu_flags, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE);
    EXPECT_EQ(m1->u.mapping.vmo_koid, koid_of(vmo1));
    EXPECT_EQ(m1->u.mapping.vmo_offset, 0);
    EXPECT_EQ(m1->u.mapping.committed_pages, 1);
  }
  if (m2) {
    EXPECT_EQ(m2->size, 2 * PAGE);
    EXPECT_EQ(m2->u.mapping.mmu_flags, ZX_VM_PERM_READ);
    EXPECT_EQ(m2->u.mapping.vmo_koid, koid_of(vmo2));
    EXPECT_EQ(m2->u.mapping.vmo_offset, PAGE);
    EXPECT_EQ(m2->u.mapping.committed_pages, 0);
  }
  // The ELF image: one VMO named "elf" per segment, mapped in the root VMAR (depth 2)
  // at its link address; the stack, a VMO named "stack", beside it.
  const zx_info_maps_t *elf = find_named(actual, "elf"), *stack = find_named(actual, "stack");
  EXPECT_EQ(elf != NULL, 1);
  EXPECT_EQ(stack != NULL, 1);
  if (elf) {
    EXPECT_EQ(elf->depth, 2);
    EXPECT_EQ(elf->base, 0x400000);  // the first segment, where programs link (user.ld)
    EXPECT_EQ(elf->u.mapping.vmo_koid != 0, 1);
  }
  int code_found = 0;  // some "elf" entry holds this function, executable
  for (size_t i = 0; i < actual; i++) {
    const zx_info_maps_t *e = &maps[i];
    if (e->type == ZX_INFO_MAPS_TYPE_MAPPING && !strcmp(e->name, "elf") &&
        e->base <= (zx_vaddr_t)&test_success && (zx_vaddr_t)&test_success < e->base + e->size)
      code_found = (e->u.mapping.mmu_flags & ZX_VM_PERM_EXECUTE) != 0;
  }
  EXPECT_EQ(code_found, 1);
  if (stack) {
    EXPECT_EQ(stack->depth, 2);
    zx_vaddr_t sp = (zx_vaddr_t)&actual;
    EXPECT_EQ(sp >= stack->base && sp < stack->base + stack->size, 1);
    EXPECT_EQ(stack->u.mapping.mmu_flags, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE);
  }

  // Too small: ZX_OK, actual < avail, the prefix as before.
  zx_info_maps_t two[2];
  size_t actual2 = 0, avail2 = 0;
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_PROCESS_MAPS, two, sizeof two, &actual2, &avail2),
            ZX_OK);
  EXPECT_EQ(actual2, 2);
  EXPECT_EQ(avail2, avail);
  EXPECT_EQ(two[0].type, ZX_INFO_MAPS_TYPE_ASPACE);
  EXPECT_EQ(two[1].base, maps[1].base);
  // A buffer for part of an entry holds none.
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_PROCESS_MAPS, two, sizeof two[0] - 1, &actual2,
                               &avail2),
            ZX_OK);
  EXPECT_EQ(actual2, 0);
  EXPECT_EQ(avail2, avail);
  // No buffer: just the count.
  actual2 = 99;
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_PROCESS_MAPS, NULL, 0, &actual2, &avail2), ZX_OK);
  EXPECT_EQ(actual2, 0);
  EXPECT_EQ(avail2, avail);
  // More than one chunk's worth of mappings is not needed to pass; a bad buffer is.
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_PROCESS_MAPS, (void *)0xffff800040200000UL,
                               sizeof maps, &actual2, &avail2),
            ZX_ERR_INVALID_ARGS);

  // ZX_INFO_VMAR_MAPS on the root VMAR: the root at depth 0, then its children.
  EXPECT_EQ(zx_object_get_info(root, ZX_INFO_VMAR_MAPS, maps, sizeof maps, &actual, &avail), ZX_OK);
  EXPECT_EQ(actual, avail);
  EXPECT_EQ(maps[0].type, ZX_INFO_MAPS_TYPE_VMAR);
  EXPECT_EQ(maps[0].depth, 0);
  m1 = find(actual, a1);
  EXPECT_EQ(m1 != NULL && m1->depth == 1, 1);
  const zx_info_maps_t *root_stack = find_named(actual, "stack");
  EXPECT_EQ(root_stack != NULL && root_stack->depth == 1, 1);
  const zx_info_maps_t *root_elf = find_named(actual, "elf");
  EXPECT_EQ(root_elf != NULL && root_elf->depth == 1, 1);

  EXPECT_EQ(zx_vmar_unmap(root, a1, 2 * PAGE), ZX_OK);
  EXPECT_EQ(zx_vmar_unmap(root, a2, 2 * PAGE), ZX_OK);
  EXPECT_EQ(zx_object_get_info(self, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_OK);
  EXPECT_EQ(find(actual, a1) == NULL && find(actual, a2) == NULL, 1);
  zx_handle_close(vmo1);
  zx_handle_close(vmo2);
}

static void test_nested(zx_handle_t root) {
  zx_handle_t sub, vmo;
  zx_vaddr_t sub_addr = 0, map_addr = 0;
  EXPECT_EQ(zx_vmar_allocate(root, ZX_VM_CAN_MAP_READ | ZX_VM_CAN_MAP_WRITE | ZX_VM_CAN_MAP_SPECIFIC,
                             0, 16 * PAGE, &sub, &sub_addr),
            ZX_OK);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(sub, ZX_VM_PERM_READ | ZX_VM_SPECIFIC, 4 * PAGE, vmo, 0, PAGE, &map_addr),
            ZX_OK);
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual,
                               &avail),
            ZX_OK);
  size_t vi = actual;
  for (size_t i = 0; i < actual; i++)
    if (maps[i].type == ZX_INFO_MAPS_TYPE_VMAR && maps[i].base == sub_addr) vi = i;
  EXPECT_EQ(vi < actual, 1);
  if (vi + 1 < actual) {
    EXPECT_EQ(maps[vi].depth, 2);
    EXPECT_EQ(maps[vi].size, 16 * PAGE);
    EXPECT_EQ(maps[vi + 1].type, ZX_INFO_MAPS_TYPE_MAPPING);
    EXPECT_EQ(maps[vi + 1].base, map_addr);
    EXPECT_EQ(maps[vi + 1].depth, 3);
  }
  // The sub-VMAR's own view; then a destroyed VMAR.
  EXPECT_EQ(zx_object_get_info(sub, ZX_INFO_VMAR_MAPS, maps, sizeof maps, &actual, &avail), ZX_OK);
  EXPECT_EQ(actual, 2);
  EXPECT_EQ(maps[0].base, sub_addr);
  EXPECT_EQ(maps[1].depth, 1);
  EXPECT_EQ(zx_vmar_destroy(sub), ZX_OK);
  EXPECT_EQ(zx_object_get_info(sub, ZX_INFO_VMAR_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_ERR_BAD_STATE);
  zx_handle_close(sub);
  zx_handle_close(vmo);
}

// More entries than the kernel copies out per chunk (32), and the _V1 records.
static void test_many(zx_handle_t root) {
  enum { N = 40 };
  zx_handle_t vmo;
  zx_vaddr_t addrs[N];
  static zx_info_maps_t part[N - 3];
  static zx_info_maps_v1_t v1[MAX_ENTRIES];
  // bss pages commit on first touch (the kernel's copy-out touches them too): touch
  // every buffer before the walks that must agree on committed_pages.
  memset(maps, 0, sizeof maps);
  memset(part, 0, sizeof part);
  memset(v1, 0, sizeof v1);
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  for (int i = 0; i < N; i++) EXPECT_EQ(zx_vmar_map(root, ZX_VM_PERM_READ, 0, vmo, 0, PAGE, &addrs[i]), ZX_OK);
  size_t actual = 0, avail = 0;
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual,
                               &avail),
            ZX_OK);
  EXPECT_EQ(actual, avail);
  EXPECT_EQ(actual >= N + 4, 1);
  int found = 0;
  for (int i = 0; i < N; i++) found += find(actual, addrs[i]) != NULL;
  EXPECT_EQ(found, N);
  for (size_t i = 2; i < actual; i++)
    if (maps[i].depth == maps[i - 1].depth) EXPECT_EQ(maps[i].base >= maps[i - 1].base + maps[i - 1].size, 1);
  size_t total = avail;
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS, part, sizeof part, &actual,
                               &avail),
            ZX_OK);
  EXPECT_EQ(actual, N - 3);
  EXPECT_EQ(avail, total);
  EXPECT_EQ(memcmp(part, maps, sizeof part), 0);
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_PROCESS_MAPS_V1, v1, sizeof v1, &actual,
                               &avail),
            ZX_OK);
  EXPECT_EQ(actual, total);
  EXPECT_EQ(avail, total);
  int same = 1;
  for (size_t i = 0; i < actual && i < MAX_ENTRIES; i++)
    same &= v1[i].base == maps[i].base && v1[i].size == maps[i].size && v1[i].depth == maps[i].depth &&
            v1[i].type == maps[i].type && v1[i].u.mapping.vmo_koid == maps[i].u.mapping.vmo_koid;
  EXPECT_EQ(same, 1);
  for (int i = 0; i < N; i++) EXPECT_EQ(zx_vmar_unmap(root, addrs[i], PAGE), ZX_OK);
  zx_handle_close(vmo);
}

static void test_errors(zx_handle_t root) {
  size_t actual, avail;
  zx_handle_t vmo;
  EXPECT_EQ(zx_vmo_create(PAGE, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_object_get_info(vmo, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_get_info(vmo, ZX_INFO_VMAR_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_get_info(root, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_get_info(zx_process_self(), ZX_INFO_VMAR_MAPS, maps, sizeof maps, &actual,
                               &avail),
            ZX_ERR_WRONG_TYPE);
  EXPECT_EQ(zx_object_get_info(0x12345677, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual,
                               &avail),
            ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_object_get_info(ZX_HANDLE_INVALID, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual,
                               &avail),
            ZX_ERR_BAD_HANDLE);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(zx_process_self(), ZX_RIGHT_DUPLICATE | ZX_RIGHT_TRANSFER, &weak),
            ZX_OK);
  EXPECT_EQ(zx_object_get_info(weak, ZX_INFO_PROCESS_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  EXPECT_EQ(zx_handle_duplicate(root, ZX_RIGHT_DUPLICATE | ZX_RIGHT_READ, &weak), ZX_OK);
  EXPECT_EQ(zx_object_get_info(weak, ZX_INFO_VMAR_MAPS, maps, sizeof maps, &actual, &avail),
            ZX_ERR_ACCESS_DENIED);
  zx_handle_close(weak);
  zx_handle_close(vmo);
}

int main(void) {
  zx_handle_t root = zx_vmar_root_self();
  EXPECT_EQ(root != ZX_HANDLE_INVALID, 1);
  if (root != ZX_HANDLE_INVALID) {
    test_success(root);
    test_nested(root);
    test_many(root);
    test_errors(root);
  }
  printf("process_maps: %d checks, %d failures\n", checks, failures);
  return failures;
}
