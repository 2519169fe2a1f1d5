// The ASID allocator (lib/asid.c) against a model of the ARMv8 TLB.
//
// Each simulated CPU has a TTBR0 (an address space and the ASID written with it) and
// a TLB: a set of (VA page, ASID, global) -> PA entries. As the architecture allows,
// the "hardware" fills entries at any time from the valid entries of the current
// tables of the address space in that CPU's TTBR0, tagged with the ASID in TTBR0,
// and keeps them until a TLBI removes them (or evicts them at random). Invalid table
// entries are never cached. The model kernel does what Janus does: unmap = clear the
// entry, then TLBI VAE1IS (VA, ASID) on every CPU; map = write the entry, no TLBI;
// remap = break-before-make; a range unmap/remap (arch_aspace_unmap_range and
// _protect_range) = change every entry of a run, then one batch of invalidation: per
// page for short runs, one TLBI ASIDE1IS (every entry of the ASID, on every CPU) for
// runs past MODEL_BATCH pages; destroy = switch every CPU using it to the empty TTBR0,
// then asid_release. An access may use ANY matching entry, so all matching entries
// must carry the PA the tables hold now (and none may match an unmapped page).
// Physical pages are never reused, so any stale entry is visible as a wrong PA.
// Restricted mode (docs/asid.md, "Pairs"): a CPU running an address space may flip to
// restricted mode and back without the allocator, as arch/arm64/aspace.c does: TTBR0
// keeps the same tables but its ASID gains the pair bit, and TTBR1's shared window
// (one non-global page, tagged with TTBR0's ASID like any walk) is gone; so no entry
// of the window may match in restricted mode, and the kernel's invalidations cover
// both halves of the pair.
// The allocator's batched path (a fresh ASID without the lock) calls back into the
// model at the two points where another CPU may act between its reads and its
// compare-and-swaps (asid_test_interleave); the model then switches other CPUs there.
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/asid.h"
#include "test.h"
#include "lib/hash.h"

#define MCPUS 4
#define NAS 20       // address-space slots: many more than ASIDs at 2-4 bits
#define NVA 6        // user pages per address space (VA page indices 0..NVA-1)
#define KVA NVA      // one global kernel page
#define WVA (NVA + 1)  // the shared window's page (TTBR1 in normal mode only)
#define KPA 1u
#define TLB_SLOTS 10
#define HIST 24

// The kernel's cut-off is 32 pages (arch/arm64/aspace.c); the model has 6 pages per
// space, so it batches past 2 to exercise both paths.
#define MODEL_BATCH 2

enum op_kind { OP_CREATE, OP_DESTROY, OP_SWITCH, OP_EMPTY, OP_MAP, OP_UNMAP, OP_REMAP, OP_ACCESS,
               OP_RANGE, OP_ENTER, OP_EXIT, OP_WINDOW };
static const char *const op_names[] = {"create", "destroy", "switch", "empty-ttbr0", "map",
                                       "unmap", "remap", "access", "range", "enter",
                                       "exit", "window-remap"};

struct tlb_entry {
  bool valid, global;
  uint8_t va;
  uint16_t asid;
  uint32_t pa;
};

struct mcpu {
  int as;         // address space in TTBR0, -1: the empty table (ASID 0)
  uint16_t asid;  // ASID written into TTBR0
  bool restricted;       // TTBR1 without the window, TTBR0's ASID with the pair bit
  uint16_t normal_asid;  // what the context switch got from the allocator
  struct tlb_entry tlb[TLB_SLOTS];
};

struct mas {
  bool live;
  struct asid_state st;
  uint32_t pa[NVA];  // the page table: 0 = invalid
};

struct op {
  uint8_t kind, cpu, as, va;
  uint16_t asid;
  uint64_t step;
};

static struct {
  unsigned bits, ncpu;
  uint64_t seed, rng, step;
  bool skip_stale;  // model-kernel mutant: skip the TLBI when the ASID is not current
  bool batch_local;  // mutant: the batched whole-ASID flush reaches only the calling CPU
  bool half_tlbi;    // mutant: invalidations name the normal ASID only, not its pair
  bool same_asid;    // mutant: restricted mode keeps the normal ASID (no pair bit)
  bool interleave;   // switch other CPUs inside the allocator's batched path
  unsigned depth;    // nesting of those switches (one level)
  bool quiet, failed;
  struct mcpu cpu[MCPUS];
  struct mas as[NAS];
  uint32_t next_pa;
  uint32_t window_pa;  // the window page's frame (never 0)
  struct op hist[HIST];
  unsigned nhist;
  uint64_t accesses, hits, flushes, batched, interleaved, restricted_accesses;
} m;

static _Thread_local unsigned current_cpu;  // the CPU calling into the allocator
static bool threaded;                         // the concurrent test: no TLB model

// The allocator's own invariant checks (ASID_DEBUG_CHECKS): any report fails the test.
void asid_invariant_failed(const char *what, uint64_t asid) {
  char line[160];
  snprintf(line, sizeof line, "ASID invariant: %s (ASID %llu)", what, (unsigned long long)asid);
  test_fail(__FILE__, __LINE__, line);
}

void asid_arch_flush_local_tlb(void) {
  if (threaded) return;
  memset(m.cpu[current_cpu].tlb, 0, sizeof m.cpu[current_cpu].tlb);  // TLBI VMALLE1
  m.flushes++;
}

static unsigned rnd(unsigned n) { return (unsigned)(test_rng_next(&m.rng) % n); }

static void record(enum op_kind kind, unsigned cpu, unsigned as, unsigned va, unsigned asid) {
  struct op *o = &m.hist[m.nhist++ % HIST];
  *o = (struct op){(uint8_t)kind, (uint8_t)cpu, (uint8_t)as, (uint8_t)va, (uint16_t)asid, m.step};
}

static void fail(const char *what, unsigned cpu, unsigned va, const struct tlb_entry *e) {
  m.failed = true;
  if (m.quiet) return;
  printf("  asid model: %s (bits %u, cpus %u, seed %#llx, step %llu, cpu %u, va %u", what,
         m.bits, m.ncpu, (unsigned long long)m.seed, (unsigned long long)m.step, cpu, va);
  if (e) printf(", entry asid %u pa %u%s", e->asid, e->pa, e->global ? " global" : "");
  printf(")\n  last operations:\n");
  unsigned n = m.nhist < HIST ? m.nhist : HIST;
  for (unsigned i = m.nhist - n; i < m.nhist; i++) {
    const struct op *o = &m.hist[i % HIST];
    printf("    %8llu %-12s cpu %u as %u %s %u %s %u\n", (unsigned long long)o->step,
           op_names[o->kind], o->cpu, o->as, o->kind == OP_SWITCH ? "restricted" : "va", o->va,
           o->kind == OP_RANGE ? "pages" : "asid", o->asid);
  }
}

// What cpu's tables translate va to now (0: nothing). The window is in TTBR1 only in
// normal mode with a user space in TTBR0 (the empty TTBR0 goes with the kernel root).
static uint32_t translation(const struct mcpu *c, unsigned va) {
  if (va == KVA) return KPA;
  if (c->as < 0) return 0;  // the empty TTBR0 table: nothing valid
  if (va == WVA) return c->restricted ? 0 : m.window_pa;
  return m.as[c->as].pa[va];
}

// The page-table walker of cpu: cache the translation of va, if the tables have one.
static void fill(unsigned cpu, unsigned va) {
  struct mcpu *c = &m.cpu[cpu];
  uint32_t pa = translation(c, va);
  if (pa == 0) return;  // a translation fault is never cached
  c->tlb[rnd(TLB_SLOTS)] = (struct tlb_entry){true, va == KVA, (uint8_t)va, c->asid, pa};
}

// TLBI VAE1IS: (va, asid) on every CPU (the model has one inner-shareable domain).
static void tlbi_va_all(unsigned va, uint16_t asid) {
  for (unsigned c = 0; c < m.ncpu; c++)
    for (unsigned i = 0; i < TLB_SLOTS; i++) {
      struct tlb_entry *e = &m.cpu[c].tlb[i];
      if (e->valid && (e->global || e->asid == asid) && e->va == va) e->valid = false;
    }
}

// What the kernel does after changing a valid entry of as: both halves of its pair.
static void invalidate(unsigned as, unsigned va) {
  uint16_t asid;
  if (m.skip_stale && !asid_is_current(&m.as[as].st)) return;
  if (!asid_for_invalidate(&m.as[as].st, &asid)) return;  // never had an ASID: no entries
  tlbi_va_all(va, asid);
  if (!m.half_tlbi) tlbi_va_all(va, asid | asid_pair_bit);
}

// TLBI VAAE1IS: va under every ASID, on every CPU (a window page: tagged with whichever
// member's ASID walked it).
static void tlbi_va_any_asid(unsigned va) {
  for (unsigned c = 0; c < m.ncpu; c++)
    for (unsigned i = 0; i < TLB_SLOTS; i++) {
      struct tlb_entry *e = &m.cpu[c].tlb[i];
      if (e->valid && e->va == va) e->valid = false;
    }
}

// TLBI ASIDE1IS: every non-global entry tagged asid, on every CPU (the mutant: on
// this CPU only, as TLBI ASIDE1 without IS would).
static void tlbi_asid_all(unsigned cpu, uint16_t asid) {
  for (unsigned c = 0; c < m.ncpu; c++) {
    if (m.batch_local && c != cpu) continue;
    for (unsigned i = 0; i < TLB_SLOTS; i++) {
      struct tlb_entry *e = &m.cpu[c].tlb[i];
      if (e->valid && !e->global && e->asid == asid) e->valid = false;
    }
  }
}

// A range operation from cpu on pages [va, va + n) of as: every valid entry is
// cleared (the break of a remap too), then one batch of invalidation, then (remap)
// the new entries are made.
static void range_op(unsigned cpu, unsigned as, unsigned va, unsigned n, bool remap) {
  struct mas *s = &m.as[as];
  unsigned changed[NVA], count = 0;
  for (unsigned v = va; v < va + n; v++)
    if (s->pa[v]) {
      s->pa[v] = 0;
      changed[count++] = v;
    }
  uint16_t asid;
  bool tagged = !(m.skip_stale && !asid_is_current(&s->st)) && asid_for_invalidate(&s->st, &asid);
  uint16_t pair = m.half_tlbi ? 0 : asid_pair_bit;
  if (count > MODEL_BATCH) {
    m.batched++;
    if (tagged) tlbi_asid_all(cpu, asid);
    if (tagged && pair) tlbi_asid_all(cpu, asid | pair);
  } else if (tagged) {
    for (unsigned i = 0; i < count; i++) tlbi_va_all(changed[i], asid);
    for (unsigned i = 0; i < count && pair; i++) tlbi_va_all(changed[i], asid | pair);
  }
  if (remap)
    for (unsigned i = 0; i < count; i++) s->pa[changed[i]] = m.next_pa++;
}

static void do_access(unsigned cpu, unsigned va) {
  struct mcpu *c = &m.cpu[cpu];
  uint32_t want = translation(c, va);
  bool hit = false;
  m.accesses++;
  if (c->restricted) m.restricted_accesses++;
  for (unsigned i = 0; i < TLB_SLOTS; i++) {
    const struct tlb_entry *e = &c->tlb[i];
    if (!e->valid || e->va != va || (!e->global && e->asid != c->asid)) continue;
    if (e->pa != want) {
      fail(want ? "stale translation used" : "translation of an unmapped page used", cpu, va, e);
      return;
    }
    hit = true;
  }
  if (hit) m.hits++;
  else fill(cpu, va);
}

// Two CPUs running different address spaces never share an ASID (with or without the
// pair bit: the TTBR0 value).
static void check_ttbrs(void) {
  for (unsigned a = 0; a < m.ncpu; a++)
    for (unsigned b = a + 1; b < m.ncpu; b++)
      if (m.cpu[a].as >= 0 && m.cpu[b].as >= 0 && m.cpu[a].as != m.cpu[b].as &&
          m.cpu[a].asid == m.cpu[b].asid) {
        fail("two address spaces run under one ASID", b, 0, NULL);
        return;
      }
}

// TTBR0's ASID in restricted mode: the pair of the normal one
// (restricted_entry.S's TABLES_TO_RESTRICTED).
static uint16_t restricted_asid(uint16_t normal) {
  return m.same_asid ? normal : (uint16_t)(normal | asid_pair_bit);
}

// A context switch to as in the given mode (arch_aspace_activate): the allocator is
// asked for the normal ASID either way.
static void do_switch(unsigned cpu, unsigned as, bool restricted) {
  current_cpu = cpu;
  uint16_t asid = asid_switch(&m.as[as].st, cpu);
  record(OP_SWITCH, cpu, as, restricted, asid);
  if (asid == 0 || asid >= 1u << m.bits) {
    fail("ASID out of range", cpu, 0, NULL);
    return;
  }
  struct mcpu *c = &m.cpu[cpu];
  c->as = (int)as;  // write TTBR0 (and ISB)
  c->normal_asid = asid;
  c->restricted = restricted;
  c->asid = restricted ? restricted_asid(asid) : asid;
  check_ttbrs();
}

// Restricted enter or exit on a CPU running a space: TTBR1 and TTBR0's ASID change,
// the allocator is not called.
static void flip_mode(unsigned cpu) {
  struct mcpu *c = &m.cpu[cpu];
  if (c->as < 0) return;
  c->restricted = !c->restricted;
  c->asid = c->restricted ? restricted_asid(c->normal_asid) : c->normal_asid;
  record(c->restricted ? OP_ENTER : OP_EXIT, cpu, (unsigned)c->as, 0, c->asid);
  check_ttbrs();
}

static void set_empty(unsigned cpu) {
  m.cpu[cpu].as = -1;
  m.cpu[cpu].asid = 0;
  m.cpu[cpu].restricted = false;
}

// The allocator is between a read and a compare-and-swap of its batched path on cpu,
// switching to as: let one or two other CPUs switch first, to as itself or to any
// live space (which may roll the generation over under it).
void asid_test_interleave(struct asid_state *as, unsigned cpu) {
  if (threaded || !m.interleave || m.depth || m.ncpu < 2 || rnd(3) != 0) return;
  unsigned self = NAS;
  for (unsigned i = 0; i < NAS; i++)
    if (&m.as[i].st == as) self = i;
  m.depth++;
  for (unsigned k = 1 + rnd(2); k; k--) {
    unsigned other = (cpu + 1 + rnd(m.ncpu - 1)) % m.ncpu;
    unsigned target = rnd(2) && self < NAS ? self : rnd(NAS);
    if (!m.as[target].live) continue;
    m.interleaved++;
    do_switch(other, target, rnd(3) == 0);
  }
  m.depth--;
  current_cpu = cpu;
}

static void step_once(void) {
  unsigned r = rnd(100), cpu = rnd(m.ncpu), as = rnd(NAS), va = rnd(NVA);
  struct mas *s = &m.as[as];
  // The hardware: speculative walks and evictions at any time.
  for (unsigned k = rnd(3); k; k--) fill(rnd(m.ncpu), rnd(NVA + 2));
  if (rnd(8) == 0) m.cpu[rnd(m.ncpu)].tlb[rnd(TLB_SLOTS)].valid = false;

  if (r < 6) {  // create or destroy
    if (!s->live) {
      record(OP_CREATE, cpu, as, 0, 0);
      s->live = true;
      s->st = (struct asid_state)ASID_STATE_INIT;
      for (unsigned v = 0; v < NVA; v++) s->pa[v] = rnd(2) ? m.next_pa++ : 0;
    } else {
      record(OP_DESTROY, cpu, as, 0, 0);
      for (unsigned c = 0; c < m.ncpu; c++)
        if (m.cpu[c].as == (int)as) set_empty(c);  // TTBR0 = empty table: its TLB keeps all
      asid_release(&s->st);
      s->live = false;
    }
  } else if (r < 36) {  // context switch, or a restricted enter or exit
    unsigned k = rnd(16);
    if (k == 0) {
      record(OP_EMPTY, cpu, 0, 0, 0);
      set_empty(cpu);
    } else if (k < 6) {
      flip_mode(cpu);
    } else if (s->live) {
      do_switch(cpu, as, rnd(3) == 0);
    }
  } else if (r < 56) {  // change a mapping
    if (r == 36) {  // the window's page, remapped (break-before-make, TLBI VAAE1IS)
      record(OP_WINDOW, cpu, 0, WVA, 0);
      m.window_pa = 0;
      tlbi_va_any_asid(WVA);
      m.window_pa = m.next_pa++;
      return;
    }
    if (!s->live) return;
    if (s->pa[va] == 0) {
      record(OP_MAP, cpu, as, va, 0);
      s->pa[va] = m.next_pa++;
    } else if (r < 46) {
      record(OP_UNMAP, cpu, as, va, 0);
      s->pa[va] = 0;
      invalidate(as, va);
    } else {
      record(OP_REMAP, cpu, as, va, 0);
      s->pa[va] = 0;  // break
      invalidate(as, va);
      s->pa[va] = m.next_pa++;  // make
    }
  } else if (r < 62) {  // a run of pages unmapped or remapped in one batch
    if (!s->live) return;
    unsigned n = 1 + rnd(NVA - va);
    record(OP_RANGE, cpu, as, va, n);
    range_op(cpu, as, va, n, rnd(2));
  } else {  // accesses on a CPU, to whatever its TTBR0 maps
    unsigned which = rnd(8);
    va = which == 0 ? KVA : which == 1 ? WVA : va;
    record(OP_ACCESS, cpu, m.cpu[cpu].as < 0 ? 255 : (unsigned)m.cpu[cpu].as, va, m.cpu[cpu].asid);
    do_access(cpu, va);
  }
}

static void check_live(void) {
  unsigned n = 0;
  for (unsigned i = 0; i < NAS; i++)
    if (m.as[i].live && m.as[i].st.asid_gen) n++;
  if (n != asid_live()) fail("asid_live() disagrees", 0, 0, NULL);
}

// One run; returns whether the model saw no stale translation.
enum mutant { CORRECT, SKIP_STALE, BATCH_LOCAL, HALF_TLBI, SAME_ASID };

static bool run_model(unsigned bits, unsigned ncpu, uint64_t seed, uint64_t steps,
                      enum mutant mutant, bool quiet) {
  memset(&m, 0, sizeof m);
  m.bits = bits;
  m.ncpu = ncpu;
  m.seed = m.rng = seed;
  m.skip_stale = mutant == SKIP_STALE;
  m.batch_local = mutant == BATCH_LOCAL;
  m.half_tlbi = mutant == HALF_TLBI;
  m.same_asid = mutant == SAME_ASID;
  m.interleave = true;
  m.quiet = quiet;
  m.window_pa = KPA + 1;
  m.next_pa = KPA + 2;
  for (unsigned c = 0; c < MCPUS; c++) m.cpu[c].as = -1;
  if (asid_init(bits, ncpu) != ZX_OK) {
    fail("asid_init refused", 0, 0, NULL);
    return false;
  }
  for (m.step = 0; m.step < steps && !m.failed; m.step++) {
    step_once();
    if ((m.step & 1023) == 0) check_live();
  }
  return !m.failed;
}

struct config {
  unsigned bits, cpus;
};
// TTBR0 widths: the allocator hands out the lower half, so 3-bit ASIDs give 3 usable
// numbers: enough for 1 or 2 CPUs (2^(bits-1) >= cpus + 2). Batches hold
// 2^(bits-1) / (4 * cpus) numbers (at least 1, at most 64): 1 in the first five, 4 in
// the next three (with rollovers), 64 at 16 bits (fresh spaces only: no rollover).
static const struct config configs[] = {{3, 1}, {3, 2}, {4, 4}, {5, 4}, {4, 3},
                                        {5, 1}, {6, 2}, {7, 4}, {16, 4}};
static const uint64_t seeds[] = {HASH_GOLDEN_RATIO_64, 0x1234567ull, 0xdeadbeefcafeull, 42};
#define STEPS_PER_RUN 1000000

TEST(asid_model_no_stale_translation) {
  uint64_t total = 0, rollovers = 0, fast = 0, slow = 0, flushes = 0, accesses = 0, hits = 0,
           batched = 0, unlocked = 0, interleaved = 0, restricted = 0;
  for (unsigned ci = 0; ci < sizeof configs / sizeof configs[0]; ci++)
    for (unsigned si = 0; si < sizeof seeds / sizeof seeds[0]; si++) {
      bool ok = run_model(configs[ci].bits, configs[ci].cpus, seeds[si] + ci, STEPS_PER_RUN,
                          CORRECT, false);
      EXPECT(ok);
      if (!ok) return;
      total += m.step;
      batched += m.batched;
      interleaved += m.interleaved;
      accesses += m.accesses;
      restricted += m.restricted_accesses;
      hits += m.hits;
      for (unsigned c = 0; c < configs[ci].cpus; c++) {
        struct asid_counters k = asid_counters(c);
        rollovers += k.rollovers;
        fast += k.fast_switches;
        slow += k.slow_switches;
        flushes += k.local_flushes;
        unlocked += k.batched_switches;
      }
      EXPECT(configs[ci].bits == 16 || rollovers > 0);
    }
  EXPECT(batched > 0);
  EXPECT(unlocked > 0);
  EXPECT(interleaved > 0);
  EXPECT(restricted > 0);
  printf("  asid model: %u runs, %llu operations (%llu accesses, %llu in restricted mode, %llu "
         "TLB hits), %llu fast / "
         "%llu slow switches (%llu without the lock), %llu rollovers, %llu local flushes, "
         "%llu batched ASID flushes, %llu switches interleaved into the batched path\n",
         (unsigned)(sizeof configs / sizeof configs[0] * sizeof seeds / sizeof seeds[0]),
         (unsigned long long)total, (unsigned long long)accesses,
         (unsigned long long)restricted, (unsigned long long)hits,
         (unsigned long long)fast, (unsigned long long)slow, (unsigned long long)unlocked,
         (unsigned long long)rollovers, (unsigned long long)flushes,
         (unsigned long long)batched, (unsigned long long)interleaved);
}

// A broken variant must make the model fail on one of three seeds (4-bit ASIDs: 7
// numbers, 4 CPUs).
static bool caught_by_model(enum mutant mutant) {
  for (unsigned si = 0; si < 3; si++)
    if (!run_model(4, 4, seeds[si], STEPS_PER_RUN, mutant, true)) return true;
  return false;
}

// The test of the test, in the model kernel: skipping the unmap TLBI when the
// address space's ASID is of an old generation is wrong (a CPU may still run it
// under that ASID, reserved at the rollover), and the model must say so.
TEST(asid_model_catches_stale_generation_skip) {
  EXPECT(caught_by_model(SKIP_STALE));
}

// And of the batched flush: a whole-ASID flush that stays on the calling CPU (TLBI
// ASIDE1 for ASIDE1IS) leaves other CPUs' entries behind, and the model must say so.
TEST(asid_model_catches_local_batch_flush) {
  EXPECT(caught_by_model(BATCH_LOCAL));
}

// And of the pair: an unmap that invalidates only the normal half leaves restricted
// mode's entries (tagged with the pair) behind, and the model must say so.
TEST(asid_model_catches_half_pair_invalidation) {
  EXPECT(caught_by_model(HALF_TLBI));
}

// Restricted mode under the normal ASID would find the window's entries (tagged with
// it in normal mode): the reason for the pair bit, which the model must see.
TEST(asid_model_catches_restricted_without_pair_bit) {
  EXPECT(caught_by_model(SAME_ASID));
}

TEST(asid_init_checks) {
  EXPECT_EQ(asid_init(0, 1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(asid_init(1, 1), ZX_ERR_INVALID_ARGS);  // only the pair bit
  EXPECT_EQ(asid_init(2, 1), ZX_ERR_INVALID_ARGS);  // numbers 0 and 1: 1 reserved + 1 needed
  EXPECT_EQ(asid_init(17, 1), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(asid_init(3, 3), ZX_ERR_INVALID_ARGS);  // 3 numbers: 3 reserved + 1 needed
  EXPECT_EQ(asid_init(8, 0), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(asid_init(8, 9), ZX_ERR_INVALID_ARGS);
  EXPECT_EQ(asid_init(3, 2), ZX_OK);
  EXPECT_EQ(asid_pair_bit, 4);
  EXPECT_EQ(asid_init(16, 8), ZX_OK);
  EXPECT_EQ(asid_bits(), 16);
  EXPECT_EQ(asid_pair_bit, 0x8000);
}

// A running address space keeps its ASID across rollovers; the other CPU flushes
// once, lazily, at its next switch; a repeated switch takes the fast path.
TEST(asid_rollover_keeps_running_asid) {
  struct asid_state s[8];
  for (unsigned i = 0; i < 8; i++) s[i] = (struct asid_state)ASID_STATE_INIT;
  ASSERT(asid_init(3, 2) == ZX_OK);  // numbers 1-3, their pairs 5-7
  memset(&m, 0, sizeof m);
  current_cpu = 0;
  uint16_t a0 = asid_switch(&s[0], 0);
  EXPECT_EQ(asid_switch(&s[0], 0), a0);
  EXPECT_EQ(asid_counters(0).fast_switches, 1);
  current_cpu = 1;
  uint16_t seen[8];
  for (unsigned i = 1; i < 8; i++) {  // 7 allocations of 3 ASIDs: rollovers
    seen[i] = asid_switch(&s[i], 1);
    EXPECT(seen[i] != a0);
    EXPECT(seen[i] != 0 && seen[i] < asid_pair_bit);
    if (i > 1) EXPECT(seen[i] != seen[i - 1]);
  }
  EXPECT(asid_counters(1).rollovers >= 2);
  EXPECT(asid_counters(1).local_flushes >= 2);
  EXPECT_EQ(asid_counters(0).local_flushes, 0);  // lazily: cpu 0 has not switched
  EXPECT(!asid_is_current(&s[0]));
  current_cpu = 0;
  EXPECT_EQ(asid_switch(&s[0], 0), a0);  // reserved: same ASID, new generation
  EXPECT(asid_is_current(&s[0]));
  EXPECT_EQ(asid_counters(0).local_flushes, 1);
  EXPECT_EQ(asid_counters(0).slow_switches, 2);
  EXPECT_EQ(asid_live(), 8);
  for (unsigned i = 0; i < 8; i++) asid_release(&s[i]);
  EXPECT_EQ(asid_live(), 0);
}

// Real concurrency (threads stand for CPUs): the lock-free fast path and the batched
// path racing with rollovers on other CPUs. Each CPU publishes (address space, ASID)
// after a switch and clears it before the next; two CPUs must never publish different
// address spaces under one ASID. No TLB model here (the hook does nothing); the model
// above covers the TLB, this samples the CAS/exchange races on real threads. Two
// widths: 4 bits, 7 numbers (batches of 1: every fresh ASID takes the lock) and 7 bits
// with 96 spaces (batches of 4: most fresh ASIDs are taken without it).
#define TCPUS 4
#define TAS_MAX 96
#define TSWITCHES 50000
static struct asid_state tas[TAS_MAX];
static unsigned tas_count;
static uint64_t published[TCPUS];  // as index + 1 << 16 | asid; 0 = switching
static int tconflicts;

static void *cpu_thread(void *arg) {
  unsigned cpu = (unsigned)(uintptr_t)arg;
  uint64_t rng = HASH_GOLDEN_RATIO_64 * (cpu + 1);
  current_cpu = cpu;
  for (unsigned i = 0; i < TSWITCHES; i++) {
    unsigned as = (unsigned)(test_rng_next(&rng) % tas_count);
    __atomic_store_n(&published[cpu], 0, __ATOMIC_SEQ_CST);
    uint16_t asid = asid_switch(&tas[as], cpu);
    uint64_t mine = (uint64_t)(as + 1) << 16 | asid;
    __atomic_store_n(&published[cpu], mine, __ATOMIC_SEQ_CST);
    // "Run" it for a while, letting the other CPUs switch meanwhile.
    for (unsigned k = (unsigned)(test_rng_next(&rng) % 3); k; k--) {
      for (unsigned c = 0; c < TCPUS; c++) {
        uint64_t other = __atomic_load_n(&published[c], __ATOMIC_SEQ_CST);
        if (c != cpu && other && (other & 0xffff) == asid && other != mine)
          __atomic_fetch_add(&tconflicts, 1, __ATOMIC_RELAXED);
      }
      sched_yield();
    }
  }
  return NULL;
}

static void run_threads(unsigned bits, unsigned spaces) {
  ASSERT(asid_init(bits, TCPUS) == ZX_OK);
  tas_count = spaces;
  for (unsigned i = 0; i < spaces; i++) tas[i] = (struct asid_state)ASID_STATE_INIT;
  tconflicts = 0;
  memset(published, 0, sizeof published);  // nothing left over from the last run
  threaded = true;
  pthread_t t[TCPUS];
  for (unsigned c = 0; c < TCPUS; c++)
    ASSERT(pthread_create(&t[c], NULL, cpu_thread, (void *)(uintptr_t)c) == 0);
  for (unsigned c = 0; c < TCPUS; c++) pthread_join(t[c], NULL);
  threaded = false;
  EXPECT_EQ(tconflicts, 0);
  uint64_t fast = 0, rollovers = 0, unlocked = 0;
  for (unsigned c = 0; c < TCPUS; c++) {
    fast += asid_counters(c).fast_switches;
    rollovers += asid_counters(c).rollovers;
    unlocked += asid_counters(c).batched_switches;
  }
  EXPECT(rollovers > 0);
  EXPECT(bits < 7 || unlocked > 0);
  printf("  asid concurrent (%u bits, %u spaces): %u switches, %llu fast, %llu fresh without "
         "the lock, %llu rollovers\n", bits, spaces, TCPUS * TSWITCHES, (unsigned long long)fast,
         (unsigned long long)unlocked, (unsigned long long)rollovers);
}

TEST(asid_concurrent_switches) {
  run_threads(4, 12);
  run_threads(7, 96);
}
