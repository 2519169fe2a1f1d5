// Being a member of a bench group (include/janus/bench_group.h).
#ifndef USER_BENCH_LIB_GROUP_H_
#define USER_BENCH_LIB_GROUP_H_

#include <janus/bench_group.h>
#include <stdbool.h>

// From this process's name "<program> <index>/<count>"; false when it runs alone.
bool bench_group_join(unsigned *index, unsigned *count);
// The group's shared header, and its data area (zeroed when the group starts).
static inline struct bench_group *bench_group(void) { return (struct bench_group *)BENCH_GROUP_ADDR; }
static inline void *bench_group_data(void) { return (void *)BENCH_GROUP_DATA; }

#endif  // USER_BENCH_LIB_GROUP_H_
