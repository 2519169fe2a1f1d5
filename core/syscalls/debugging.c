// The kernel.enable-debugging-syscalls switch (core/syscalls/debugging.h).
#include "core/syscalls/debugging.h"

#include <janus/console.h>

#include "lib/bootargs.h"

static bool enabled;

void debugging_syscalls_configure(const char *bootargs) {
  bool bad;
  enabled = bootarg_bool(bootargs, DEBUGGING_SYSCALLS_BOOTARG, false, &bad);
  if (bad) kprintf("janus: %s takes true or false; left off\n", DEBUGGING_SYSCALLS_BOOTARG);
  if (enabled) kprintf("janus: debugging syscalls enabled (%s)\n", DEBUGGING_SYSCALLS_BOOTARG);
}

bool debugging_syscalls_enabled(void) { return enabled; }
