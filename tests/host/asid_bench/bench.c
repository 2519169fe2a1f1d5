// The ASID allocator benchmark driver: runs each workload on Janus's allocator and on
// the models it is compared with, one host thread playing every simulated CPU. Under
// callgrind (tools/asid-bench.sh) only the calls made through measured_*() are
// counted, each workload's segment ending in a dump labelled with what it did; run
// without valgrind it just prints the labels. Not a test: `make test` never runs it.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else  // no valgrind headers: the bench still runs, and counts nothing
#define CALLGRIND_ZERO_STATS
#define CALLGRIND_DUMP_STATS_AT(label) (void)(label)
#endif

#include "bench.h"
#include "lib/hash.h"

#define BENCH_CPUS 8

static const struct bench_alloc *const allocs[] = {&bench_null, &bench_janus, &bench_linux,
                                                   &bench_zircon};

// The only calls callgrind counts (--toggle-collect=measured_*); set-up calls the
// allocator directly. Not inlined, so that callgrind sees them as functions.
__attribute__((noinline)) zx_status_t measured_create(const struct bench_alloc *a,
                                                      struct space *s) {
  return a->create(s);
}
__attribute__((noinline)) uint16_t measured_switch(const struct bench_alloc *a,
                                                   struct space *s, unsigned cpu) {
  return a->switch_to(s, cpu);
}
__attribute__((noinline)) void measured_destroy(const struct bench_alloc *a, struct space *s) {
  a->destroy(s);
}

__attribute__((noinline)) void bench_tlb_op(uint64_t arg) { __asm__ volatile("" ::"r"(arg)); }

static uint64_t rng_state;
static uint64_t rng(void) {  // xorshift64: the same sequence for every allocator
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

// One workload on one allocator: the simulated CPUs and what each is running.
struct run {
  const struct bench_alloc *a;
  unsigned bits, cpus;
  uint64_t live, fails;
  struct space *sp;
  long running[BENCH_CPUS];  // space index in this CPU's TTBR0, -1: the empty TTBR0
  uint16_t asid[BENCH_CPUS];
};

static void start(struct run *r, const struct bench_alloc *a, unsigned bits, unsigned cpus,
                  uint64_t live) {
  memset(r, 0, sizeof *r);
  r->a = a, r->bits = bits, r->cpus = cpus, r->live = live;
  if (a->init(bits, cpus) != ZX_OK) {
    fprintf(stderr, "asid-bench: %s: init(%u, %u) failed\n", a->name, bits, cpus);
    exit(1);
  }
  r->sp = calloc(live, sizeof *r->sp);
  if (!r->sp) exit(1);
  for (unsigned c = 0; c < BENCH_CPUS; c++) r->running[c] = -1;
  rng_state = HASH_GOLDEN_RATIO_64;
}

// Every switch, outside the counts: no two CPUs run different spaces under one ASID
// (what the models must guarantee for their numbers to mean anything).
static void switched(struct run *r, unsigned cpu, long i, uint16_t asid) {
  r->running[cpu] = i, r->asid[cpu] = asid;
  if (r->a == &bench_null) return;
  if (asid == 0 || asid >> r->bits) r->fails++;
  for (unsigned c = 0; c < r->cpus; c++) {
    if (c != cpu && r->running[c] >= 0 && r->running[c] != i && r->asid[c] == asid) {
      fprintf(stderr, "asid-bench: %s shares ASID %u between two spaces\n", r->a->name, asid);
      exit(1);
    }
  }
}

static void segment_begin(void) { CALLGRIND_ZERO_STATS; }

static void segment_end(struct run *r, const char *workload, uint64_t ops, uint64_t fails,
                        uint64_t rollovers) {
  char label[256];
  snprintf(label, sizeof label,
           "workload=%s alloc=%s bits=%u cpus=%u live=%llu ops=%llu fails=%llu rollovers=%llu",
           workload, r->a->name, r->bits, r->cpus, (unsigned long long)r->live,
           (unsigned long long)ops, (unsigned long long)fails, (unsigned long long)rollovers);
  CALLGRIND_DUMP_STATS_AT(label);
  printf("%s\n", label);
}

static void finish(struct run *r) { free(r->sp); }

// (a) The fast path: every space already has an ASID of this generation and every CPU
// has switched since the last rollover; random switches, no rollover.
static void switch_fast(const struct bench_alloc *a, unsigned bits, unsigned cpus,
                        unsigned nspaces, uint64_t nops) {
  struct run r;
  start(&r, a, bits, cpus, nspaces);
  for (unsigned i = 0; i < nspaces; i++) a->create(&r.sp[i]);
  for (unsigned c = 0; c < cpus; c++)
    for (unsigned i = 0; i < nspaces; i++) switched(&r, c, i, a->switch_to(&r.sp[i], c));
  uint64_t before = a->rollovers();
  segment_begin();
  for (uint64_t k = 0; k < nops; k++) {
    unsigned c = (unsigned)(k % cpus);
    long i = (long)(rng() % nspaces);
    switched(&r, c, i, measured_switch(a, &r.sp[i], c));
  }
  segment_end(&r, "switch-fast", nops, r.fails, a->rollovers() - before);
  finish(&r);
}

// (b) Churn: a pool of live spaces; each op destroys one (off every TTBR0 first, as
// the kernel does), creates its replacement and switches to it on some CPU.
static void churn(const struct bench_alloc *a, unsigned bits, unsigned cpus, unsigned pool,
                  uint64_t nops) {
  struct run r;
  start(&r, a, bits, cpus, pool);
  for (unsigned i = 0; i < pool; i++) {
    a->create(&r.sp[i]);
    switched(&r, i % cpus, i, a->switch_to(&r.sp[i], i % cpus));
  }
  uint64_t before = a->rollovers(), create_fails = 0;
  segment_begin();
  for (uint64_t k = 0; k < nops; k++) {
    long v = (long)(rng() % pool);
    for (unsigned c = 0; c < cpus; c++)
      if (r.running[c] == v) r.running[c] = -1;  // the empty TTBR0: no allocator call
    measured_destroy(a, &r.sp[v]);
    if (measured_create(a, &r.sp[v]) != ZX_OK) {
      create_fails++;
      continue;
    }
    unsigned c = (unsigned)(rng() % cpus);
    switched(&r, c, v, measured_switch(a, &r.sp[v], c));
  }
  segment_end(&r, "churn", nops, r.fails + create_fails, a->rollovers() - before);
  finish(&r);
}

// (c) More live spaces than ASIDs: create them all (Zircon-style runs out), then
// switch round-robin among those that exist, so each switch finds its space's ASID
// taken back by a rollover: the slow path every time, a rollover every ~2^bits
// switches. Then replay the same sequence counting only the switches that rolled
// over: what one rollover costs.
static void oversubscribed(const struct bench_alloc *a, unsigned bits, unsigned cpus,
                           uint64_t live) {
  uint64_t nswitch = 2 * live < 20000 ? 20000 : 2 * live;
  struct run r;
  start(&r, a, bits, cpus, live);
  uint64_t *ok = calloc(live, sizeof *ok), nok = 0, fails = 0;
  uint8_t *rolled = calloc(nswitch, 1);
  if (!ok || !rolled) exit(1);
  segment_begin();
  for (uint64_t i = 0; i < live; i++) {
    if (measured_create(a, &r.sp[i]) == ZX_OK) ok[nok++] = i;
    else fails++;
  }
  segment_end(&r, "create", live, fails, 0);

  uint64_t rollovers = 0;
  segment_begin();
  for (uint64_t k = 0; k < nswitch; k++) {
    unsigned c = (unsigned)(k % cpus);
    long i = (long)ok[k % nok];
    switched(&r, c, i, measured_switch(a, &r.sp[i], c));
    uint64_t now = a->rollovers();  // not counted: outside measured_*()
    rolled[k] = now != rollovers;
    rollovers = now;
  }
  segment_end(&r, "switch-oversub", nswitch, r.fails, rollovers);

  if (rollovers) {  // the same sequence again (deterministic), counting the rollovers
    finish(&r);
    start(&r, a, bits, cpus, live);
    for (uint64_t i = 0; i < live; i++) a->create(&r.sp[i]);
    segment_begin();
    for (uint64_t k = 0; k < nswitch; k++) {
      unsigned c = (unsigned)(k % cpus);
      long i = (long)ok[k % nok];
      switched(&r, c, i, rolled[k] ? measured_switch(a, &r.sp[i], c) : a->switch_to(&r.sp[i], c));
    }
    segment_end(&r, "rollover", rollovers, r.fails, a->rollovers());
  }
  free(ok);
  free(rolled);
  finish(&r);
}

int main(void) {
  static const struct {
    unsigned bits, cpus;
    uint64_t live;
  } over[] = {
      {4, 1, 32},     {4, 4, 32},     {4, 8, 32},      {8, 1, 512},     {8, 4, 512},
      {8, 8, 512},    {8, 4, 4096},   {8, 4, 32768},   {16, 1, 131072}, {16, 4, 131072},
      {16, 8, 131072}, {16, 4, 262144},
  };
  for (unsigned n = 0; n < sizeof allocs / sizeof allocs[0]; n++) {
    const struct bench_alloc *a = allocs[n];
    switch_fast(a, 16, 4, 64, 100000);
    churn(a, 8, 4, 64, 100000);
    churn(a, 16, 4, 64, 100000);
    for (unsigned i = 0; i < sizeof over / sizeof over[0]; i++)
      oversubscribed(a, over[i].bits, over[i].cpus, over[i].live);
  }
  return 0;
}
