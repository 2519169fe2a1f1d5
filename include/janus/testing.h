// What the kernel offers its own tests and nothing else (tests/kernel, tests/host,
// tests/fuzz): no kernel code calls these. The kernel files that define them include
// this header, so their definitions stay checked against it.
#ifndef JANUS_TESTING_H_
#define JANUS_TESTING_H_

#include <stdint.h>
#include <zircon/types.h>

struct handle_table;
struct kobject;
struct thread;

// Range batches since boot that took the whole-ASID (or whole-TLB) path instead of
// per-page TLBIs (counted even when the space never ran and nothing was cached).
uint64_t arch_aspace_batched_flushes(void);
// The conversion arch_monotonic_ns applies to a counter value.
zx_time_t arch_counter_to_ns(uint64_t count);
// Live handles in ht.
uint32_t handle_table_count(struct handle_table *ht);
// obj's signals now.
zx_signals_t object_signals(struct kobject *obj);
// Waits until t (a kernel thread) is dead, then frees it.
void thread_join(struct thread *t);
#ifdef JANUS_HOST
// Forgets every arena, so each host test starts from an empty page allocator.
void pmm_reset_for_test(void);
#endif

#endif  // JANUS_TESTING_H_
