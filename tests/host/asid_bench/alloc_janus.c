// Janus's allocator (lib/asid.c, compiled unchanged) behind the benchmark interface.
#include <stdlib.h>

#include "bench.h"

static unsigned ncpus;

// Janus hands out the lower half of its width (the upper half is restricted mode's
// pairs): one bit more gives it the 2^bits numbers the other allocators have, but for
// 16 bits, where it has half as many.
static zx_status_t janus_init(unsigned bits, unsigned cpus) {
  ncpus = cpus;
  return asid_init(bits < ASID_MAX_BITS ? bits + 1 : bits, cpus);
}

// No ASID until the first switch.
static zx_status_t janus_create(struct space *s) {
  s->janus.asid_gen = 0;
  return ZX_OK;
}

static uint16_t janus_switch(struct space *s, unsigned cpu) { return asid_switch(&s->janus, cpu); }

static void janus_destroy(struct space *s) { asid_release(&s->janus); }

static uint64_t janus_rollovers(void) {
  uint64_t n = 0;
  for (unsigned c = 0; c < ncpus; c++) n += asid_counters(c).rollovers;
  return n;
}

// The arch hooks lib/asid.c calls.
void asid_arch_flush_local_tlb(void) { bench_tlb_op(0); }
void asid_invariant_failed(const char *what, uint64_t asid) {
  (void)what, (void)asid;
  abort();  // built without ASID_DEBUG_CHECKS, as the kernel's non-test images are
}

const struct bench_alloc bench_janus = {"janus", janus_init, janus_create, janus_switch,
                                        janus_destroy, janus_rollovers};
