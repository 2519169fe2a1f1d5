// Channel ping-pong: two threads or processes on one CPU send a 4-byte message back
// and forth over one channel; a sample is one round trip: write + read each way, two
// switches (compare the event ping-pong, pingpong.h).
#ifndef USER_BENCH_LIB_CHANNEL_PINGPONG_H_
#define USER_BENCH_LIB_CHANNEL_PINGPONG_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

// Side 0 takes iters samples after warmup round trips, then sends "stop"; side 1
// answers every message until then.
void bench_channel_pingpong(zx_handle_t channel, unsigned side, uint64_t *samples, size_t iters,
                            size_t warmup);

#endif  // USER_BENCH_LIB_CHANNEL_PINGPONG_H_
