// Yield rings: n threads or processes on one CPU yield in turn, in the order of the
// scheduler's round robin (whatever order they woke in), so each runs once per lap; each
// switch is timed on its own (the yielding member's counter read just before its yield,
// the next member's read just after its yield returns). Between processes, every switch
// also says which ASID path it took (the CPU's counters before and after).
#ifndef USER_BENCH_LIB_RING_H_
#define USER_BENCH_LIB_RING_H_

#include <stdbool.h>
#include <stdint.h>

#include "group.h"

enum bench_switch_kind { SWITCH_FAST, SWITCH_ASID_SLOW, SWITCH_ASID_ROLLOVER, SWITCH_KINDS };

enum bench_ring_state {
  RING_IDLE,      // no switch to time
  RING_SWITCHED,  // the member that ran last yielded just after reading t_before
  RING_BUSY,      // a member is updating the ring
};

// Shared by every member; zeroed before the first one runs.
struct bench_ring {
  volatile uint32_t arrived, stop, done;
  volatile uint32_t last;   // the member that ran last
  volatile uint32_t state;  // enum bench_ring_state
  volatile uint64_t t_before;
  uint64_t steps, warmup, measure;  // switches so far; untimed; timed
  uint64_t misses;                  // runs that were not straight after another's yield
  uint64_t last_slow, last_rollovers;
  uint32_t classify;   // ASIDs on: each sample gets a kind
  uint64_t count;      // samples taken
  uint64_t samples[];  // value << 2 | kind
};

// The bytes a ring needs for measure timed switches (samples, then report scratch).
#define BENCH_RING_BYTES(measure) (sizeof(struct bench_ring) + 2 * (measure) * sizeof(uint64_t))

// Member me of n: arrives (in a group of processes g, through the group's event;
// threads, g NULL, yield until all have), yields in turn until warmup + measure
// switches are done, then leaves; member 0 leaves last, when every member has. False if
// the group's event failed (the ring did not run).
bool bench_ring_member(struct bench_ring *r, unsigned me, unsigned n, const struct bench_group *g);
// For member 0 afterwards: reports path (all switches) and, if any, path/asid-slow and
// path/asid-rollover; with sweep, also "SWEEP <n> <switches> <median> <mean>
// <rollovers per 1000 switches> <slow paths per 1000>" (rates to 0.1).
void bench_ring_report(struct bench_ring *r, const char *path, unsigned n, int sweep);

#endif  // USER_BENCH_LIB_RING_H_
