// A randomized comparison of the VMAR range allocator (core/vm/vm_range.c) against a
// page bitmap: inserts (valid and not), removes, find_free (compact and random),
// find and first_overlap, checking the sorted list after every step. Shared by the
// host test (seeded xorshift) and the fuzzer (tests/fuzz/fuzz_vm_range.c: the input
// bytes are the randomness).
#ifndef TESTS_HOST_VM_RANGE_MODEL_H_
#define TESTS_HOST_VM_RANGE_MODEL_H_

#include <stddef.h>
#include <stdint.h>

// Runs steps operations, each drawing its choices from next(ctx). Returns the first
// step where the allocator and the model disagree (why says how), or -1.
int vm_range_model_run(uint64_t (*next)(void *ctx), void *ctx, int steps, char *why,
                       size_t why_len);

#endif  // TESTS_HOST_VM_RANGE_MODEL_H_
