// Shared process groups from outside: zx_process_create with ZX_PROCESS_SHARED and
// zx_process_create_shared — every documented error in Zircon's order, the shared
// window seen through every member, the group's lifetime and ZX_ERR_BAD_STATE once
// it is gone, job kills, and thousands of groups made and killed (the kernel's
// runner checks afterwards that no page, object or ASID leaked).
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define KERNEL_PTR ((void *)0xffff800040200000UL)
#define WILD_PTR ((void *)0x70000000UL)
#define WINDOW_BASE 0xffff000000200000UL
#define WINDOW_END 0xffff800000000000UL

static zx_info_handle_basic_t basic(zx_handle_t h) {
  zx_info_handle_basic_t info;
  memset(&info, 0, sizeof info);
  zx_object_get_info(h, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  return info;
}

static zx_status_t wait_dead(zx_handle_t h) {
  zx_signals_t seen = 0;
  return zx_object_wait_one(h, ZX_TASK_TERMINATED, ZX_TIME_INFINITE, &seen);
}

static void test_errors(zx_handle_t job) {
  zx_handle_t proto = 0, window = 0, p = 0x1234, v = 0x1234;
  EXPECT_EQ(zx_process_create(job, "proto", 5, ZX_PROCESS_SHARED, &proto, &window), ZX_OK);
  EXPECT_EQ(basic(window).type, ZX_OBJ_TYPE_VMAR);
  EXPECT_EQ(zx_process_create(job, "x", 1, ZX_PROCESS_SHARED | 2, &p, &v), ZX_ERR_INVALID_ARGS);
  // Options first, then the name, then the handle.
  EXPECT_EQ(zx_process_create_shared(ZX_HANDLE_INVALID, 1, NULL, 0, &p, &v), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create_shared(ZX_HANDLE_INVALID, 0, NULL, 1, &p, &v), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create_shared(ZX_HANDLE_INVALID, 0, KERNEL_PTR, 4, &p, &v), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create_shared(ZX_HANDLE_INVALID, 0, WILD_PTR, 4, &p, &v), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create_shared(ZX_HANDLE_INVALID, 0, "x", 1, &p, &v), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_process_create_shared(0x12345677, 0, "x", 1, &p, &v), ZX_ERR_BAD_HANDLE);
  EXPECT_EQ(zx_process_create_shared(job, 0, "x", 1, &p, &v), ZX_ERR_WRONG_TYPE);
  zx_handle_t weak;
  EXPECT_EQ(zx_handle_duplicate(proto, ZX_RIGHT_DUPLICATE | ZX_RIGHT_INSPECT | ZX_RIGHT_READ, &weak),
            ZX_OK);
  EXPECT_EQ(zx_process_create_shared(weak, 0, "x", 1, &p, &v), ZX_ERR_ACCESS_DENIED);
  zx_handle_t plain, plain_vmar;
  EXPECT_EQ(zx_process_create(job, "plain", 5, 0, &plain, &plain_vmar), ZX_OK);
  EXPECT_EQ(zx_process_create_shared(plain, 0, "x", 1, &p, &v), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(p, 0x1234);
  // Bad out pointers: the new process is destroyed again (the runner counts objects).
  EXPECT_EQ(zx_process_create_shared(proto, 0, "x", 1, NULL, &v), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(zx_process_create_shared(proto, 0, "x", 1, &p, KERNEL_PTR), ZX_ERR_INVALID_ARGS);
  // Success: the same job, default rights, a restricted VMAR, a truncated name.
  const char *longer = "a-sibling-name-longer-than-thirty-one-characters";
  zx_handle_t sib = 0, rvmar = 0;
  EXPECT_EQ(zx_process_create_shared(proto, 0, longer, strlen(longer), &sib, &rvmar), ZX_OK);
  EXPECT_EQ(basic(sib).rights, ZX_DEFAULT_PROCESS_RIGHTS);
  EXPECT_EQ(basic(sib).related_koid, basic(job).koid);
  EXPECT_EQ(basic(rvmar).type, ZX_OBJ_TYPE_VMAR);
  char name[ZX_MAX_NAME_LEN];
  EXPECT_EQ(zx_object_get_property(sib, ZX_PROP_NAME, name, sizeof name), ZX_OK);
  EXPECT_EQ(strlen(name), ZX_MAX_NAME_LEN - 1);
  // A sibling can itself be shared_proc.
  zx_handle_t sib2 = 0, rvmar2 = 0;
  EXPECT_EQ(zx_process_create_shared(sib, 0, "sib2", 4, &sib2, &rvmar2), ZX_OK);
  // The window is shared: a page mapped through the prototype's VMAR and written
  // through one member reads back through every other.
  zx_handle_t vmo;
  uintptr_t addr = 0;
  EXPECT_EQ(zx_vmo_create(4096, 0, &vmo), ZX_OK);
  EXPECT_EQ(zx_vmar_map(window, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 4096, &addr), ZX_OK);
  EXPECT_EQ(addr >= WINDOW_BASE && addr < WINDOW_END, 1);
  uint64_t val = 0x5a5a, got = 0;
  size_t actual;
  EXPECT_EQ(zx_process_write_memory(sib2, addr, &val, 8, &actual), ZX_OK);
  EXPECT_EQ(zx_process_read_memory(proto, addr, &got, 8, &actual), ZX_OK);
  EXPECT_EQ(got, 0x5a5a);
  got = 0;
  EXPECT_EQ(zx_process_read_memory(sib, addr, &got, 8, &actual), ZX_OK);
  EXPECT_EQ(got, 0x5a5a);
  EXPECT_EQ(zx_vmo_read(vmo, &got, 0, 8), ZX_OK);
  EXPECT_EQ(got, 0x5a5a);
  // Restricted memory is private: a page in one sibling's VMAR is not the other's.
  uintptr_t raddr = 0;
  EXPECT_EQ(zx_vmar_map(rvmar, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 4096, &raddr), ZX_OK);
  EXPECT_EQ(raddr < WINDOW_BASE, 1);
  EXPECT_EQ(zx_process_read_memory(sib, raddr, &got, 8, &actual), ZX_OK);
  EXPECT_EQ(zx_process_read_memory(sib2, raddr, &got, 8, &actual), ZX_ERR_NO_MEMORY);
  EXPECT_EQ(zx_process_read_memory(plain, addr, &got, 8, &actual), ZX_ERR_NO_MEMORY);  // no window
  zx_handle_close(vmo);
  // The group outlives the prototype's handles; killing every member ends it.
  EXPECT_EQ(zx_handle_close(proto), ZX_OK);
  EXPECT_EQ(zx_process_create_shared(sib, 0, "sib3", 4, &p, &v), ZX_OK);
  EXPECT_EQ(zx_task_kill(p), ZX_OK);
  EXPECT_EQ(zx_task_kill(sib), ZX_OK);
  EXPECT_EQ(zx_task_kill(sib2), ZX_OK);
  EXPECT_EQ(zx_task_kill(weak), ZX_ERR_ACCESS_DENIED);
  EXPECT_EQ(wait_dead(sib), ZX_OK);
  EXPECT_EQ(wait_dead(sib2), ZX_OK);
  // weak still names the prototype, which is alive (never started): the group too.
  zx_handle_t proto2;
  EXPECT_EQ(zx_handle_duplicate(weak, ZX_RIGHT_SAME_RIGHTS, &proto2), ZX_OK);
  zx_handle_close(weak);
  zx_handle_close(proto2);  // its last handle: the prototype goes, and the group with it
  zx_handle_t dead = sib;
  EXPECT_EQ(zx_process_create_shared(dead, 0, "late", 4, &p, &v), ZX_ERR_BAD_STATE);
  zx_handle_close(p);
  zx_handle_close(v);
  zx_handle_close(sib);
  zx_handle_close(sib2);
  zx_handle_close(rvmar);
  zx_handle_close(rvmar2);
  zx_handle_close(window);
  zx_handle_close(plain);
  zx_handle_close(plain_vmar);
}

// A dying job: zx_process_create_shared into it is ZX_ERR_BAD_STATE; a job kill
// kills every member.
static void test_job(zx_handle_t parent) {
  zx_handle_t job, proto, window, a, av, b, bv;
  EXPECT_EQ(zx_job_create(parent, 0, &job), ZX_OK);
  EXPECT_EQ(zx_process_create(job, "proto", 5, ZX_PROCESS_SHARED, &proto, &window), ZX_OK);
  EXPECT_EQ(zx_process_create_shared(proto, 0, "a", 1, &a, &av), ZX_OK);
  EXPECT_EQ(zx_process_create_shared(a, 0, "b", 1, &b, &bv), ZX_OK);
  EXPECT_EQ(zx_task_kill(job), ZX_OK);
  EXPECT_EQ(wait_dead(proto), ZX_OK);
  EXPECT_EQ(wait_dead(a), ZX_OK);
  EXPECT_EQ(wait_dead(b), ZX_OK);
  zx_handle_t p = 0, v = 0;
  EXPECT_EQ(zx_process_create_shared(a, 0, "c", 1, &p, &v), ZX_ERR_BAD_STATE);
  zx_handle_t all[] = {job, proto, window, a, av, b, bv};
  for (unsigned i = 0; i < sizeof all / sizeof all[0]; i++) EXPECT_EQ(zx_handle_close(all[i]), ZX_OK);
}

// Many groups, each with a few members and a touched window page, all killed.
static void test_many_groups(zx_handle_t parent) {
  enum { GROUPS = 2000 };
  for (int i = 0; i < GROUPS; i++) {
    zx_handle_t proto, window, s, sv, vmo;
    if (zx_process_create(parent, "g", 1, ZX_PROCESS_SHARED, &proto, &window) != ZX_OK) {
      EXPECT_EQ(i, GROUPS);  // out of memory early: report where
      break;
    }
    EXPECT_EQ(zx_process_create_shared(proto, 0, "s", 1, &s, &sv), ZX_OK);
    uintptr_t addr;
    EXPECT_EQ(zx_vmo_create(4096, 0, &vmo), ZX_OK);
    EXPECT_EQ(zx_vmar_map(window, ZX_VM_PERM_READ | ZX_VM_PERM_WRITE, 0, vmo, 0, 4096, &addr), ZX_OK);
    uint64_t v = (uint64_t)i;
    size_t actual;
    EXPECT_EQ(zx_process_write_memory(s, addr, &v, 8, &actual), ZX_OK);
    zx_handle_close(vmo);
    EXPECT_EQ(zx_task_kill(s), ZX_OK);
    zx_handle_t all[] = {proto, window, s, sv};
    for (unsigned j = 0; j < 4; j++) zx_handle_close(all[j]);
  }
}

int main(void) {
  zx_handle_t job = zx_job_default();
  test_errors(job);
  test_job(job);
  test_many_groups(job);
  printf("shared_groups: %d checks, %d failures\n", checks, failures);
  return failures;
}
