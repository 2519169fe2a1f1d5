// Two ordinary processes on one CPU wake each other through an event, then pass a
// message back and forth over a channel: a sample is a round trip with two
// address-space switches (compare thread-event-rt and thread-channel-rt, the same work
// without them). Runs as a bench group of two (core/boot/bench_group.c).
#include "lib/bench.h"
#include "lib/channel_pingpong.h"
#include "lib/group.h"
#include "lib/pingpong.h"

#define ITERS 5000
#define WARMUP 200

struct pair_state {
  volatile uint32_t stop;
  uint64_t samples[ITERS];
};

int main(void) {
  unsigned me, n;
  if (!bench_group_join(&me, &n) || n != 2) {
    bench_printf("bench-pair: runs as a bench group of two\n");
    return 1;
  }
  struct pair_state *s = bench_group_data();
  bench_pingpong(bench_group()->event[me], me, s->samples, ITERS, WARMUP, &s->stop);
  if (me == 0) {
    bench_header("bench-pair");
    bench_report("process-event-rt", s->samples, ITERS);
  }
  bench_channel_pingpong(bench_group()->channel[me], me, s->samples, ITERS, WARMUP);
  if (me == 0) bench_report("process-channel-rt", s->samples, ITERS);
  return 0;
}
