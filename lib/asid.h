// ASID allocation: generations with rollover, a lock-free switch fast path, and
// per-CPU reserved ASIDs so running address spaces keep theirs across a rollover.
// ASIDs come in pairs: the allocator hands out numbers below the top bit of the width,
// and n | asid_pair_bit is n's twin (restricted mode's), owned, reserved and flushed
// with n, so switching between the two needs no allocator.
// Portable: the only contact with the hardware is the arch hook below. Design and the
// argument that no stale translation is ever used: docs/asid.md.
#ifndef CORE_ASID_H_
#define CORE_ASID_H_

#include <stdbool.h>
#include <stdint.h>
#include <janus/cpu.h>
#include <zircon/types.h>

#define ASID_MAX_BITS 16

// Embedded in each address space. asid_gen = generation << (bits - 1) | asid; 0 = never
// given an ASID (then no TLB can hold an entry tagged for it).
struct asid_state {
  uint64_t asid_gen;  // accessed only with __atomic builtins
};

#define ASID_STATE_INIT {0}

struct asid_counters {
  uint64_t fast_switches;  // switches that took no lock
  uint64_t slow_switches;  // switches off the fast path (new ASID, reserved one, or flush)
  uint64_t batched_switches;  // of those, the ones that took a fresh ASID without the lock
  uint64_t allocations;    // ASIDs taken from the free map
  uint64_t rollovers;      // generation bumps this CPU performed
  uint64_t local_flushes;  // asid_arch_flush_local_tlb() calls on this CPU
  uint64_t broadcast_flushes;  // inner-shareable invalidations this CPU issued (one per batch)
};

// bits: the width of TTBR0's ASID. Numbers 1 .. 2^(bits-1) - 1 are handed out (0 stays
// with the empty TTBR0), each with its pair n | 2^(bits-1). Needs 2^(bits-1) >= cpus + 2:
// after a rollover every CPU may hold a reserved number and the switching CPU still
// needs a free one. Resets all state (not safe while switching).
zx_status_t asid_init(unsigned bits, unsigned cpus);

// --- The switch (inline: it is on every context switch) ----------------------------
// State asid.c owns; here only for asid_switch's fast path to read.
extern unsigned asid_width;        // bits per ASID (TTBR0's)
extern uint64_t asid_mask;         // asid_pair_bit - 1: the numbers handed out
// 1 << (asid_width - 1): n | asid_pair_bit is the pair of number n (docs/asid.md, "Pairs").
extern uint16_t asid_pair_bit;
extern uint64_t asid_generation;   // generation << (bits - 1), never 0 after init; under the lock
// Per CPU: numbers carved out of the free map under the lock, handed out one per fresh
// ASID without it (I6). Touched only by its CPU (interrupts masked) and, for the carve,
// under the lock by that same CPU.
struct asid_batch {
  uint64_t free;  // bit i: number base + i is this CPU's to hand out
  uint64_t gen;   // the generation they were carved in (generation << (bits - 1))
  uint64_t base;  // a multiple of 64
  // The reservations' filter when they were carved: bit n % 64 set for the number n of
  // every reserved value (I3), so that a clear bit spares the scan. Only rollover
  // changes it, and a batch of an older generation is never used.
  uint64_t reserved_filter;
};

// Per CPU, in cache lines of its own (the fast path touches only the first and the
// read-mostly values above; the batched path also the second): the asid_gen this CPU
// switched to in this generation, or 0 after a rollover took it into the reserved set
// (I2), written by its CPU (fast path: CAS) and by rollover (exchange to 0); the
// CPU's counters; its batch.
struct asid_cpu {
  uint64_t active;
  struct asid_counters counters;
  struct asid_batch batch __attribute__((aligned(64)));
} __attribute__((aligned(64)));
extern struct asid_cpu asid_percpu[MAX_CPUS];

static inline void asid_count(uint64_t *c) {  // single writer (the CPU itself); any reader
  __atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

static inline bool asid_same_gen(uint64_t asid_gen, uint64_t gen) {
  return (asid_gen ^ gen) <= asid_mask;  // equal above the ASID's bits (one load: the mask)
}

// The reservations (asid.c's, written under the lock): what each CPU was running at the
// last rollover (I3). In a generation they move but keep their numbers.
extern uint64_t asid_reserved[MAX_CPUS];
extern unsigned asid_ncpus;
extern unsigned asid_live_spaces;  // address spaces holding an ASID (asid_live())

// The locked path: a reserved or fresh ASID for as, a pending flush, or both. Whatever
// the lock-free paths below refuse ends here.
uint16_t asid_switch_locked(struct asid_state *as, unsigned cpu);

// The host model (tests/host/test_asid_model.c) runs other CPUs' switches at these
// points of the batched path, the windows where another CPU can change what it read.
#ifdef ASID_TEST_HOOKS
void asid_test_interleave(struct asid_state *as, unsigned cpu);
#else
static inline void asid_test_interleave(struct asid_state *as, unsigned cpu) { (void)as, (void)cpu; }
#endif
// Debug builds (the kernel's test builds) check that a batched ASID is active or
// reserved nowhere else when it is handed out (I1, I3).
#if defined(ASID_DEBUG_CHECKS) || KCONFIG_SELFTEST
void asid_debug_check_handout(uint64_t value, unsigned cpu);
#else
static inline void asid_debug_check_handout(uint64_t value, unsigned cpu) { (void)value, (void)cpu; }
#endif

// The fast path's test and claim, with a = as->asid_gen and old_active = this CPU's
// active as read: true when a is of the current generation and no rollover happened
// since this CPU's last switch (one more relaxed load and a compare-and-swap on this
// CPU's own slot, no lock).
static inline bool asid_switch_claim(unsigned cpu, uint64_t a, uint64_t old_active) {
  // Nonzero active means no rollover since this CPU's last switch, so no flush is
  // pending (I4); the CAS fails if a rollover exchanged it meanwhile (I2).
  if (__builtin_expect(old_active != 0, 1) &&
      asid_same_gen(a, __atomic_load_n(&asid_generation, __ATOMIC_RELAXED)) &&
      __atomic_compare_exchange_n(&asid_percpu[cpu].active, &old_active, a, false,
                                  __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    asid_count(&asid_percpu[cpu].counters.fast_switches);
    return true;
  }
  return false;
}

// asid_switch's fast path alone, for a caller that keeps its slow path out of line (the
// context switch: then its fast path needs no stack frame): true when it claimed *a's
// ASID (a & asid_mask); false leaves *a and *old_active as asid_switch_batched takes them.
static inline bool asid_switch_fast(struct asid_state *as, unsigned cpu, uint64_t *a,
                                    uint64_t *old_active) {
  *a = __atomic_load_n(&as->asid_gen, __ATOMIC_RELAXED);
  *old_active = __atomic_load_n(&asid_percpu[cpu].active, __ATOMIC_RELAXED);
  return asid_switch_claim(cpu, *a, *old_active);
}

// Whether a CPU runs (or may run) an address space under a (reserved at a rollover).
static inline bool asid_reserved_by_any(uint64_t a) {
  for (unsigned c = 0; c < asid_ncpus; c++)
    if (__atomic_load_n(&asid_reserved[c], __ATOMIC_RELAXED) == a) return true;
  return false;
}

// Takes the lowest number of b's free bits (free: b->free, as the caller read it).
static inline void asid_batch_take(struct asid_batch *b, uint64_t free) {
#ifndef ASID_TEST_BATCH_REUSE  // mutant: a batch number handed out again and again
  b->free = free & (free - 1);
#endif
  (void)b, (void)free;
}

// The batched path (I6), after the fast path failed: a fresh ASID from this CPU's batch
// without the lock. True with *asid set when as got one; false leaves the decision to
// asid_switch_locked. It calls nothing, so the context switch's slow path stays a leaf
// but for that one tail call (every switch of a ring past the ASID count comes here).
// It may give as a number only when as has none of the batch's generation and runs
// nowhere under a reserved one. a and active: what asid_switch_fast read (relaxed: the
// two CASes check them). The CAS on as->asid_gen decides between CPUs giving as a
// number at once; the CAS on active fails if a rollover came since the read (I2).
static inline __attribute__((always_inline)) bool asid_switch_batched(struct asid_state *as,
                                                                      unsigned cpu, uint64_t a,
                                                                      uint64_t active,
                                                                      uint64_t *asid) {
  struct asid_cpu *pc = &asid_percpu[cpu];
  __asm__("" : "+r"(pc));  // one register: GCC recomputed it for each use
  uint64_t free = pc->batch.free, gen = pc->batch.gen;
  if (!free || !active) return false;  // nothing carved, or a rollover since
  if (a >= gen) return false;          // not of an older generation
#ifndef ASID_TEST_BATCH_IGNORE_RESERVED  // mutant: a running space loses its number
  if (a != 0 && (pc->batch.reserved_filter >> (a % 64) & 1) && asid_reserved_by_any(a))
    return false;  // I3: it keeps its number (locked path)
#endif
  uint64_t number = pc->batch.base + (uint64_t)__builtin_ctzll(free);
  uint64_t fresh = gen | number;
  asid_debug_check_handout(fresh, cpu);
  asid_test_interleave(as, cpu);
  if (!__atomic_compare_exchange_n(&as->asid_gen, &a, fresh, false, __ATOMIC_RELAXED,
                                   __ATOMIC_RELAXED))
    return false;  // another CPU gave as a number first: the locked path uses that one
  asid_batch_take(&pc->batch, free);
  if (a == 0) __atomic_fetch_add(&asid_live_spaces, 1, __ATOMIC_RELAXED);
  asid_test_interleave(as, cpu);
#ifdef ASID_TEST_BATCH_STORE_ACTIVE  // mutant: blind to a rollover since the read
  __atomic_store_n(&pc->active, fresh, __ATOMIC_RELAXED);
#else
  if (!__atomic_compare_exchange_n(&pc->active, &active, fresh, false, __ATOMIC_RELAXED,
                                   __ATOMIC_RELAXED)) {
    asid_count(&pc->counters.allocations);  // a rollover came between: fresh may be
    return false;                           // of the old generation
  }
#endif
  // One counter: asid_counters() adds these to slow_switches and allocations.
  asid_count(&pc->counters.batched_switches);
  *asid = number;
  return true;
}

// Switch `cpu` (the calling CPU) to as: returns the ASID to write into TTBR0 with as's
// root table (a number below asid_pair_bit; its pair may be written instead, until the
// next switch, without asking again). Preemption and interrupts must be off from here
// until TTBR0 is written.
// The fast path, else the batch, else the spinlock; that may call
// asid_arch_flush_local_tlb() (a flush left pending by a rollover), always before it
// returns. The context switch inlines the three steps itself (arch/arm64/aspace.c).
static inline uint16_t asid_switch(struct asid_state *as, unsigned cpu) {
  uint64_t a, old_active, asid;
  if (asid_switch_fast(as, cpu, &a, &old_active)) return (uint16_t)(a & asid_mask);
  if (asid_switch_batched(as, cpu, a, old_active, &asid)) return (uint16_t)asid;
  return asid_switch_locked(as, cpu);
}

// The address space is dead: no CPU's TTBR0 refers to it any more. No TLB maintenance
// is needed: its ASID is not handed out again in this generation, and the rollover
// that frees it makes every CPU flush its TLB before it next switches.
void asid_release(struct asid_state *as);

// For unmap/remap/protect: whether TLB entries tagged for as may exist, and under
// which ASID to invalidate them (TLBI VAE1IS): *asid and, if the caller ever writes
// it, its pair. False only if as never had an ASID.
// An ASID of an old generation must still be invalidated: a CPU may be running as
// under it as a reserved ASID (see docs/asid.md).
bool asid_for_invalidate(const struct asid_state *as, uint16_t *asid);

// Whether as holds an ASID of the current generation (diagnostics and tests).
bool asid_is_current(const struct asid_state *as);
unsigned asid_bits(void);
// Address spaces given an ASID and not yet released (leak accounting).
unsigned asid_live(void);
struct asid_counters asid_counters(unsigned cpu);
// The arch's TLB maintenance counts a broadcast invalidation issued on cpu.
void asid_count_broadcast_flush(unsigned cpu);

// --- Arch hooks (arch/arm64 implements them; the host tests model them) ----------
// Invalidate every stage-1 EL1&0 entry in this CPU's TLB and complete it:
// DSB NSHST; TLBI VMALLE1; DSB NSH (the ISB after the TTBR0 write follows).
void asid_arch_flush_local_tlb(void);
// Debug builds: an invariant check failed (the kernel panics; host tests fail).
void asid_invariant_failed(const char *what, uint64_t asid);

#endif  // CORE_ASID_H_
