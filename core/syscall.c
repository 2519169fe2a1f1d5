// The syscall dispatch table, generated from <zircon/syscalls.def>, and a default
// for every syscall not implemented yet: ZX_ERR_NOT_SUPPORTED.
#define SYSCALL_TABLE_DEFINE
#include "core/syscall_table.h"

// One default per return type; each sys_<name> without an implementation is a weak
// alias of its type's default. An alias, not a weak function of its own: a discarded
// weak copy would leave debug info at address 0, and gdb's `break sys_<name>` would
// resolve to two locations.
__attribute__((used)) static zx_status_t syscall_default_status(void) {
  return ZX_ERR_NOT_SUPPORTED;
}
__attribute__((used)) static zx_time_t syscall_default_time(void) { return 0; }
__attribute__((used, noreturn)) static void syscall_default_noreturn(void) { __builtin_trap(); }

#define SYSCALL_DEFAULT_zx_status_t "syscall_default_status"
#define SYSCALL_DEFAULT_zx_time_t "syscall_default_time"
#define SYSCALL_DEFAULT_noreturn_void "syscall_default_noreturn"
#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, args) \
  __asm__(".weak sys_" #name "\n.set sys_" #name ", " SYSCALL_DEFAULT_##rtype);
#include <zircon/syscalls.def>
