// Debugging syscalls (zx_process_write_memory): off unless the kernel command line says
// kernel.enable-debugging-syscalls=true (Zircon's option and default); when off they
// return ZX_ERR_NOT_SUPPORTED before looking at their arguments. One exception: a
// process may write into members of its own shared group (a personality into its
// Linux processes), which share its window and whose restricted VMARs it made.
#ifndef CORE_SYSCALLS_DEBUGGING_H_
#define CORE_SYSCALLS_DEBUGGING_H_

#include <stdbool.h>

#define DEBUGGING_SYSCALLS_BOOTARG "kernel.enable-debugging-syscalls"

void debugging_syscalls_configure(const char *bootargs);  // once, at boot
bool debugging_syscalls_enabled(void);

#endif  // CORE_SYSCALLS_DEBUGGING_H_
