// The Zircon ABI as Janus spells it: numeric values and record layouts against
// Zircon's published ones, and the syscall list in <zircon/syscalls.def> against the
// code generated from it (user prototypes, kernel wrappers and table).
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

#define SYSCALL_TABLE_DEFINE
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
    EXPECT(syscall_table[i] != NULL);
    for (int j = 0; j < i; j++) EXPECT(strcmp(defs[i].name, defs[j].name) != 0);
  }
  EXPECT_EQ(SYSCALL_NUM_debug_write, 0);
  EXPECT_EQ(SYSCALL_NUM_restricted_kick, 36);
}

// Dummy sys_ functions, defined from the list with the kernel's parameter types (a
// mismatch with core/syscalls/syscall_table.h's prototypes fails the build). Each records
// what it got; `want` is register i converted to arg i's declared type.
static uint64_t regs[8], got[8], want[8];
static int called, called_nargs;

#define SPLAT(...) __VA_ARGS__
#define CALL(m, ...) m(__VA_ARGS__)  // one per level: a macro cannot nest in itself
#define CALL_D(m, ...) m(__VA_ARGS__)
#define CALL_R(m, ...) m(__VA_ARGS__)
#define MAP(m, n, arglist) CALL(MAP_##n, m, SPLAT arglist)
#define MAP_0(m, ...) MAP0_##m
#define MAP_1(m, x0) m(0, x0)
#define MAP_2(m, x0, x1) MAP_1(m, x0), m(1, x1)
#define MAP_3(m, x0, x1, x2) MAP_2(m, x0, x1), m(2, x2)
#define MAP_4(m, x0, x1, x2, x3) MAP_3(m, x0, x1, x2), m(3, x3)
#define MAP_5(m, x0, x1, x2, x3, x4) MAP_4(m, x0, x1, x2, x3), m(4, x4)
#define MAP_6(m, x0, x1, x2, x3, x4, x5) MAP_5(m, x0, x1, x2, x3, x4), m(5, x5)
#define MAP_7(m, x0, x1, x2, x3, x4, x5, x6) MAP_6(m, x0, x1, x2, x3, x4, x5), m(6, x6)
#define MAP_8(m, x0, x1, x2, x3, x4, x5, x6, x7) \
  MAP_7(m, x0, x1, x2, x3, x4, x5, x6), m(7, x7)
#define MAP0_DECL void
#define MAP0_RECORD (void)0
#define DECL(i, x) CALL_D(DECL_, SPLAT x)
#define DECL_(T, name, kind) TYPE_##kind(T) name
#define TYPE_VAL(T) T
#define TYPE_UIN(T) user_in_ptr_t
#define TYPE_UOUT(T) user_out_ptr_t
#define RECORD(i, x) CALL_R(RECORD_, i, SPLAT x)
#define RECORD_(i, T, name, kind) (got[i] = RAW_##kind(name), want[i] = WANT_##kind(T, i))
#define RAW_VAL(v) (uint64_t)(v)
#define RAW_UIN(p) (p).addr
#define RAW_UOUT(p) (p).addr
#define WANT_VAL(T, i) (uint64_t)(T)regs[i]
#define WANT_UIN(T, i) regs[i]
#define WANT_UOUT(T, i) regs[i]
#define RETURN_zx_status_t(num) return (zx_status_t)(-1000 - (num))
#define RETURN_zx_time_t(num) return (zx_time_t)0x123456789abc
#define RETURN_uint64_t(num) return 0x123456789abcull
#define RETURN_uint32_t(num) return 0x56789abcu
#define RETURN_noreturn_void(num) abort()

#define ARG(T, name) (T, name, VAL)
#define USER_IN(T, name) (T, name, UIN)
#define USER_OUT(T, name) (T, name, UOUT)
#define SYSCALL(num, name, rtype, nargs, arglist)                   \
  ZX_SYSCALL_RTYPE(rtype) sys_##name(MAP(DECL, nargs, arglist)) {    \
    called = num;                                                     \
    called_nargs = nargs;                                             \
    MAP(RECORD, nargs, arglist);                                      \
    RETURN_##rtype(num);                                              \
  }
#include <zircon/syscalls.def>

// As the kernel's entry calls a wrapper: x0-x7 in place.
static uint64_t call_wrapper(int n) {
  return syscall_table[n](regs[0], regs[1], regs[2], regs[3], regs[4], regs[5], regs[6], regs[7]);
}

TEST(abi_syscall_wrappers_pass_register_i_as_arg_i) {
  for (int i = 0; i < 8; i++)
    regs[i] = 0x8000000000000000ull | (uint64_t)(i + 1) << 40 | 0x80000000u | (uint64_t)(i + 1);
  for (int n = 0; n < NDEFS; n++) {
    if (strcmp(defs[n].rtype, "noreturn_void") == 0) continue;
    memset(got, 0, sizeof got);
    memset(want, 0xff, sizeof want);
    called = called_nargs = -1;
    uint64_t ret = call_wrapper(n);
    EXPECT_EQ(called, n);
    EXPECT_EQ(called_nargs, defs[n].nargs);
    for (int i = 0; i < defs[n].nargs; i++) {
      if (got[i] != want[i]) printf("  %s arg %d: %#llx vs %#llx\n", defs[n].name, i,
                                    (unsigned long long)got[i], (unsigned long long)want[i]);
      EXPECT(got[i] == want[i]);
    }
    // A status is sign-extended into x0.
    if (strcmp(defs[n].rtype, "zx_status_t") == 0) EXPECT(ret == (uint64_t)(int64_t)(-1000 - n));
    else if (strcmp(defs[n].rtype, "uint32_t") == 0) EXPECT(ret == 0x56789abcull);
    else EXPECT(ret == 0x123456789abcull);
  }
  // A 32-bit handle arrives truncated, whatever the caller left in the top half.
  regs[0] = 0xffffffff00000007ull;
  call_wrapper(SYSCALL_NUM_handle_close);
  EXPECT(got[0] == 7);
  regs[1] = 0xffffffff00000008ull;
  call_wrapper(SYSCALL_NUM_vmo_create);  // uint64_t size keeps all its bits
  EXPECT(got[0] == 0xffffffff00000007ull && got[1] == 8);
}
