#include <arch/psci.h>

static enum psci_conduit conduit;

void psci_set_conduit(enum psci_conduit c) { conduit = c; }
enum psci_conduit psci_conduit(void) { return conduit; }

int64_t psci_call(uint32_t function, uint64_t a1, uint64_t a2, uint64_t a3) {
  register uint64_t x0 __asm__("x0") = function;
  register uint64_t x1 __asm__("x1") = a1;
  register uint64_t x2 __asm__("x2") = a2;
  register uint64_t x3 __asm__("x3") = a3;
  if (conduit == PSCI_CONDUIT_HVC)
    __asm__ volatile("hvc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
  else if (conduit == PSCI_CONDUIT_SMC)
    __asm__ volatile("smc #0" : "+r"(x0) : "r"(x1), "r"(x2), "r"(x3) : "memory");
  else
    return -1;  // NOT_SUPPORTED
  return (int64_t)x0;
}
