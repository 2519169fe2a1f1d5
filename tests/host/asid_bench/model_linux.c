// Linux-style ASID allocator: a model written for comparison only, after Linux's
// arch/arm64/mm/context.c (check_and_switch_context, new_context, flush_context),
// without pinned ASIDs, KPTI pairs or CNP. Generations; a lock-free fast path (CAS on
// this CPU's active_asids); otherwise the global raw spinlock, and a rollover under
// it exchanges every CPU's active ASID into reserved_asids and queues a local flush
// on every CPU. It takes Janus's ticket lock so that lock code does not bias counts.
#include <janus/spinlock.h>

#include "bench.h"

#define LX_MAX_CPUS 8

static unsigned lx_bits, ncpus;
static uint64_t lx_asid_generation;  // atomic64_t: generation << lx_bits
static uint64_t asid_map[(1u << ASID_MAX_BITS) / 64];
static unsigned cur_idx;
static struct {
  uint64_t asid;  // per-CPU atomic64_t active_asids
} __attribute__((aligned(64))) active_asids[LX_MAX_CPUS];
static uint64_t reserved_asids[LX_MAX_CPUS];
static uint64_t tlb_flush_pending;  // cpumask_t
static spinlock_t cpu_asid_lock = SPINLOCK_INIT;
static uint64_t nrollovers;

#define NUM_USER_ASIDS (1ull << lx_bits)
#define ASID_LOW(id) ((id) & (NUM_USER_ASIDS - 1))

static inline uint64_t rd(const uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }

static inline int asid_gen_match(uint64_t asid) {
  return !((asid ^ rd(&lx_asid_generation)) >> lx_bits);
}

// find_next_zero_bit(): word at a time.
static uint64_t find_next_zero_bit(uint64_t size, uint64_t start) {
  if (start >= size) return size;
  uint64_t idx = start / 64, word = ~asid_map[idx] & (~0ull << (start % 64));
  for (;;) {
    if (word) {
      uint64_t bit = idx * 64 + (uint64_t)__builtin_ctzll(word);
      return bit < size ? bit : size;
    }
    if (++idx * 64 >= size) return size;
    word = ~asid_map[idx];
  }
}

static zx_status_t lx_init(unsigned bits, unsigned cpus) {
  if (bits < 1 || bits > ASID_MAX_BITS || cpus < 1 || cpus > LX_MAX_CPUS ||
      (1ull << bits) < (uint64_t)cpus + 2)
    return ZX_ERR_INVALID_ARGS;
  lx_bits = bits;
  ncpus = cpus;
  lx_asid_generation = 1ull << bits;  // ASID_FIRST_VERSION
  for (unsigned i = 0; i < (1u << ASID_MAX_BITS) / 64; i++) asid_map[i] = 0;
  for (unsigned c = 0; c < LX_MAX_CPUS; c++) active_asids[c].asid = reserved_asids[c] = 0;
  tlb_flush_pending = 0;
  cur_idx = 1;
  nrollovers = 0;
  return ZX_OK;
}

// mm->context.id = 0 (init_new_context): no ASID until the first switch.
static zx_status_t lx_create(struct space *s) {
  s->linux_id = 0;
  return ZX_OK;
}

// flush_context(): bitmap_clear of the width's bits, then every possible CPU.
static void flush_context(void) {
  for (uint64_t i = 0; i < (NUM_USER_ASIDS + 63) / 64; i++) asid_map[i] = 0;
  for (unsigned c = 0; c < ncpus; c++) {
    uint64_t asid = __atomic_exchange_n(&active_asids[c].asid, 0, __ATOMIC_RELAXED);
    if (asid == 0) asid = reserved_asids[c];  // rolled over before, has not switched since
    asid_map[ASID_LOW(asid) / 64] |= 1ull << (ASID_LOW(asid) % 64);
    reserved_asids[c] = asid;
  }
  tlb_flush_pending = (1ull << ncpus) - 1;  // cpumask_setall
  nrollovers++;
}

static int check_update_reserved_asid(uint64_t asid, uint64_t newasid) {
  int hit = 0;
  for (unsigned c = 0; c < ncpus; c++) {
    if (reserved_asids[c] == asid) {
      hit = 1;
      reserved_asids[c] = newasid;
    }
  }
  return hit;
}

static uint64_t new_context(struct space *s) {
  uint64_t asid = rd(&s->linux_id), generation = rd(&lx_asid_generation);
  if (asid != 0) {
    uint64_t newasid = generation | ASID_LOW(asid);
    if (check_update_reserved_asid(asid, newasid)) return newasid;
    uint64_t bit = 1ull << (ASID_LOW(asid) % 64), *word = &asid_map[ASID_LOW(asid) / 64];
    int was = (*word & bit) != 0;  // __test_and_set_bit
    *word |= bit;
    if (!was) return newasid;
  }
  asid = find_next_zero_bit(NUM_USER_ASIDS, cur_idx);
  if (asid == NUM_USER_ASIDS) {
    generation = __atomic_add_fetch(&lx_asid_generation, NUM_USER_ASIDS, __ATOMIC_RELAXED);
    flush_context();
    asid = find_next_zero_bit(NUM_USER_ASIDS, 1);  // more ASIDs than CPUs: always found
  }
  asid_map[asid / 64] |= 1ull << (asid % 64);
  cur_idx = (unsigned)asid;
  return generation | asid;
}

static uint16_t lx_switch(struct space *s, unsigned cpu) {
  uint64_t asid = rd(&s->linux_id);
  uint64_t old_active = rd(&active_asids[cpu].asid);
  if (old_active && asid_gen_match(asid) &&
      __atomic_compare_exchange_n(&active_asids[cpu].asid, &old_active, asid, false,
                                  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
    return (uint16_t)ASID_LOW(asid);

  irq_state_t irq = spin_lock_irqsave(&cpu_asid_lock);
  asid = rd(&s->linux_id);
  if (!asid_gen_match(asid)) {
    asid = new_context(s);
    __atomic_store_n(&s->linux_id, asid, __ATOMIC_RELAXED);
  }
  if (tlb_flush_pending & (1ull << cpu)) {  // cpumask_test_and_clear_cpu
    tlb_flush_pending &= ~(1ull << cpu);
    bench_tlb_op(0);  // local_flush_tlb_all()
  }
  __atomic_store_n(&active_asids[cpu].asid, asid, __ATOMIC_RELAXED);
  spin_unlock_irqrestore(&cpu_asid_lock, irq);
  return (uint16_t)ASID_LOW(asid);
}

// Linux frees nothing when an mm dies: its ASID stays marked until a rollover.
static void lx_destroy(struct space *s) { (void)s; }

static uint64_t lx_rollovers(void) { return nrollovers; }

const struct bench_alloc bench_linux = {"linux", lx_init, lx_create, lx_switch, lx_destroy,
                                        lx_rollovers};
