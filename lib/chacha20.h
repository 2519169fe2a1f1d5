// The ChaCha20 block function (RFC 8439, section 2.3): 64 bytes of keystream from a
// 256-bit key, a 32-bit block counter and a 96-bit nonce. Portable; host-tested
// against the RFC's test vector.
#ifndef LIB_CHACHA20_H_
#define LIB_CHACHA20_H_

#include <stdint.h>

#define CHACHA20_KEY_SIZE 32u
#define CHACHA20_NONCE_SIZE 12u
#define CHACHA20_BLOCK_SIZE 64u

void chacha20_block(const uint8_t key[CHACHA20_KEY_SIZE], uint32_t counter,
                    const uint8_t nonce[CHACHA20_NONCE_SIZE], uint8_t out[CHACHA20_BLOCK_SIZE]);

#endif  // LIB_CHACHA20_H_
