// ChaCha20 with fast key erasure (see cprng.h): each draw runs the block function
// from the current key, hands out all but the first 32 bytes of keystream, and makes
// those 32 the next key, so the state after a draw says nothing about its output.
#include "core/kernel/cprng.h"

#include <janus/arch.h>
#include <janus/console.h>
#include <janus/spinlock.h>
#include <string.h>

#include <janus/bootinfo.h>
#include "lib/chacha20.h"

static spinlock_t cprng_lock = SPINLOCK_INIT;
static uint8_t cprng_key[CHACHA20_KEY_SIZE];
static uint64_t cprng_draws;

// Folds bytes into the key: the key becomes ChaCha20(key, nonce = a block of input).
static void absorb_locked(const void *data, size_t len) {
  const uint8_t *p = data;
  for (size_t done = 0; done < len; done += CHACHA20_NONCE_SIZE) {
    uint8_t nonce[CHACHA20_NONCE_SIZE] = {0}, block[CHACHA20_BLOCK_SIZE];
    size_t n = len - done < sizeof nonce ? len - done : sizeof nonce;
    memcpy(nonce, p + done, n);
    chacha20_block(cprng_key, (uint32_t)done, nonce, block);
    memcpy(cprng_key, block, sizeof cprng_key);
    memset(block, 0, sizeof block);
  }
}

void cprng_init(const struct bootinfo *bi) {
  uint8_t hw[32];
  size_t hw_len = arch_hw_entropy(bi, hw, sizeof hw);
  zx_time_t t = arch_monotonic_ns();
  irq_state_t state = spin_lock_irqsave(&cprng_lock);
  absorb_locked(hw, hw_len);
  absorb_locked(bi->entropy, bi->entropy_len);
  absorb_locked(&t, sizeof t);
  spin_unlock_irqrestore(&cprng_lock, state);
  memset(hw, 0, sizeof hw);
  kprintf(
      "cprng: ChaCha20 seeded from %lu bytes of hardware RNG, %lu of device-tree seed, "
      "and the counter\n",
      (unsigned long)hw_len, (unsigned long)bi->entropy_len);
}

void cprng_draw(void *buf, size_t len) {
  uint8_t *out = buf;
  irq_state_t state = spin_lock_irqsave(&cprng_lock);
  // The nonce: the draw's number and the counter, so no two draws share a keystream
  // even if a key ever repeated.
  uint8_t nonce[CHACHA20_NONCE_SIZE];
  uint64_t draw = cprng_draws++;
  uint32_t now = (uint32_t)arch_monotonic_ns();
  memcpy(nonce, &draw, 8);
  memcpy(nonce + 8, &now, 4);
  uint8_t block[CHACHA20_BLOCK_SIZE];
  chacha20_block(cprng_key, 0, nonce, block);
  memcpy(cprng_key, block, sizeof cprng_key);  // the next key, never handed out
  size_t first = sizeof block - sizeof cprng_key;
  size_t done = 0, n = len < first ? len : first;
  memcpy(out, block + sizeof cprng_key, n);
  done += n;
  for (uint32_t counter = 1; done < len; counter++) {
    chacha20_block(cprng_key, counter, nonce, block);
    n = len - done < sizeof block ? len - done : sizeof block;
    memcpy(out + done, block, n);
    done += n;
  }
  // Those blocks came from the new key: it moves on once more, to a block never output.
  chacha20_block(cprng_key, UINT32_MAX, nonce, block);
  memcpy(cprng_key, block, sizeof cprng_key);
  spin_unlock_irqrestore(&cprng_lock, state);
  memset(block, 0, sizeof block);
}
