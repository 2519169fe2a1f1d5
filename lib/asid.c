// ASID allocator: generation counter with rollover, per-CPU active/reserved ASIDs,
// lazy per-CPU TLB flush after a rollover. The invariants and the proof sketch are in
// docs/asid.md; the comments here name the invariant (I1..I5) a step maintains.
#include "asid.h"

#include <janus/cpu.h>
#include <janus/spinlock.h>

#define MAP_WORDS ((1u << ASID_MAX_BITS) / 64)

unsigned asid_width;  // bits
uint64_t asid_mask;   // asid_pair_bit - 1
uint16_t asid_pair_bit;
unsigned asid_ncpus;

// generation << (bits - 1), never 0 after init; changes only under lock.
uint64_t asid_generation;
struct asid_cpu asid_percpu[MAX_CPUS];
// Written under lock, read by every CPU's batched path (asid.h).
uint64_t asid_reserved[MAX_CPUS];
static bool flush_pending[MAX_CPUS];  // under lock (I4)
static uint64_t map[MAP_WORDS];       // under lock: ASIDs taken in this generation (I1)
static unsigned next_hint;            // under lock: where the free search resumes
static spinlock_t lock = SPINLOCK_INIT;
unsigned asid_live_spaces;      // changed atomically
static uint64_t reserved_filter;  // under lock: rollover's, copied into each batch (asid.h)
static unsigned batch_size;  // numbers per carve: 64 at 16 bits, fewer when ASIDs are few

static void map_clear(void);

zx_status_t asid_init(unsigned bits, unsigned cpus) {
  if (bits < 2 || bits > ASID_MAX_BITS || cpus < 1 || cpus > MAX_CPUS ||
      (1ull << (bits - 1)) < (uint64_t)cpus + 2)
    return ZX_ERR_INVALID_ARGS;
  asid_width = bits;
  asid_pair_bit = (uint16_t)(1u << (bits - 1));
  // Everything below works on the numbers (the lower half) alone: a number stands for
  // its pair in the map, the reservations and the generation.
#ifdef ASID_TEST_PAIR_FULL_RANGE  // mutant: numbers with the pair bit handed out too
  asid_mask = (1ull << bits) - 1;
#else
  asid_mask = asid_pair_bit - 1;
#endif
  asid_ncpus = cpus;
  // At most a quarter of a generation sits in batches, so the numbers a rollover
  // strands in other CPUs' batches cost little.
  uint64_t size = (asid_mask + 1) / (4 * cpus);
  batch_size = size < 1 ? 1 : size > 64 ? 64 : (unsigned)size;
  __atomic_store_n(&asid_generation, asid_mask + 1, __ATOMIC_RELAXED);
  for (unsigned i = 0; i < MAX_CPUS; i++) {
    __atomic_store_n(&asid_percpu[i].active, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&asid_reserved[i], 0, __ATOMIC_RELAXED);
    flush_pending[i] = false;
    struct asid_counters zero = {0};
    asid_percpu[i].counters = zero;
    asid_percpu[i].batch.free = 0;
    asid_percpu[i].batch.gen = 0;
  }
  for (unsigned i = 0; i < MAP_WORDS; i++) map[i] = 0;
  map_clear();
  reserved_filter = 1;  // asid_reserved[] holds 0s
  next_hint = 1;
  __atomic_store_n(&asid_live_spaces, 0, __ATOMIC_RELAXED);
  return ZX_OK;
}

// Only the words this width uses: a 4-bit rollover clears one word, not 1,024.
static void map_clear(void) {
  for (uint64_t i = 0; i <= asid_mask / 64; i++) map[i] = 0;
  map[0] = 1;  // ASID 0: the empty TTBR0, never handed out
}

static inline bool map_test(uint64_t asid) { return map[asid / 64] & 1ull << (asid % 64); }

// The free bits of the map word holding asid, from asid on (and below the pair bit).
static uint64_t map_free_bits(uint64_t asid) {
  uint64_t word = ~map[asid / 64] & (~0ull << (asid % 64));
  uint64_t limit = asid_mask + 1;
  if (limit - (asid & ~63ull) < 64) word &= (1ull << (limit % 64)) - 1;
  return word;
}

// First clear bit in [from, asid_pair_bit), or 0 if none (bit 0 is always set).
static uint64_t map_find_free(uint64_t from) {
  for (uint64_t i = from; i <= asid_mask;) {
    uint64_t word = map_free_bits(i);
    if (word) return (i & ~63ull) + (uint64_t)__builtin_ctzll(word);
    i = (i & ~63ull) + 64;
  }
  return 0;
}

// A new generation (lock held). Every ASID a CPU may be running is reserved into it
// (I3), everything else becomes free, and every CPU owes a local flush before it
// next switches (I4). Every CPU's batch is of the old generation now; each CPU drops
// its own at its next (locked) switch (I6). Cost: O(2^bits / 64 + cpus), whatever the
// number of address spaces (measured against alternatives in docs/asid.md).
static void rollover(unsigned cpu) {
  uint64_t gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED) + asid_mask + 1;
  __atomic_store_n(&asid_generation, gen, __ATOMIC_RELAXED);
  map_clear();
  uint64_t filter = 0;
  for (unsigned c = 0; c < asid_ncpus; c++) {
    // The exchange orders against the fast path's CAS on the same location: either
    // the CAS came first and we reserve what it installed, or it fails (sees 0).
    // The CPU may be in either half of the pair (restricted mode does not tell the
    // allocator): reserving the number keeps both.
    uint64_t a = __atomic_exchange_n(&asid_percpu[c].active, 0, __ATOMIC_RELAXED);
    if (a == 0) a = asid_reserved[c];  // no switch since the last rollover: still running it
    map[(a & asid_mask) / 64] |= 1ull << ((a & asid_mask) % 64);
    __atomic_store_n(&asid_reserved[c], a, __ATOMIC_RELAXED);
    filter |= 1ull << (a % 64);
#ifndef ASID_TEST_SKIP_ROLLOVER_FLUSH
    flush_pending[c] = true;
#endif
  }
  reserved_filter = filter;
  next_hint = 1;
  asid_count(&asid_percpu[cpu].counters.rollovers);
}

// a is reserved (lock held): move every such reservation (several CPUs may run its
// address space) to now, its value in the new generation.
static void update_reserved(uint64_t a, uint64_t now) {
  for (unsigned c = 0; c < asid_ncpus; c++)
    if (asid_reserved[c] == a) __atomic_store_n(&asid_reserved[c], now, __ATOMIC_RELAXED);
}

// Debug builds (the kernel's test builds) re-check the invariants a fresh ASID relies
// on: its number was free in this generation when it was carved into a batch (I1: no
// two address spaces share it), and no CPU has it active or reserved (I3: it is not in
// any TTBR0). At hand-out (no lock) the same value must be active or reserved nowhere.
#if defined(ASID_DEBUG_CHECKS) || KCONFIG_SELFTEST
static void debug_check_carved(uint64_t a, unsigned cpu) {
  for (unsigned c = 0; c < asid_ncpus; c++) {
    uint64_t active = __atomic_load_n(&asid_percpu[c].active, __ATOMIC_RELAXED);
    if (c != cpu && active && (active & asid_mask) == a)
      asid_invariant_failed("fresh ASID is active on another CPU", a);
    if (asid_reserved[c] && (asid_reserved[c] & asid_mask) == a)
      asid_invariant_failed("fresh ASID is reserved by a CPU", a);
  }
}
void asid_debug_check_handout(uint64_t value, unsigned cpu) {
  for (unsigned c = 0; c < asid_ncpus; c++) {
    if (c != cpu && __atomic_load_n(&asid_percpu[c].active, __ATOMIC_RELAXED) == value)
      asid_invariant_failed("batched ASID is active on another CPU", value & asid_mask);
    if (__atomic_load_n(&asid_reserved[c], __ATOMIC_RELAXED) == value)
      asid_invariant_failed("batched ASID is reserved by a CPU", value & asid_mask);
  }
}
#else
static inline void debug_check_carved(uint64_t a, unsigned cpu) { (void)a, (void)cpu; }
#endif

// Lock held, this CPU's batch empty or stale: carve up to batch_size free numbers of
// the current generation out of one map word, marking them taken (I1, I6). Rolls over
// when none is free (one then is: at most cpus are reserved, 2^bits >= cpus + 2).
static void batch_refill(unsigned cpu) {
  uint64_t a = map_find_free(next_hint);
  if (a == 0) {
    rollover(cpu);
    a = map_find_free(1);
    if (a == 0) __builtin_trap();
  }
  uint64_t word = map_free_bits(a), take = word;
  if (batch_size < 64)  // the lowest batch_size free bits
    for (unsigned k = take = 0; k < batch_size && word; k++) {
      uint64_t low = word & -word;
      take |= low;
      word ^= low;
    }
  map[a / 64] |= take;
  struct asid_batch *b = &asid_percpu[cpu].batch;
  b->base = a & ~63ull;
  b->free = take;
  b->gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);
  b->reserved_filter = reserved_filter;  // any rollover came before, above
  next_hint = (unsigned)(b->base + 64 - (unsigned)__builtin_clzll(take));  // past the last
  for (uint64_t t = take; t; t &= t - 1) debug_check_carved(b->base + __builtin_ctzll(t), cpu);
}

// The locked path (asid.h). It drops a batch left stale by a rollover (I6).
uint16_t asid_switch_locked(struct asid_state *as, unsigned cpu) {
  irq_state_t irq = spin_lock_irqsave(&lock);
  uint64_t gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);
  struct asid_batch *b = &asid_percpu[cpu].batch;
#ifndef ASID_TEST_KEEP_STALE_BATCH  // mutant: numbers of an old generation handed out
  if (b->gen != gen) b->free = 0;  // I6: carved before a rollover, they may be anyone's
#endif
  uint64_t a = __atomic_load_n(&as->asid_gen, __ATOMIC_RELAXED);
  while (!asid_same_gen(a, gen)) {
    uint64_t number = a & asid_mask, next = gen | number;
    bool reserved_now = a != 0 && asid_reserved_by_any(a);
    // An empty batch is refilled even when as can keep its number: else, while old
    // numbers stay free early in a generation, every switch after the batch ran dry
    // came here (in a ring of 4,096 at 12 bits, 45% of the switches).
    if (!reserved_now && !b->free) {
      batch_refill(cpu);
      if (b->gen != gen) {  // it rolled over: decide again in the new generation
        gen = b->gen;
        continue;
      }
    }
    bool keep_free = !reserved_now && a != 0 && !map_test(number);  // after the carve
    if (!reserved_now && !keep_free) next = gen | (b->base + (uint64_t)__builtin_ctzll(b->free));
    // A CPU taking the batched path may give as a number meanwhile; then a is that.
    if (__atomic_compare_exchange_n(&as->asid_gen, &a, next, false, __ATOMIC_RELAXED,
                                    __ATOMIC_RELAXED)) {
      if (reserved_now) {
        update_reserved(a, next);  // still owned: its bit is set
      } else {
        // keep_free: its number is free in this generation: no one else has held it
        // since the rollover that flushed every CPU, so as may keep it (I1).
        if (keep_free) map[number / 64] |= 1ull << (number % 64);
        else asid_batch_take(b, b->free);
        asid_count(&asid_percpu[cpu].counters.allocations);
      }
      if (a == 0) __atomic_fetch_add(&asid_live_spaces, 1, __ATOMIC_RELAXED);
      a = next;
    }
  }
  if (flush_pending[cpu]) {  // I4: before this CPU uses any ASID of the new generation
    flush_pending[cpu] = false;
    asid_arch_flush_local_tlb();
    asid_count(&asid_percpu[cpu].counters.local_flushes);
  }
  __atomic_store_n(&asid_percpu[cpu].active, a, __ATOMIC_RELAXED);
  asid_count(&asid_percpu[cpu].counters.slow_switches);
  spin_unlock_irqrestore(&lock, irq);
  return (uint16_t)(a & asid_mask);
}

void asid_release(struct asid_state *as) {
  // The ASID stays taken in map[] (or reserved) until a rollover frees it; that
  // rollover sets every CPU's flush_pending. Nothing to do but the accounting.
  if (__atomic_exchange_n(&as->asid_gen, 0, __ATOMIC_RELAXED) != 0)
    __atomic_fetch_sub(&asid_live_spaces, 1, __ATOMIC_RELAXED);
}

bool asid_for_invalidate(const struct asid_state *as, uint16_t *asid) {
  uint64_t v = __atomic_load_n(&as->asid_gen, __ATOMIC_RELAXED);
  *asid = (uint16_t)(v & asid_mask);
  return v != 0;
}

bool asid_is_current(const struct asid_state *as) {
  uint64_t v = __atomic_load_n(&as->asid_gen, __ATOMIC_RELAXED);
  return v != 0 && asid_same_gen(v, __atomic_load_n(&asid_generation, __ATOMIC_RELAXED));
}

unsigned asid_bits(void) { return asid_width; }

unsigned asid_live(void) { return __atomic_load_n(&asid_live_spaces, __ATOMIC_RELAXED); }

struct asid_counters asid_counters(unsigned cpu) {
  struct asid_counters c;
  c.fast_switches = __atomic_load_n(&asid_percpu[cpu].counters.fast_switches, __ATOMIC_RELAXED);
  c.batched_switches =
      __atomic_load_n(&asid_percpu[cpu].counters.batched_switches, __ATOMIC_RELAXED);
  c.slow_switches = c.batched_switches +
                    __atomic_load_n(&asid_percpu[cpu].counters.slow_switches, __ATOMIC_RELAXED);
  c.allocations = c.batched_switches +
                  __atomic_load_n(&asid_percpu[cpu].counters.allocations, __ATOMIC_RELAXED);
  c.rollovers = __atomic_load_n(&asid_percpu[cpu].counters.rollovers, __ATOMIC_RELAXED);
  c.local_flushes = __atomic_load_n(&asid_percpu[cpu].counters.local_flushes, __ATOMIC_RELAXED);
  c.broadcast_flushes =
      __atomic_load_n(&asid_percpu[cpu].counters.broadcast_flushes, __ATOMIC_RELAXED);
  return c;
}

void asid_count_broadcast_flush(unsigned cpu) {
  // Atomic: a caller that was preempted may count on the CPU it left.
  __atomic_add_fetch(&asid_percpu[cpu].counters.broadcast_flushes, 1, __ATOMIC_RELAXED);
}
