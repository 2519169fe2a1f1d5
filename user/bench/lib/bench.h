// The benchmark harness (docs/benchmarks.md): the PMU cycle counter read from EL0,
// samples reduced to min/median/p90/p99/max, one machine-readable line per path:
//   BENCH <path> <samples> <min> <median> <p90> <p99> <max>
// plus a row of the human table. Counts are whatever PMCCNTR_EL0 counts: CPU cycles on
// hardware, instructions under QEMU with -icount shift=0 (the kernel prints which).
//
// Adding a path: time it with BENCH_TIME (one call per operation) or collect samples
// yourself (bench_sample for each), then bench_report; a path that cannot run prints
// bench_todo instead.
#ifndef USER_BENCH_LIB_BENCH_H_
#define USER_BENCH_LIB_BENCH_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls.h>

// The cycle counter. The first isb waits for everything before to finish, the second
// keeps everything after from starting early: the read is a precise point in time.
static inline uint64_t bench_now(void) {
  uint64_t v;
  __asm__ volatile("isb\n mrs %0, pmccntr_el0\n isb" : "=r"(v)::"memory");
  return v;
}

// What an empty measurement costs (the minimum of many): subtracted from every sample.
uint64_t bench_overhead(void);
// One sample: t1 - t0 less the overhead (never below 0).
static inline uint64_t bench_sample(uint64_t t0, uint64_t t1) {
  uint64_t d = t1 - t0, o = bench_overhead();
  return d > o ? d - o : 0;
}

// Runs body warmup times untimed, then iters times timed, one sample each.
#define BENCH_TIME(samples, iters, warmup, body)              \
  do {                                                        \
    for (size_t w_ = 0; w_ < (warmup); w_++) { body; }        \
    for (size_t i_ = 0; i_ < (iters); i_++) {                 \
      uint64_t t0_ = bench_now();                             \
      body;                                                   \
      (samples)[i_] = bench_sample(t0_, bench_now());         \
    }                                                         \
  } while (0)

// The table's title row, once per program.
void bench_header(const char *program);
// Sorts samples (in place) and prints the BENCH line and a table row for path.
void bench_report(const char *path, uint64_t *samples, size_t n);
// A path that is not measured yet: "BENCH-TODO <path> <why>" and a table row.
void bench_todo(const char *path, const char *why);

// Kernel memory per process of a workload of n processes, from JANUS_INFO_KMEM_STATS
// before and with all of them alive, less user_bytes (their own pages): the line
//   MEMORY <path> <n> <kernel bytes> <heap bytes> <slab bytes> <objects>
// and where the kernel bytes go, per process (other: the rest of the drop):
//   MEMORY-KIND <path> <kernel stacks> <page tables> <handle chunks> <slab> <heap>
//     <other VMO pages> <other>
struct janus_info_kmem_stats;
void bench_memory_report(const char *path, unsigned n, const struct janus_info_kmem_stats *before,
                         const struct janus_info_kmem_stats *after, uint64_t user_bytes);

// Output without newlib's stdio (ring members are thousands of processes, so every page
// of the image counts): %s %c %d %u %ld %lu %lld %llu %x, optional width and '-'.
void bench_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Yields the CPU (zx_nanosleep with a past deadline).
static inline void bench_yield(void) { zx_nanosleep(0); }

// One step of a spin-wait on another CPU: the YIELD hint, as Linux's cpu_relax(). The
// Cortex-A72 treats it as a no-op. QEMU without MTTCG (as under -icount) runs the vCPUs
// one after another on one host thread and ends a vCPU's turn at a YIELD, so a CPU that
// spins with it hands over at once instead of holding up the CPU it waits for until
// its time slice ends (which would make a cross-CPU sample a measure of QEMU's slices).
static inline void bench_relax(void) { __asm__ volatile("yield" ::: "memory"); }

// Placement (JANUS_PROP_THREAD_CPU): the number of CPUs (one ASID counter record each),
// the CPU a started thread runs on, and pinning a thread that has not started.
unsigned bench_cpu_count(void);
unsigned bench_thread_cpu(zx_handle_t thread);
zx_status_t bench_pin(zx_handle_t thread, unsigned cpu);

// The ASID counters summed over CPUs; false in the ASID=off build (no ASIDs to count).
struct bench_asid {
  uint64_t slow, rollovers;
};
bool bench_asid_read(struct bench_asid *out);

#endif  // USER_BENCH_LIB_BENCH_H_
