// The Zircon ABI as Janus spells it: numeric values and record layouts against
// Zircon's published ones, and the syscall list in <zircon/syscalls.def> against the
// code generated from it (user prototypes, the kernel's numbers and count). The
// kernel's table calls sys_<name> with the user's registers as they are (arm64's
// calling convention; core/syscalls/syscall.c checks the argument widths at compile
// time, tests/user/basic_syscalls.c the registers on the target).
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "../../core/syscalls/syscall_table.h"
#include "test.h"

TEST(abi_rights) {
  EXPECT_EQ(ZX_RIGHT_DUPLICATE, 1u << 0);
  EXPECT_EQ(ZX_RIGHT_WAIT, 1u << 14);
  EXPECT_EQ(ZX_RIGHT_OP_CHILDREN, 1u << 21);
  EXPECT_EQ(ZX_RIGHT_MANAGE_VMO, 1u << 24);
  EXPECT_EQ(ZX_RIGHT_SAME_RIGHTS, 0x80000000u);
  EXPECT_EQ(ZX_RIGHTS_BASIC, 0xc003);
  EXPECT_EQ(ZX_DEFAULT_VMAR_RIGHTS, 0x208003);
  EXPECT_EQ(ZX_DEFAULT_VMO_RIGHTS, 0xd0ef);
  EXPECT_EQ(ZX_DEFAULT_PROCESS_RIGHTS, 0x6d3cf);
  EXPECT_EQ(ZX_DEFAULT_THREAD_RIGHTS, 0x4d2cf);
  EXPECT_EQ(ZX_DEFAULT_JOB_RIGHTS, 0x7dfcf);
}

TEST(abi_types_and_signals) {
  EXPECT_EQ(ZX_OBJ_TYPE_PROCESS, 1);
  EXPECT_EQ(ZX_OBJ_TYPE_VMO, 3);
  EXPECT_EQ(ZX_OBJ_TYPE_JOB, 17);
  EXPECT_EQ(ZX_OBJ_TYPE_VMAR, 18);
  EXPECT_EQ(ZX_TASK_TERMINATED, 1u << 3);
  EXPECT_EQ(ZX_THREAD_RUNNING, 1u << 4);
  EXPECT_EQ(ZX_THREAD_SUSPENDED, 1u << 5);
  EXPECT_EQ(ZX_JOB_NO_PROCESSES, 1u << 5);
  EXPECT_EQ(ZX_USER_SIGNAL_0, 1u << 24);
  EXPECT_EQ(ZX_VM_SPECIFIC, 1u << 4);
  EXPECT_EQ(ZX_VM_OFFSET_IS_UPPER_LIMIT, 1u << 13);
  EXPECT_EQ(ZX_VM_ALIGN_4KB, 12u << 24);
  EXPECT_EQ(ZX_INFO_PROCESS, 0x10000003u);
  EXPECT_EQ(ZX_INFO_PROCESS_MAPS, 0x1000000du);
  EXPECT_EQ(ZX_INFO_JOB_PROCESSES, 9);
  EXPECT_EQ(ZX_PROP_NAME, 3);
}

TEST(abi_info_layouts) {
  EXPECT_EQ(sizeof(zx_info_handle_basic_t), 32);
  EXPECT_EQ(offsetof(zx_info_handle_basic_t, type), 12);
  EXPECT_EQ(offsetof(zx_info_handle_basic_t, related_koid), 16);
  EXPECT_EQ(sizeof(zx_info_process_t), 24);
  EXPECT_EQ(offsetof(zx_info_process_t, flags), 16);
  EXPECT_EQ(sizeof(zx_info_maps_mapping_t), 40);
  EXPECT_EQ(sizeof(zx_info_maps_t), 104);
  EXPECT_EQ(offsetof(zx_info_maps_t, base), 32);
  EXPECT_EQ(offsetof(zx_info_maps_t, type), 56);
  EXPECT_EQ(offsetof(zx_info_maps_t, u.mapping.vmo_koid), 72);
  EXPECT_EQ(sizeof(zx_info_maps_v1_t), 96);
}

// User prototypes as Zircon documents them.
#define SAME_TYPE(f, t) __builtin_types_compatible_p(__typeof__(&f), t)
_Static_assert(SAME_TYPE(zx_vmar_map, zx_status_t (*)(zx_handle_t, zx_vm_option_t, size_t,
                                                       zx_handle_t, uint64_t, size_t,
                                                       zx_vaddr_t *)), "zx_vmar_map");
_Static_assert(SAME_TYPE(zx_object_get_info, zx_status_t (*)(zx_handle_t, uint32_t, void *,
                                                              size_t, size_t *, size_t *)),
               "zx_object_get_info");
_Static_assert(SAME_TYPE(zx_channel_read, zx_status_t (*)(zx_handle_t, uint32_t, void *, zx_handle_t *,
                                                           uint32_t, uint32_t, uint32_t *,
                                                           uint32_t *)), "zx_channel_read");
_Static_assert(SAME_TYPE(zx_channel_write_etc, zx_status_t (*)(zx_handle_t, uint32_t, const void *,
                                                                uint32_t, zx_handle_disposition_t *,
                                                                uint32_t)), "zx_channel_write_etc");
_Static_assert(SAME_TYPE(zx_channel_call, zx_status_t (*)(zx_handle_t, uint32_t, zx_time_t,
                                                           const zx_channel_call_args_t *,
                                                           uint32_t *, uint32_t *)), "zx_channel_call");
_Static_assert(SAME_TYPE(zx_object_wait_many, zx_status_t (*)(zx_wait_item_t *, size_t, zx_time_t)),
               "zx_object_wait_many");
_Static_assert(SAME_TYPE(zx_port_wait, zx_status_t (*)(zx_handle_t, zx_time_t, zx_port_packet_t *)),
               "zx_port_wait");
_Static_assert(SAME_TYPE(zx_clock_get_monotonic, zx_time_t (*)(void)), "clock_get_monotonic");
__attribute__((noreturn)) void exit_like(int64_t);  // never defined: only its type is used
_Static_assert(SAME_TYPE(zx_process_exit, __typeof__(&exit_like)), "zx_process_exit");
_Static_assert(!SAME_TYPE(zx_process_exit, void (*)(int64_t)), "zx_process_exit is noreturn");

// The list itself, in order.
#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, arglist) {num, #name, #rtype, nargs},
static const struct {
  int num;
  const char *name, *rtype;
  int nargs;
} defs[] = {
#include <zircon/syscalls.def>
};
#define NDEFS ((int)(sizeof defs / sizeof defs[0]))

TEST(abi_syscall_numbers_dense_and_unique) {
  EXPECT_EQ(NDEFS, SYSCALL_COUNT);
  EXPECT(NDEFS >= 41);  // numbers are ABI: the list only grows
  for (int i = 0; i < NDEFS; i++) {
    EXPECT_EQ(defs[i].num, i);
    EXPECT(defs[i].nargs >= 0 && defs[i].nargs <= 8);
    for (int j = 0; j < i; j++) EXPECT(strcmp(defs[i].name, defs[j].name) != 0);
  }
  EXPECT_EQ(SYSCALL_NUM_debug_write, 0);
  EXPECT_EQ(SYSCALL_NUM_restricted_kick, 36);
}
