// Bench kernels: programs that run as groups of copies (include/janus/bench_group.h).
#ifndef CORE_BENCH_GROUP_H_
#define CORE_BENCH_GROUP_H_

#include <stdint.h>
#include <zircon/types.h>

// What the numbers mean: the counter's unit ("janus.bench.icount" in bootargs: QEMU
// counts instructions) and the CPU clock, measured against the system counter.
void bench_banner(const char *bootargs);
// The group sizes program runs with, in order, 0-terminated; NULL: it runs alone.
const unsigned *bench_group_sizes(const char *program);
// Runs count copies of program as one group until all have exited; *code is 0 when
// every member returned 0, else the first other return code.
zx_status_t bench_group_run(const char *program, unsigned count, int64_t *code);

#endif  // CORE_BENCH_GROUP_H_
