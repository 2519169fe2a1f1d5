// The kernel's view of the syscall list in <zircon/syscalls.def>: the sys_<name>
// prototypes each syscall's implementation must match (the numbers and the count are
// in <janus/syscalls.h>; the arch's syscall table calls these with the user's
// registers as they are: core/syscalls/syscall.c checks what that needs).
#ifndef CORE_SYSCALL_TABLE_H_
#define CORE_SYSCALL_TABLE_H_

#include <janus/syscalls.h>  // the numbers and the count
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

#endif  // CORE_SYSCALL_TABLE_H_
