// Two ordinary processes on one CPU wake each other through an event, then pass a
// message back and forth over a channel: a sample is a round trip with two
// address-space switches (compare thread-event-rt and thread-channel-rt, the same work
// without them). A bench group of two (lib/group.h): this program launches its peer.
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
  struct bench_group g;
  bool member = bench_group_is_member();
  if (member ? !bench_group_join(&g) : !bench_group_start("bench-pair", 2, &g)) {
    bench_printf("bench-pair: cannot make the pair\n");
    return 1;
  }
  struct pair_state *s = g.data;
  bench_pingpong(g.event, g.index, s->samples, ITERS, WARMUP, &s->stop);
  if (!member) {
    bench_header("bench-pair");
    bench_report("process-event-rt", s->samples, ITERS);
  }
  bench_channel_pingpong(g.channel, g.index, s->samples, ITERS, WARMUP);
  if (!member) bench_report("process-channel-rt", s->samples, ITERS);
  return bench_group_leave(&g) ? 0 : 1;  // member 0: once its peer has exited
}
