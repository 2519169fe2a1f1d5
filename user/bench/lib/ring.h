// Yield rings: n threads or processes on one CPU hand a token round by yielding; each
// switch is timed on its own (the previous holder's counter read just before its yield,
// the next holder's read just after its yield returns). Between processes, every switch
// also says which ASID path it took (the CPU's counters before and after).
#ifndef USER_BENCH_LIB_RING_H_
#define USER_BENCH_LIB_RING_H_

#include <stdint.h>

enum bench_switch_kind { SWITCH_FAST, SWITCH_ASID_SLOW, SWITCH_ASID_ROLLOVER, SWITCH_KINDS };

// Shared by every member; zeroed before the first one runs.
struct bench_ring {
  volatile uint32_t arrived, token, stop, done;
  volatile uint32_t valid;      // t_before belongs to the switch now running
  volatile uint64_t t_before;
  uint64_t steps, warmup, measure;  // token passes so far; untimed; timed
  uint64_t misses;              // wakes of a member that did not hold the token
  uint64_t last_slow, last_rollovers;
  uint32_t classify;            // ASIDs on: each sample gets a kind
  uint64_t count;               // samples taken
  uint64_t samples[];           // value << 2 | kind
};

// The bytes a ring needs for measure timed switches (samples, then report scratch).
#define BENCH_RING_BYTES(measure) (sizeof(struct bench_ring) + 2 * (measure) * sizeof(uint64_t))

// Member me of n: arrives, passes the token until warmup + measure passes are done,
// then leaves; member 0 leaves last, when every member has.
void bench_ring_member(struct bench_ring *r, unsigned me, unsigned n);
// For member 0 afterwards: reports path (all switches) and, if any, path/asid-slow and
// path/asid-rollover; with sweep, also "SWEEP <n> <switches> <median> <mean>
// <rollovers per 1000 switches> <slow paths per 1000>" (rates to 0.1).
void bench_ring_report(struct bench_ring *r, const char *path, unsigned n, int sweep);

#endif  // USER_BENCH_LIB_RING_H_
