// The scale sweep: a ring of n ordinary processes on one CPU passing a token by
// yielding, n from the bench kernel's list (core/boot/bench_group.c). Every switch is timed
// and classified by the ASID path it took; member 0 reports ring-<n> (ring-2 is the
// switch between two processes) and the SWEEP line.
#include "lib/bench.h"
#include "lib/group.h"
#include "lib/ring.h"

#define TARGET_SAMPLES 20000
#define WARMUP_LAPS 2

int main(void) {
  unsigned me, n;
  if (!bench_group_join(&me, &n)) {
    bench_printf("bench-ring: runs as a bench group\n");
    return 1;
  }
  struct bench_ring *r = bench_group_data();
  if (me == 0) {  // the others read these only once member 0 has arrived
    unsigned laps = (TARGET_SAMPLES + n - 1) / n;
    struct bench_asid asid;
    r->warmup = (uint64_t)WARMUP_LAPS * n;
    r->measure = (uint64_t)(laps < 2 ? 2 : laps) * n;
    r->classify = bench_asid_read(&asid);
  }
  bench_ring_member(r, me, n);
  if (me == 0) {
    char path[32];
    bench_header("bench-ring");
    bench_printf("  ring of %u processes: %lu token passes timed\n", n, (unsigned long)r->measure);
    // "ring-<n>" without snprintf (this image stays small: there are thousands of it).
    char digits[12];
    int d = 0;
    for (unsigned v = n; v; v /= 10) digits[d++] = (char)('0' + v % 10);
    int len = 0;
    for (const char *p = "ring-"; *p;) path[len++] = *p++;
    while (d) path[len++] = digits[--d];
    path[len] = 0;
    bench_ring_report(r, path, n, 1);
  }
  return 0;
}
