// Debugging syscalls (zx_process_write_memory): off unless the kernel command line says
// kernel.enable-debugging-syscalls=true (Zircon's option and default); when off they
// return ZX_ERR_NOT_SUPPORTED before looking at their arguments.
#ifndef CORE_SYSCALLS_DEBUGGING_H_
#define CORE_SYSCALLS_DEBUGGING_H_

#include <stdbool.h>

#define DEBUGGING_SYSCALLS_BOOTARG "kernel.enable-debugging-syscalls"

void debugging_syscalls_configure(const char *bootargs);  // once, at boot
bool debugging_syscalls_enabled(void);

#endif  // CORE_SYSCALLS_DEBUGGING_H_
