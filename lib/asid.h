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
// Per CPU, in a cache line of its own (the fast path touches only it and the read-mostly
// values above): the asid_gen this CPU switched to in this generation, or 0 after a
// rollover took it into the reserved set (I2). Written by its CPU (fast path: CAS) and
// by rollover (exchange to 0). And the CPU's counters.
struct asid_cpu {
  uint64_t active;
  struct asid_counters counters;
} __attribute__((aligned(64)));
extern struct asid_cpu asid_percpu[MAX_CPUS];

static inline void asid_count(uint64_t *c) {  // single writer (the CPU itself); any reader
  __atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
}

static inline bool asid_same_gen(uint64_t asid_gen, uint64_t gen) {
  return (asid_gen ^ gen) <= asid_mask;  // equal above the ASID's bits (one load: the mask)
}

// The rest of asid_switch: a fresh ASID from this CPU's batch without the lock if it
// can, else under the lock a fresh or reserved ASID, or a pending flush. a and active:
// as->asid_gen and this CPU's active as the fast path read them.
uint16_t asid_switch_slow(struct asid_state *as, unsigned cpu, uint64_t a, uint64_t active);

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
// ASID (a & asid_mask); false leaves *a and *old_active as asid_switch_slow takes them.
static inline bool asid_switch_fast(struct asid_state *as, unsigned cpu, uint64_t *a,
                                    uint64_t *old_active) {
  *a = __atomic_load_n(&as->asid_gen, __ATOMIC_RELAXED);
  *old_active = __atomic_load_n(&asid_percpu[cpu].active, __ATOMIC_RELAXED);
  return asid_switch_claim(cpu, *a, *old_active);
}

// Switch `cpu` (the calling CPU) to as: returns the ASID to write into TTBR0 with as's
// root table (a number below asid_pair_bit; its pair may be written instead, until the
// next switch, without asking again). Preemption and interrupts must be off from here
// until TTBR0 is written.
// The fast path above; otherwise asid_switch_slow: the batch, or the spinlock; then it
// may call asid_arch_flush_local_tlb() (a flush left pending by a rollover), always
// before it returns.
static inline uint16_t asid_switch(struct asid_state *as, unsigned cpu) {
  uint64_t a, old_active;
  if (asid_switch_fast(as, cpu, &a, &old_active)) return (uint16_t)(a & asid_mask);
  return asid_switch_slow(as, cpu, a, old_active);
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
