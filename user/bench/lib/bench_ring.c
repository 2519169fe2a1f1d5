// Yield rings (ring.h).
#include <string.h>

#include "bench.h"
#include "ring.h"

// After a timed switch: which ASID path did it take? Read outside the timed window.
static enum bench_switch_kind classify(struct bench_ring *r) {
  struct bench_asid now;
  if (!r->classify || !bench_asid_read(&now)) return SWITCH_FAST;
  enum bench_switch_kind kind = now.rollovers != r->last_rollovers ? SWITCH_ASID_ROLLOVER
                                : now.slow != r->last_slow         ? SWITCH_ASID_SLOW
                                                                   : SWITCH_FAST;
  r->last_slow = now.slow;
  r->last_rollovers = now.rollovers;
  return kind;
}

void bench_ring_member(struct bench_ring *r, unsigned me, unsigned n) {
  __atomic_fetch_add(&r->arrived, 1, __ATOMIC_SEQ_CST);
  while (r->arrived < n) bench_yield();
  for (;;) {
    uint64_t t = bench_now();
    if (r->token != me) {  // someone else's turn: this wake spoils the next sample
      r->valid = 0;
      r->misses++;
      bench_yield();
      continue;
    }
    bool timed = r->valid && r->steps >= r->warmup && r->steps < r->warmup + r->measure;
    enum bench_switch_kind kind = classify(r);
    if (timed) r->samples[r->count++] = bench_sample(r->t_before, t) << 2 | kind;
    if (++r->steps >= r->warmup + r->measure) r->stop = 1;
    r->token = (me + 1) % n;
    if (r->stop) {  // every member sees the token once more, then leaves
      __atomic_fetch_add(&r->done, 1, __ATOMIC_SEQ_CST);
      if (me != 0) return;
      while (r->done < n) bench_yield();
      return;
    }
    r->valid = 1;
    r->t_before = bench_now();
    bench_yield();
  }
}

void bench_ring_report(struct bench_ring *r, const char *path, unsigned n, int sweep) {
  uint64_t count[SWITCH_KINDS] = {0}, sum = 0;
  for (uint64_t i = 0; i < r->count; i++) count[r->samples[i] & 3]++;
  // Copies of the samples grouped by kind, in the scratch half (BENCH_RING_BYTES).
  uint64_t *by_kind[SWITCH_KINDS];
  uint64_t *next = r->samples + r->count;
  for (int k = 0; k < SWITCH_KINDS; k++) by_kind[k] = next, next += count[k];
  uint64_t fill[SWITCH_KINDS] = {0};
  for (uint64_t i = 0; i < r->count; i++) {
    uint64_t v = r->samples[i] >> 2;
    by_kind[r->samples[i] & 3][fill[r->samples[i] & 3]++] = v;
    r->samples[i] = v;
    sum += v;
  }
  char name[64];
  bench_report(path, r->samples, r->count);
  if (count[SWITCH_ASID_SLOW]) {
    strcpy(name, path), strcat(name, "/asid-slow");
    bench_report(name, by_kind[SWITCH_ASID_SLOW], count[SWITCH_ASID_SLOW]);
  }
  if (count[SWITCH_ASID_ROLLOVER]) {
    strcpy(name, path), strcat(name, "/asid-rollover");
    bench_report(name, by_kind[SWITCH_ASID_ROLLOVER], count[SWITCH_ASID_ROLLOVER]);
  }
  if (r->misses)  // at the start and the end; the samples they would spoil are dropped
    bench_printf("  (%s: %lu wakes out of turn, not timed)\n", path, (unsigned long)r->misses);
  if (!sweep || !r->count) return;
  uint64_t rollovers = count[SWITCH_ASID_ROLLOVER];
  uint64_t slow = count[SWITCH_ASID_SLOW] + rollovers;
  uint64_t roll10 = rollovers * 10000 / r->count, slow10 = slow * 10000 / r->count;
  bench_printf("SWEEP %u %lu %lu %lu %lu.%lu %lu.%lu\n", n, (unsigned long)r->count,
               r->samples[(r->count + 1) / 2 - 1], sum / r->count, roll10 / 10, roll10 % 10,
               slow10 / 10, slow10 % 10);
}
