// What the arch's syscall table (arm64: arch/arm64/syscall_table.S) relies on, checked
// against <zircon/syscalls.def> at compile time: it calls each sys_<name> with the
// user's registers as they are, without a wrapper that converts them.
#include "core/syscalls/syscall_table.h"

// Every value argument is 4 or 8 bytes: the C calling convention then leaves the
// callee to read only its type's width of x<i> (a 32-bit handle whatever the caller
// left in the top half), where a narrower type could be assumed extended by the caller.
// A user pointer is a one-word struct, passed in x<i> like a uintptr_t. A wrong width
// is a negative array size.
#define ARG(T, name) char(*name)[sizeof(T) == 4 || sizeof(T) == 8 ? 1 : -1]
#define USER_IN(T, name) char(*name)[sizeof(user_in_ptr_t) == sizeof(uintptr_t) ? 1 : -1]
#define USER_OUT(T, name) char(*name)[sizeof(user_out_ptr_t) == sizeof(uintptr_t) ? 1 : -1]
#define SYSCALL(num, name, rtype, nargs, args) \
  void syscall_arg_widths_##name(ZX_SYSCALL_PARAMS(nargs, args));
#include <zircon/syscalls.def>

// A repeated number is a duplicate case label: a compile error (a gap shows in
// SYSCALL_COUNT, which the host test compares with the list).
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
