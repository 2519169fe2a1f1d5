// The BCM2711's hardware random number generator (Broadcom iProc RNG200).
#ifndef DRIVERS_RNG_BCM2711_RNG200_H_
#define DRIVERS_RNG_BCM2711_RNG200_H_

#include <stddef.h>
#include <stdint.h>

// Fills buf with up to len bytes from the RNG200 at base (a kernel address), starting
// it if the firmware has not; waits for its FIFO at most timeout_ns in all (now() is a
// nanosecond clock). Returns the bytes read (0: no data came).
size_t bcm2711_rng200_read(uintptr_t base, void *buf, size_t len, int64_t timeout_ns,
                           int64_t (*now)(void));

#endif  // DRIVERS_RNG_BCM2711_RNG200_H_
