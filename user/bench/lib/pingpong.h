// Event ping-pong: two threads or processes on one CPU wake each other through one
// event (zx_object_signal, zx_object_wait_one); a sample is one round trip, two switches.
#ifndef USER_BENCH_LIB_PINGPONG_H_
#define USER_BENCH_LIB_PINGPONG_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/types.h>

// Side 0 takes iters samples after warmup round trips, then sets *stop and wakes side 1,
// which answers every ping until it sees *stop.
void bench_pingpong(zx_handle_t event, unsigned side, uint64_t *samples, size_t iters,
                    size_t warmup, volatile uint32_t *stop);

#endif  // USER_BENCH_LIB_PINGPONG_H_
