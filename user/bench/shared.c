// The paths of issue 6 that need shared processes and restricted mode (issue 4): the
// TODO slots. Each is one function: measure the path (see syscall.c and pair.c for the
// patterns), bench_report it, return true. Until then it reports BENCH-TODO. (Code that
// runs in several processes of one group may need this program to become a shared
// prototype; see user/user.mk.)
#include "lib/bench.h"

// Two processes of one shared group: the switch changes TTBR0 only.
static bool shared_group_switch(void) { return false; }
// Two processes of different groups: TTBR0 and TTBR1 change.
static bool cross_group_switch(void) { return false; }
// zx_restricted_enter -> svc in restricted mode -> back at the vector table.
static bool restricted_svc_round_trip(void) { return false; }
// zx_restricted_enter -> fault in restricted mode -> back at the vector table.
static bool restricted_fault_round_trip(void) { return false; }
// zx_restricted_kick to a thread in restricted mode on another CPU, until it is out.
static bool restricted_kick_latency(void) { return false; }
// zx_process_create_shared + start + exit + reap.
static bool create_shared_teardown(void) { return false; }
// Map and unmap one page of the shared window with 1, 4, 16, 64 processes in the
// group, running on 1 and on 4 CPUs: the cost of the TLB invalidation.
static bool shared_window_map_unmap(void) { return false; }

static const struct {
  const char *path;
  bool (*measure)(void);
  const char *why;
} paths[] = {
    {"shared-group-switch", shared_group_switch, "needs shared processes (issue 4)"},
    {"cross-group-switch", cross_group_switch, "needs shared processes (issue 4)"},
    {"restricted-svc-rt", restricted_svc_round_trip, "needs restricted mode (issue 4)"},
    {"restricted-fault-rt", restricted_fault_round_trip, "needs restricted mode (issue 4)"},
    {"restricted-kick-latency", restricted_kick_latency, "needs restricted mode and thread placement"},
    {"create-shared-teardown", create_shared_teardown, "needs shared processes (issue 4)"},
    {"shared-map-unmap", shared_window_map_unmap, "needs shared processes and thread placement"},
};

int main(void) {
  bench_header("bench-shared");
  for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
    if (!paths[i].measure()) bench_todo(paths[i].path, paths[i].why);
  return 0;
}
