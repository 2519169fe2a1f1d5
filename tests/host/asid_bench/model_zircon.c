// Zircon-style ASID allocator: a model written for comparison only, after Zircon's
// arm64 AsidAllocator and ArmArchVmAspace. Each address space takes one ASID for life
// when it is created, from a bitmap under a lock (Zircon: a Mutex; here Janus's
// ticket lock, so that lock code does not bias counts), searching from the last one
// handed out and wrapping once; none left: ZX_ERR_NO_MEMORY. A switch just uses the
// ASID. Destroy: TLBI ASIDE1IS for the ASID, then free it.
#include <janus/spinlock.h>

#include "bench.h"

static uint64_t bitmap[(1u << ASID_MAX_BITS) / 64];
static uint64_t max_user_asid;  // 2^bits - 1; ASID 0 is never handed out
static uint64_t last;           // last ASID handed out
static spinlock_t lock = SPINLOCK_INIT;

// RawBitmap::Get(): whether every bit in [off, max) is set; if not, *first_unset.
static int all_set(uint64_t off, uint64_t max, uint64_t *first_unset) {
  for (uint64_t i = off; i < max;) {
    uint64_t word = ~bitmap[i / 64] & (~0ull << (i % 64));
    if (word) {
      uint64_t bit = (i & ~63ull) + (uint64_t)__builtin_ctzll(word);
      if (bit >= max) return 1;
      *first_unset = bit;
      return 0;
    }
    i = (i & ~63ull) + 64;
  }
  return 1;
}

static zx_status_t zr_init(unsigned bits, unsigned cpus) {
  (void)cpus;
  if (bits < 1 || bits > ASID_MAX_BITS) return ZX_ERR_INVALID_ARGS;
  for (unsigned i = 0; i < (1u << ASID_MAX_BITS) / 64; i++) bitmap[i] = 0;
  bitmap[0] = 1;  // ASID 0
  max_user_asid = (1ull << bits) - 1;
  last = 0;
  return ZX_OK;
}

static zx_status_t zr_create(struct space *s) {
  uint64_t val = 0;
  irq_state_t irq = spin_lock_irqsave(&lock);
  if (all_set(last + 1, max_user_asid + 1, &val) && all_set(1, max_user_asid + 1, &val)) {
    spin_unlock_irqrestore(&lock, irq);
    s->zircon_asid = 0;
    return ZX_ERR_NO_MEMORY;
  }
  bitmap[val / 64] |= 1ull << (val % 64);
  last = val;
  spin_unlock_irqrestore(&lock, irq);
  s->zircon_asid = (uint16_t)val;
  return ZX_OK;
}

// ContextSwitch: TTBR0 = asid << 48 | root; nothing to allocate.
static uint16_t zr_switch(struct space *s, unsigned cpu) {
  (void)cpu;
  return s->zircon_asid;
}

static void zr_destroy(struct space *s) {
  if (s->zircon_asid == 0) return;  // its creation failed
  bench_tlb_op(s->zircon_asid);     // TLBI ASIDE1IS, asid
  irq_state_t irq = spin_lock_irqsave(&lock);
  bitmap[s->zircon_asid / 64] &= ~(1ull << (s->zircon_asid % 64));
  spin_unlock_irqrestore(&lock, irq);
  s->zircon_asid = 0;
}

static uint64_t zr_rollovers(void) { return 0; }  // never: it runs out instead

const struct bench_alloc bench_zircon = {"zircon", zr_init, zr_create, zr_switch, zr_destroy,
                                         zr_rollovers};
