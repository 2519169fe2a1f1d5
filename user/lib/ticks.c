// zx_ticks_get and zx_ticks_per_second: the virtual counter, which the kernel lets EL0
// read (CNTKCTL_EL1.EL0VCTEN on every CPU), so neither is a syscall.
#include <zircon/syscalls.h>

zx_ticks_t zx_ticks_get(void) {
  uint64_t ticks;
  // isb: the read is not hoisted above the code before it (as the kernel's clock does).
  __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(ticks)::"memory");
  return (zx_ticks_t)ticks;
}

zx_ticks_t zx_ticks_per_second(void) {
  uint64_t hz;
  __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(hz));
  return (zx_ticks_t)hz;
}
