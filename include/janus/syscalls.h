// The syscall numbers as the exception entry sees them, generated from
// <zircon/syscalls.def>: SYSCALL_NUM_<name> and SYSCALL_COUNT. The arch's entry
// dispatches through its own table of the sys_<name> implementations (arm64:
// arch/arm64/syscall_table.S).
#ifndef JANUS_SYSCALLS_H_
#define JANUS_SYSCALLS_H_

#include <stdint.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, args) SYSCALL_NUM_##name = (num),
enum syscall_num {
#include <zircon/syscalls.def>
};

// Counted one byte per entry, so a gap or a duplicate number cannot hide.
#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, args) char name;
struct syscall_count_ {
#include <zircon/syscalls.def>
};
#define SYSCALL_COUNT (sizeof(struct syscall_count_))

#endif  // JANUS_SYSCALLS_H_
