// The syscall table that vectors.S's el0_sync indexes with x16, generated from
// <zircon/syscalls.def>. The entry calls each sys_<name> itself, with the user's x0-x7
// in place: the C calling convention passes every argument type of the list in x<i>
// as a register holds it, and the callee reads only its type's width
// (core/syscalls/syscall.c checks the widths). A zx_status_t comes back in w0, which
// the entry sign-extends; the few syscalls that return a value go through a thunk
// here that returns past that sxtw, the whole value in x0. A missing sys_<name> is a
// link error.
#include <arch/asm.h>

#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)

// zx_restricted_enter's entry is restricted_entry.S's fast path (its slow path calls
// sys_restricted_enter).
#define sys_restricted_enter el0_restricted_enter

#define ENTRY_zx_status_t(name) sys_##name
#define ENTRY_noreturn_void(name) sys_##name
#define ENTRY_zx_time_t(name) syscall_value_##name
#define ENTRY_uint64_t(name) syscall_value_##name
#define ENTRY_uint32_t(name) syscall_value_##name

// Page-aligned: el0_sync finds it with adrp alone, no :lo12: add. Relocated at boot
// like any pointer (the image is position-independent), hence .data.rel.ro.
.section .data.rel.ro.syscall_table, "aw"
.balign 4096
.global syscall_table
syscall_table:
#define SYSCALL(num, name, rtype, nargs, args) .quad ENTRY_##rtype(name);
#include <zircon/syscalls.def>
.size syscall_table, . - syscall_table

// Thunks for the syscalls that return a value: called like the implementation (x30
// points at el0_sync's sxtw), they return to el0_svc_return directly.
#define THUNK_zx_status_t(name)
#define THUNK_noreturn_void(name)
#define THUNK_zx_time_t(name) THUNK_64(name)
#define THUNK_uint64_t(name) THUNK_64(name)
#define THUNK_uint32_t(name) \
  syscall_value_##name: bl sys_##name; mov w0, w0; b el0_svc_return;  // zero-extended
#define THUNK_64(name) syscall_value_##name: bl sys_##name; b el0_svc_return;

.text
.balign 4
#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, args) THUNK_##rtype(name)
#include <zircon/syscalls.def>
