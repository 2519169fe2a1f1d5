// ASID allocator: generation counter with rollover, per-CPU active/reserved ASIDs,
// lazy per-CPU TLB flush after a rollover. The invariants and the proof sketch are in
// docs/asid.md; the comments here name the invariant (I1..I5) a step maintains.
#include "asid.h"

#include <janus/cpu.h>
#include <janus/spinlock.h>

#define MAP_WORDS ((1u << ASID_MAX_BITS) / 64)

unsigned asid_width;  // bits
uint64_t asid_mask;   // (1 << bits) - 1
static unsigned ncpus;

// generation << bits, never 0 after init; changes only under lock.
uint64_t asid_generation;
struct asid_cpu asid_percpu[MAX_CPUS];
// Under lock: what each CPU was running at the last rollover; kept through it (I3).
static uint64_t reserved[MAX_CPUS];
static bool flush_pending[MAX_CPUS];  // under lock (I4)
static uint64_t map[MAP_WORDS];       // under lock: ASIDs taken in this generation (I1)
static unsigned next_hint;            // under lock: where the free search resumes
static spinlock_t lock = SPINLOCK_INIT;
static unsigned live;


static void map_clear(void);

zx_status_t asid_init(unsigned bits, unsigned cpus) {
  if (bits < 1 || bits > ASID_MAX_BITS || cpus < 1 || cpus > MAX_CPUS ||
      (1ull << bits) < (uint64_t)cpus + 2)
    return ZX_ERR_INVALID_ARGS;
  asid_width = bits;
  asid_mask = (1ull << bits) - 1;
  ncpus = cpus;
  __atomic_store_n(&asid_generation, 1ull << bits, __ATOMIC_RELAXED);
  for (unsigned i = 0; i < MAX_CPUS; i++) {
    __atomic_store_n(&asid_percpu[i].active, 0, __ATOMIC_RELAXED);
    reserved[i] = 0;
    flush_pending[i] = false;
    struct asid_counters zero = {0};
    asid_percpu[i].counters = zero;
  }
  for (unsigned i = 0; i < MAP_WORDS; i++) map[i] = 0;
  map_clear();
  next_hint = 1;
  __atomic_store_n(&live, 0, __ATOMIC_RELAXED);
  return ZX_OK;
}

// Only the words this width uses: a 4-bit rollover clears one word, not 1,024.
static void map_clear(void) {
  for (uint64_t i = 0; i <= asid_mask / 64; i++) map[i] = 0;
  map[0] = 1;  // ASID 0: the empty TTBR0, never handed out
}

static inline bool map_test_and_set(uint64_t asid) {
  uint64_t bit = 1ull << (asid % 64);
  bool was = map[asid / 64] & bit;
  map[asid / 64] |= bit;
  return was;
}

// First clear bit in [from, 2^bits), or 0 if none (bit 0 is always set).
static uint64_t map_find_free(uint64_t from) {
  uint64_t limit = asid_mask + 1;
  for (uint64_t i = from; i < limit;) {
    uint64_t word = ~map[i / 64] & (~0ull << (i % 64));
    if (limit - (i & ~63ull) < 64) word &= (1ull << (limit % 64)) - 1;
    if (word) return (i & ~63ull) + (uint64_t)__builtin_ctzll(word);
    i = (i & ~63ull) + 64;
  }
  return 0;
}

// A new generation (lock held). Every ASID a CPU may be running is reserved into it
// (I3), everything else becomes free, and every CPU owes a local flush before it
// next switches (I4). Cost: O(2^bits / 64 + cpus), whatever the number of address
// spaces (measured against alternatives in docs/asid.md).
static void rollover(unsigned cpu) {
  uint64_t gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED) + asid_mask + 1;
  __atomic_store_n(&asid_generation, gen, __ATOMIC_RELAXED);
  map_clear();
  for (unsigned c = 0; c < ncpus; c++) {
    // The exchange orders against the fast path's CAS on the same location: either
    // the CAS came first and we reserve what it installed, or it fails (sees 0).
    uint64_t a = __atomic_exchange_n(&asid_percpu[c].active, 0, __ATOMIC_RELAXED);
    if (a == 0) a = reserved[c];  // no switch since the last rollover: still running it
    map[(a & asid_mask) / 64] |= 1ull << ((a & asid_mask) % 64);
    reserved[c] = a;
#ifndef ASID_TEST_SKIP_ROLLOVER_FLUSH
    flush_pending[c] = true;
#endif
  }
  next_hint = 1;
  asid_count(&asid_percpu[cpu].counters.rollovers);
}

// as runs under a reserved ASID of the last rollover: move every such reservation
// (several CPUs may run as) into the new generation. Returns whether one existed.
static bool update_reserved(uint64_t old, uint64_t now) {
  bool hit = false;
  for (unsigned c = 0; c < ncpus; c++) {
    if (reserved[c] == old) {
      reserved[c] = now;
      hit = true;
    }
  }
  return hit;
}

// as's ASID is not of the current generation (lock held): give it one that is.
// Debug builds (the kernel's test builds) re-check the invariants a fresh ASID relies
// on: its number was free in this generation (I1: no two address spaces share it),
// and no CPU has it active or reserved (I3: it is not in any TTBR0).
#if defined(ASID_DEBUG_CHECKS) || KCONFIG_SELFTEST
static void debug_check_fresh(uint64_t a, bool was_taken, unsigned cpu) {
  if (was_taken) asid_invariant_failed("fresh ASID already taken in this generation", a);
  for (unsigned c = 0; c < ncpus; c++) {
    uint64_t active = __atomic_load_n(&asid_percpu[c].active, __ATOMIC_RELAXED);
    if (c != cpu && active && (active & asid_mask) == a)
      asid_invariant_failed("fresh ASID is active on another CPU", a);
    if (reserved[c] && (reserved[c] & asid_mask) == a)
      asid_invariant_failed("fresh ASID is reserved by a CPU", a);
  }
}
#else
static inline void debug_check_fresh(uint64_t a, bool was_taken, unsigned cpu) {
  (void)a, (void)was_taken, (void)cpu;
}
#endif

static uint64_t new_asid(uint64_t old, unsigned cpu) {
  uint64_t gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);
  if (old != 0) {
    uint64_t keep = gen | (old & asid_mask);
    if (update_reserved(old, keep)) return keep;  // still owned: its bit is set
    // Its number is free in this generation: no one else has held it since the
    // rollover that flushed every CPU, so as may keep it (I1).
    if (!map_test_and_set(old & asid_mask)) {
      asid_count(&asid_percpu[cpu].counters.allocations);
      return keep;
    }
  }
  uint64_t a = map_find_free(next_hint);
  if (a == 0) {
    rollover(cpu);
    gen = __atomic_load_n(&asid_generation, __ATOMIC_RELAXED);
    a = map_find_free(1);
    if (a == 0) __builtin_trap();  // impossible: at most cpus reserved, 2^bits >= cpus + 2
  }
  bool was_taken = map_test_and_set(a);
  debug_check_fresh(a, was_taken, cpu);
  next_hint = (unsigned)a + 1;
  asid_count(&asid_percpu[cpu].counters.allocations);
  return gen | a;
}

// The slow path of asid_switch (asid.h): a fresh or reserved ASID, or a pending flush.
uint16_t asid_switch_slow(struct asid_state *as, unsigned cpu) {
  irq_state_t irq = spin_lock_irqsave(&lock);
  uint64_t a = __atomic_load_n(&as->asid_gen, __ATOMIC_RELAXED);
  if (!asid_same_gen(a, __atomic_load_n(&asid_generation, __ATOMIC_RELAXED))) {
    if (a == 0) __atomic_fetch_add(&live, 1, __ATOMIC_RELAXED);
    a = new_asid(a, cpu);
    __atomic_store_n(&as->asid_gen, a, __ATOMIC_RELAXED);
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
    __atomic_fetch_sub(&live, 1, __ATOMIC_RELAXED);
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

unsigned asid_live(void) { return __atomic_load_n(&live, __ATOMIC_RELAXED); }

struct asid_counters asid_counters(unsigned cpu) {
  struct asid_counters c;
  c.fast_switches = __atomic_load_n(&asid_percpu[cpu].counters.fast_switches, __ATOMIC_RELAXED);
  c.slow_switches = __atomic_load_n(&asid_percpu[cpu].counters.slow_switches, __ATOMIC_RELAXED);
  c.allocations = __atomic_load_n(&asid_percpu[cpu].counters.allocations, __ATOMIC_RELAXED);
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
