// Leaving the machine: the status to QEMU through semihosting (QEMU flavors), or power
// off / reset through PSCI where the firmware has it (virt), else through the board's
// power-management block (the Pi's watchdog), else this CPU just halts.
#include <arch/psci.h>
#include <arch/semihosting.h>
#include <board.h>
#include <janus/arch.h>
#include <janus/physmap.h>

#include "drivers/power/bcm2835_pm.h"

void arch_halt(void) {
  for (;;) __asm__ volatile("msr daifset, #0xf\n wfi");
}

// PSCI calls return only on failure; the watchdog needs a moment to fire.
__attribute__((noreturn)) static void leave(uint32_t psci_function, bool halt) {
  if (psci_conduit() != PSCI_CONDUIT_NONE) psci_call(psci_function, 0, 0, 0);
#ifdef BOARD_BCM2835_PM_BASE
  bcm2835_pm_reset((uintptr_t)paddr_to_kva(BOARD_BCM2835_PM_BASE), halt);
#else
  (void)halt;
#endif
  arch_halt();
}

void arch_power_off(void) { leave(PSCI_SYSTEM_OFF, true); }
void arch_reset(void) { leave(PSCI_SYSTEM_RESET, false); }

void arch_platform_exit(int status) {
#if KCONFIG_SEMIHOSTING
  semihosting_exit(status);
#else
  (void)status;  // nothing carries it off a real machine
  arch_power_off();
#endif
}
