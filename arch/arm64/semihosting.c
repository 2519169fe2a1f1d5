// Arm semihosting (only in QEMU builds): SYS_EXIT_EXTENDED makes QEMU exit with
// our status, which is how the test harness reads a run's result.
#include <arch/semihosting.h>
#include <stdint.h>

#define SYS_EXIT_EXTENDED 0x20
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

__attribute__((noreturn)) void semihosting_exit(int status) {
  uint64_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint64_t)(int64_t)status};
  register uint64_t x0 __asm__("x0") = SYS_EXIT_EXTENDED;
  register uint64_t x1 __asm__("x1") = (uint64_t)(uintptr_t)block;
  __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
  for (;;) __asm__ volatile("wfi");
}
