// What the kernel does once every CPU is up: in test builds the self-tests; otherwise
// the demo (it grows with the process and shared-process work).
#include <janus/console.h>
#include <janus/selftest.h>

#include "core/boot_log.h"

int kernel_run(void) {
#if KCONFIG_SELFTEST
  return selftest_run_all(boot_info.bootargs);
#else
  kprintf("demo: Janus is up; no user programs yet\n");
  return 0;
#endif
}
