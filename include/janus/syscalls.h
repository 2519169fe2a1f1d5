// The syscall table as the exception vectors see it, generated from
// <zircon/syscalls.def>: SYSCALL_NUM_<name>, SYSCALL_COUNT and syscall_table[]
// (core/syscalls/syscall.c defines it).
#ifndef JANUS_SYSCALLS_H_
#define JANUS_SYSCALLS_H_

#include <stdint.h>
#include <zircon/syscalls/object.h>
#include <zircon/types.h>

// A wrapper takes x0-x7 of the trapping thread as its own x0-x7 (the syscall fast path
// in vectors.S calls it with the user's registers still in place); the result goes
// back in x0.
typedef uint64_t (*syscall_wrapper_t)(uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
                                      uint64_t a4, uint64_t a5, uint64_t a6, uint64_t a7);

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

extern const syscall_wrapper_t syscall_table[];

#endif  // JANUS_SYSCALLS_H_
