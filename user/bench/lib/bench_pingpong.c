// Event ping-pong (pingpong.h).
#include "pingpong.h"

#include "bench.h"

#define PING ZX_USER_SIGNAL_0
#define PONG ZX_USER_SIGNAL_1

static void round_trip(zx_handle_t event) {
  zx_object_signal(event, PONG, PING);
  zx_object_wait_one(event, PONG, ZX_TIME_INFINITE, NULL);
}

void bench_pingpong(zx_handle_t event, unsigned side, uint64_t *samples, size_t iters,
                    size_t warmup, volatile uint32_t *stop) {
  if (side != 0) {
    for (;;) {
      zx_object_wait_one(event, PING, ZX_TIME_INFINITE, NULL);
      if (*stop) return;
      zx_object_signal(event, PING, PONG);
    }
  }
  BENCH_TIME(samples, iters, warmup, round_trip(event));
  *stop = 1;
  zx_object_signal(event, PONG, PING);
}
