// Self-test helpers that wait for other CPUs by event, not by time: on a busy host a
// vCPU may not run for a while, so a check may not depend on how soon it does.
#ifndef TESTS_KERNEL_SETTLE_H_
#define TESTS_KERNEL_SETTLE_H_

#include <stdbool.h>
#include <stdint.h>

struct process;

// A bound for waits on other CPUs whose event may never come (a leak): generous, it
// only turns a hang into a failure. Waits whose event must come have none.
#define OTHER_CPU_WAIT_NS 20000000000LL

// Yields until the first thread of each of procs[0..n) has been seen blocked, one
// process after the other: for programs that sleep in a loop (sleeper, the scale
// test's code), each has run up to its sleep, so it was switched to at least once
// and had an ASID.
void wait_until_asleep(struct process **procs, unsigned n);

// Whether kmem_unused_pages() comes back to pages within OTHER_CPU_WAIT_NS: a dead
// process's last thread may still be switching out on its CPU (its kernel stack and
// object go with that switch).
bool wait_until_unused_pages(uint64_t pages);

// Whether kobject_live_count() comes back to objects (or below: an object of an
// earlier test may go meanwhile, for the same reason) within OTHER_CPU_WAIT_NS. A test
// that ran processes waits for this before it returns, or their last thread's object
// may go during a later test's count of objects.
bool wait_until_live_objects(uint64_t objects);

#endif  // TESTS_KERNEL_SETTLE_H_
