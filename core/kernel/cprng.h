// The kernel's cryptographically secure random number generator (zx_cprng_draw):
// ChaCha20 with fast key erasure. Seeded at boot from the board's hardware generator
// (the Pi's RNG200), the device tree's boot seeds (/chosen rng-seed and kaslr-seed,
// which QEMU virt provides) and the counter; every draw also mixes in the counter.
#ifndef CORE_KERNEL_CPRNG_H_
#define CORE_KERNEL_CPRNG_H_

#include <stddef.h>
#include <stdint.h>

struct bootinfo;

// Once, before any draw; logs which sources it found.
void cprng_init(const struct bootinfo *bi);
// len random bytes into buf (kernel memory).
void cprng_draw(void *buf, size_t len);

#endif  // CORE_KERNEL_CPRNG_H_
