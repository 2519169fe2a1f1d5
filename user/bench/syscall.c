// The null syscall round trip: zx_handle_close(ZX_HANDLE_INVALID) does nothing and
// returns ZX_OK, so a sample is the call into the stub, svc, the kernel's entry,
// dispatch and exit, and eret. zx_clock_get_monotonic adds one counter read.
#include "lib/bench.h"

#define ITERS 20000
#define WARMUP 1000

static uint64_t samples[ITERS];

int main(void) {
  bench_header("bench-syscall");
  BENCH_TIME(samples, ITERS, WARMUP, zx_handle_close(ZX_HANDLE_INVALID));
  bench_report("null-syscall", samples, ITERS);
  BENCH_TIME(samples, ITERS, WARMUP, zx_clock_get_monotonic());
  bench_report("clock-get-monotonic", samples, ITERS);
  return 0;
}
