// An allocator that does nothing: the benchmark subtracts its count from the others'
// so that the tables show the allocators' own instructions, not the harness's call.
#include "bench.h"

static zx_status_t null_init(unsigned bits, unsigned cpus) {
  (void)bits, (void)cpus;
  return ZX_OK;
}
static zx_status_t null_create(struct space *s) {
  (void)s;
  return ZX_OK;
}
static uint16_t null_switch(struct space *s, unsigned cpu) {
  (void)s, (void)cpu;
  return 0;
}
static void null_destroy(struct space *s) { (void)s; }
static uint64_t null_rollovers(void) { return 0; }

const struct bench_alloc bench_null = {"null", null_init, null_create, null_switch,
                                       null_destroy, null_rollovers};
