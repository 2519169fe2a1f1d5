// Hashing with no state: one definition of the 64-bit golden-ratio constant and of
// splitmix64's mixer, for hash tables, secrets and seeds.
#ifndef LIB_HASH_H_
#define LIB_HASH_H_

#include <stdint.h>

// 2^64 / phi, odd: multiplying by it spreads keys over the high bits (Fibonacci
// hashing), and splitmix64 steps its state by it.
#define HASH_GOLDEN_RATIO_64 0x9e3779b97f4a7c15ull

// splitmix64's finalizer: every input bit affects every output bit.
static inline uint64_t hash_mix64(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// One step of splitmix64: a well-spread value from any (weak) seed.
static inline uint64_t hash_splitmix64(uint64_t seed) {
  return hash_mix64(seed + HASH_GOLDEN_RATIO_64);
}

#endif  // LIB_HASH_H_
