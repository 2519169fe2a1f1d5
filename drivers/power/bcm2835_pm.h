// The BCM2835 family's power-management block (the Pi 4's BCM2711 has it too): the
// only way to reset or halt a Pi, through its watchdog.
#ifndef DRIVERS_POWER_BCM2835_PM_H_
#define DRIVERS_POWER_BCM2835_PM_H_

#include <stdbool.h>
#include <stdint.h>

// Starts a full reset a few watchdog ticks from now (about 150 us). halt: boot
// partition 63 first, which the Pi firmware takes as "stay off" until power-cycled.
void bcm2835_pm_reset(uintptr_t base, bool halt);

#endif  // DRIVERS_POWER_BCM2835_PM_H_
