// The syscall dispatch table, generated from <zircon/syscalls.def>. Every syscall in
// the list needs its sys_<name>: a missing one is a link error, not a silent
// ZX_ERR_NOT_SUPPORTED.
#define SYSCALL_TABLE_DEFINE
#include "core/syscalls/syscall_table.h"
