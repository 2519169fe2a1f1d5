// Bench groups: benchmarks of several ordinary processes (bench-pair, bench-ring). The
// copy of the program its runner starts is member 0: it makes the group's shared VMO
// and event and launches members 1 .. n-1 from the boot filesystem itself
// (janus_launch_bootfs_etc), each named "<program> <i>/<n>", pinned to member 0's CPU
// (a switch is then a switch, not a wakeup IPI) and given handles to the VMO and the
// event as its extra start-up handles, member 1 also the other end of member 0's
// channel. Every member maps the VMO.
#ifndef USER_BENCH_LIB_GROUP_H_
#define USER_BENCH_LIB_GROUP_H_

#include <stdbool.h>
#include <stdint.h>
#include <zircon/types.h>

#define BENCH_GROUP_BYTES (16UL << 20)  // the shared VMO: pages committed as touched
// Where every member maps it: near the image, so that its translation tables are
// mostly the image's (mapped anywhere, each of 8,192 ring members needed a few table
// pages more, and the ring no longer fit in 1 GiB).
#define BENCH_GROUP_ADDR 0x40000000UL

#define BENCH_GROUP_ARRIVED ZX_USER_SIGNAL_0  // on the group's event: every member arrived

// Member 0 keeps a handle to members 1 .. BENCH_GROUP_TRACKED - 1 and checks their exit
// status; the others it only waits for, through the job: a handle table holds 65,536
// handles, fewer than a ring of 65,536 and the group's own need.
#define BENCH_GROUP_TRACKED 4096

struct bench_group {
  unsigned index, count;  // this member, of count
  zx_handle_t event;      // the group's one event
  zx_handle_t channel;    // members 0 and 1: the two ends of one channel
  zx_handle_t vmo;        // the shared VMO, mapped at data = BENCH_GROUP_ADDR (zeroed)
  void *data;
  zx_handle_t job;     // member 0: the job the others run in,
  zx_handle_t *procs;  // and handles to them (procs[i] for member i < TRACKED)
};

// True in a member that member 0 launched (it has the group's handles).
bool bench_group_is_member(void);
// Member 0: makes a group of count and launches the others. False on failure (printed).
bool bench_group_start(const char *program, unsigned count, struct bench_group *g);
// A launched member: joins the group it was launched into. False when it was not.
bool bench_group_join(struct bench_group *g);
// Counts this member in on arrived (a counter in the group's VMO, zero at the start); the
// count-th to arrive sets BENCH_GROUP_ARRIVED on the group's event. False if that fails.
bool bench_group_arrive(const struct bench_group *g, uint32_t *arrived, unsigned count);
// Blocks until BENCH_GROUP_ARRIVED: waiting members sleep rather than yield, since
// thousands of them yielding in turn would leave the launching member almost no CPU.
bool bench_group_wait_arrived(const struct bench_group *g);
// Leaves the group; member 0 first waits for the others to exit. False if a tracked
// one failed.
bool bench_group_leave(struct bench_group *g);

#endif  // USER_BENCH_LIB_GROUP_H_
