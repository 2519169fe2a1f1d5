// Reaching another address space's memory from the kernel (zx_process_read_memory /
// zx_process_write_memory): walk its tables, copy through the physmap.
#ifndef ARCH_ASPACE_ACCESS_H_
#define ARCH_ASPACE_ACCESS_H_

#include <arch/aspace.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Copies len bytes between buf and as's user range at va (write: buf -> as; writes
// ignore the page's protection, as a debugger's do, and keep the instruction cache
// coherent). Stops at the first page that is not mapped (or outside the user range);
// returns the bytes copied. The caller keeps as's tables and pages alive meanwhile.
size_t arch_aspace_copy(const struct arch_aspace *as, uintptr_t va, void *buf, size_t len,
                        bool write);

// Makes instructions written at kernel address kva (the physmap) visible to
// instruction fetch on every CPU: clean to the point of unification, invalidate the
// instruction caches.
void arch_sync_icache(uintptr_t kva, size_t len);

#endif  // ARCH_ASPACE_ACCESS_H_
