// Yield rings (ring.h).
#include <string.h>

#include "bench.h"
#include "ring.h"

// After a timed switch: which ASID path did it take? now: the counters as this member
// read them after its switch and before it took the ring (have: whether it could). A
// member preempted in between read older counters than the last holder: they are not
// compared (its run is not timed anyway).
static enum bench_switch_kind classify(struct bench_ring *r, bool have,
                                       const struct bench_asid *now) {
  if (!have || now->slow < r->last_slow || now->rollovers < r->last_rollovers) return SWITCH_FAST;
  enum bench_switch_kind kind = now->rollovers != r->last_rollovers ? SWITCH_ASID_ROLLOVER
                                : now->slow != r->last_slow         ? SWITCH_ASID_SLOW
                                                                    : SWITCH_FAST;
  r->last_slow = now->slow;
  r->last_rollovers = now->rollovers;
  return kind;
}

bool bench_ring_member(struct bench_ring *r, unsigned me, unsigned n, const struct bench_group *g) {
  if (g) {
    if (!bench_group_arrive(g, (uint32_t *)&r->arrived, n) || !bench_group_wait_arrived(g))
      return false;
  } else {
    __atomic_fetch_add(&r->arrived, 1, __ATOMIC_SEQ_CST);
    while (r->arrived < n) bench_yield();
  }
  // bench_sample's overhead is measured at its first call in each process (a thousand
  // counter reads, and a page fault on first writing it): not inside the busy state.
  (void)bench_overhead();
  uint64_t t = bench_now();
  for (;;) {
    // Only one member at a time updates the ring: one preempted while it does (a time
    // slice ended) keeps it busy, and the others pass until it has yielded: a lap of
    // n - 1 untimed runs. So a member enters the kernel only outside the busy state: a
    // yield takes the end of a time slice with it (schedule() clears need_resched),
    // and any other entry (a system call, a page fault) is where a slice that ended
    // meanwhile takes effect. With the counters read and the first sample's overhead
    // measured inside it, nearly every slice end cost a lap (a ring of 16,384 at 12-bit
    // ASIDs: 17 laps in 17 slices; of 65,536: 274 laps, 18 million untimed runs).
    struct bench_asid now;
    bool have = false;
    if (__atomic_load_n(&r->state, __ATOMIC_RELAXED) != RING_BUSY)  // else no need
      have = r->classify && bench_asid_read(&now);
    uint32_t state = __atomic_exchange_n(&r->state, RING_BUSY, __ATOMIC_ACQUIRE);
    if (state == RING_BUSY) {
      __atomic_fetch_add(&r->misses, 1, __ATOMIC_RELAXED);
      bench_yield();
      t = bench_now();
      continue;
    }
    // A switch to time: the member that ran last yielded, and the CPU came straight here
    // (not if this one was preempted after reading t: another member ran since).
    uint64_t before = r->t_before;
    bool switched = state == RING_SWITCHED && r->last != me && before <= t;
    // Until this member's yield: if it is preempted before it stores its counter, the
    // next member times nothing.
    r->t_before = UINT64_MAX;
    if (r->stop) {  // every member runs once more, then leaves
      __atomic_store_n(&r->state, RING_IDLE, __ATOMIC_RELEASE);
      __atomic_fetch_add(&r->done, 1, __ATOMIC_SEQ_CST);
      if (me != 0) return true;
      while (r->done < n) bench_yield();
      return true;
    }
    enum bench_switch_kind kind = classify(r, have, &now);
    uint64_t *slot = NULL, sample = 0;
    if (!switched) {
      __atomic_fetch_add(&r->misses, 1, __ATOMIC_RELAXED);
    } else {
      if (r->steps >= r->warmup)
        slot = &r->samples[r->count++], sample = bench_sample(before, t) << 2 | kind;
      if (++r->steps >= r->warmup + r->measure) r->stop = 1;
    }
    r->last = me;
    __atomic_store_n(&r->state, RING_SWITCHED, __ATOMIC_RELEASE);
    // After the release: the slot's page may be new to this member (a page fault).
    if (slot) *slot = sample;
    r->t_before = bench_now();
    bench_yield();
    t = bench_now();
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
