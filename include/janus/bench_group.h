// Bench groups: the bench kernel (core/boot/bench_group.c) starts several copies of one
// bootfs program together. Shared by the kernel and the benchmark programs
// (user/bench/).
//
// Member i of a group of n is named "<program> <i>/<n>"; all members are in one fresh
// job, run on the CPU the kernel started them from, and map one shared VMO read/write at
// BENCH_GROUP_ADDR, which starts with struct bench_group; the program's own shared
// state starts at BENCH_GROUP_DATA.
#ifndef JANUS_BENCH_GROUP_H_
#define JANUS_BENCH_GROUP_H_

#include <stdint.h>
#include <zircon/types.h>

#define BENCH_GROUP_ADDR 0x40000000UL  // inside every root VMAR, below the stack
#define BENCH_GROUP_SIZE (16UL << 20)  // pages are committed as they are touched
#define BENCH_GROUP_MAX 65536u         // members
#define BENCH_GROUP_MAGIC 0x4a4e4247u  // "JNBG"

struct bench_group {
  uint32_t magic;
  uint32_t count;                      // members
  zx_handle_t channel[2];              // members 0 and 1: the two ends of one channel
  zx_handle_t event[BENCH_GROUP_MAX];  // member i's handle to the group's one event
};

#define BENCH_GROUP_DATA (BENCH_GROUP_ADDR + 0x41000UL)  // after the header's pages
_Static_assert(sizeof(struct bench_group) <= BENCH_GROUP_DATA - BENCH_GROUP_ADDR, "header too big");

#endif  // JANUS_BENCH_GROUP_H_
