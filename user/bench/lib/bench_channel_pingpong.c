// Channel ping-pong (channel_pingpong.h).
#include "channel_pingpong.h"

#include "bench.h"

#define PING 1u
#define STOP 2u

static uint32_t receive(zx_handle_t ch) {
  uint32_t msg = 0;
  zx_object_wait_one(ch, ZX_CHANNEL_READABLE | ZX_CHANNEL_PEER_CLOSED, ZX_TIME_INFINITE, NULL);
  if (zx_channel_read(ch, 0, &msg, NULL, sizeof msg, 0, NULL, NULL) != ZX_OK) return STOP;
  return msg;
}

static void round_trip(zx_handle_t ch) {
  uint32_t msg = PING;
  zx_channel_write(ch, 0, &msg, sizeof msg, NULL, 0);
  receive(ch);
}

void bench_channel_pingpong(zx_handle_t ch, unsigned side, uint64_t *samples, size_t iters,
                            size_t warmup) {
  if (side != 0) {
    uint32_t msg;
    while ((msg = receive(ch)) == PING) zx_channel_write(ch, 0, &msg, sizeof msg, NULL, 0);
    return;
  }
  BENCH_TIME(samples, iters, warmup, round_trip(ch));
  uint32_t stop = STOP;
  zx_channel_write(ch, 0, &stop, sizeof stop, NULL, 0);
}
