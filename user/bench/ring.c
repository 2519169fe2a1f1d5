// The scale sweep: a ring of n ordinary processes on one CPU yielding in turn, for each n of
// RING_SIZES in turn. Every switch is timed and classified by the ASID path it took; member 0 (this
// program as its runner starts it, which launches the others: lib/group.h) reports ring-<n> (ring-2
// is the switch between two processes) and the SWEEP line.
#include "lib/bench.h"
#include "lib/group.h"
#include "lib/ring.h"

#define TARGET_SAMPLES 20000
#define WARMUP_LAPS 2

// The sweep's sizes; `make bench BENCH_RING=2,65536` builds others in. 8,192 ring
// members fit in 1 GiB; 65,536 (past the 16-bit ASID count) need more.
#ifndef BENCH_RING_SIZES
#define BENCH_RING_SIZES 2, 16, 256, 4096, 8192
#endif
static const unsigned ring_sizes[] = {BENCH_RING_SIZES};

static bool ring(unsigned n) {
  struct bench_group g;
  if (!bench_group_start("bench-ring", n, &g)) return false;
  struct bench_ring *r = g.data;
  unsigned laps = (TARGET_SAMPLES + n - 1) / n;  // the others read these once we arrive
  struct bench_asid asid;
  r->warmup = (uint64_t)WARMUP_LAPS * n;
  r->measure = (uint64_t)(laps < 2 ? 2 : laps) * n;
  r->classify = bench_asid_read(&asid);
  if (!bench_ring_member(r, 0, n, &g)) {
    zx_task_kill(g.job);
    bench_group_leave(&g);
    return false;
  }
  char path[32];
  bench_header("bench-ring");
  bench_printf("  ring of %u processes: %lu switches timed\n", n, (unsigned long)r->measure);
  // "ring-<n>" without snprintf (this image stays small: there are thousands of it).
  char digits[12];
  int d = 0;
  for (unsigned v = n; v; v /= 10) digits[d++] = (char)('0' + v % 10);
  int len = 0;
  for (const char *p = "ring-"; *p;) path[len++] = *p++;
  while (d) path[len++] = digits[--d];
  path[len] = 0;
  bench_ring_report(r, path, n, 1);
  return bench_group_leave(&g);
}

int main(void) {
  if (bench_group_is_member()) {
    struct bench_group g;
    if (!bench_group_join(&g)) return 1;
    bool ran = bench_ring_member(g.data, g.index, g.count, &g);
    return bench_group_leave(&g) && ran ? 0 : 1;
  }
  bool ok = true;
  for (unsigned i = 0; i < sizeof ring_sizes / sizeof ring_sizes[0]; i++) {
    if (ring(ring_sizes[i])) continue;
    bench_printf("bench-ring: the ring of %u failed\n", ring_sizes[i]);
    ok = false;
  }
  return ok ? 0 : 1;
}
