// The kernel's view of the syscall list in <zircon/syscalls.def>: the sys_<name>
// prototypes each syscall's implementation must match (the numbers, the count and
// the table's declaration are in <janus/syscalls.h>). The one file that defines
// SYSCALL_TABLE_DEFINE before including this also gets the wrappers (raw registers ->
// declared types) and syscall_table[].
#ifndef CORE_SYSCALL_TABLE_H_
#define CORE_SYSCALL_TABLE_H_

#include <janus/syscalls.h>  // the numbers, the count and the table
#include <stdint.h>
#include <zircon/rights.h>
#include <zircon/syscalls/object.h>
#include <zircon/syscalls/port.h>
#include <zircon/types.h>

// User addresses as the syscall received them. Structs, so that they convert to no
// pointer type: user memory is reached only by the user-copy routines.
typedef struct { uintptr_t addr; } user_in_ptr_t;   // the kernel reads through it
typedef struct { uintptr_t addr; } user_out_ptr_t;  // the kernel writes through it

#define ARG(T, name) T name
#define USER_IN(T, name) user_in_ptr_t name
#define USER_OUT(T, name) user_out_ptr_t name
#define SYSCALL(num, name, rtype, nargs, args) \
  ZX_SYSCALL_RTYPE(rtype) sys_##name(ZX_SYSCALL_PARAMS(nargs, args));
#include <zircon/syscalls.def>

#ifdef SYSCALL_TABLE_DEFINE
// Each wrapper converts register i to arg i's declared type: a cast for values
// (truncating e.g. a uint32_t), an opaque struct for user pointers.
#define SYSCALL_REG_(i) a##i
#define SYSCALL_USER_IN_(i) ((user_in_ptr_t){a##i})
#define SYSCALL_USER_OUT_(i) ((user_out_ptr_t){a##i})
#define SYSCALL_RET_zx_status_t(call) return (uint64_t)(int64_t)(call)
#define SYSCALL_RET_zx_time_t(call) return (uint64_t)(call)
#define SYSCALL_RET_uint32_t(call) return (uint64_t)(call)
#define SYSCALL_RET_uint64_t(call) return (call)
#define SYSCALL_RET_noreturn_void(call) (call); __builtin_unreachable()

#define ARG(T, name) (T)SYSCALL_REG_
#define USER_IN(T, name) SYSCALL_USER_IN_
#define USER_OUT(T, name) SYSCALL_USER_OUT_
#define SYSCALL(num, name, rtype, nargs, arglist)                     \
  static uint64_t syscall_wrap_##name(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, \
                                      uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7) { \
    (void)a0, (void)a1, (void)a2, (void)a3, (void)a4, (void)a5, (void)a6, (void)a7;        \
    SYSCALL_RET_##rtype(sys_##name(ZX_SYSCALL_APPLY(nargs, arglist))); \
  }
#include <zircon/syscalls.def>

#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, args) [num] = syscall_wrap_##name,
// Page-aligned: the syscall entry (vectors.S) finds it with adrp alone, no add.
__attribute__((aligned(4096))) const syscall_wrapper_t syscall_table[] = {
#include <zircon/syscalls.def>
};
_Static_assert(sizeof(syscall_table) / sizeof(syscall_table[0]) == SYSCALL_COUNT,
               "syscall numbers must be dense from 0");

// A repeated number is a duplicate case label: a compile error.
#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, args) case num:
static inline __attribute__((unused)) int syscall_numbers_unique_(int n) {
  switch (n) {
#include <zircon/syscalls.def>
    return 1;
  }
  return 0;
}
#endif  // SYSCALL_TABLE_DEFINE

#endif  // CORE_SYSCALL_TABLE_H_
