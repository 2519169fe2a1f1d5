// The syscall dispatch table, generated from <zircon/syscalls.def>, and a default
// for every syscall not implemented yet: ZX_ERR_NOT_SUPPORTED.
#define SYSCALL_TABLE_DEFINE
#include "core/syscalls/syscall_table.h"

#define SYSCALL_DEFAULT_zx_status_t return ZX_ERR_NOT_SUPPORTED
#define SYSCALL_DEFAULT_zx_time_t return 0
#define SYSCALL_DEFAULT_uint32_t return 0
#define SYSCALL_DEFAULT_uint64_t return 0
#define SYSCALL_DEFAULT_noreturn_void __builtin_trap()
#define ARG(T, name) T name
#define USER_IN(T, name) user_in_ptr_t name
#define USER_OUT(T, name) user_out_ptr_t name
#define SYSCALL(num, name, rtype, nargs, args)                                    \
  __attribute__((weak)) ZX_SYSCALL_RTYPE(rtype) sys_##name(ZX_SYSCALL_PARAMS(nargs, args)) { \
    SYSCALL_DEFAULT_##rtype;                                                      \
  }
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-parameter"
#include <zircon/syscalls.def>
#pragma GCC diagnostic pop
