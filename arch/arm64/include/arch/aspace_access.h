// Reaching another address space's memory from the kernel (zx_process_read_memory):
// walk its tables, copy through the physmap.
#ifndef ARCH_ASPACE_ACCESS_H_
#define ARCH_ASPACE_ACCESS_H_

#include <arch/aspace.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Copies len bytes of as's user range at va into buf. Stops at the first page that is
// not mapped (or outside the user range); returns the bytes copied. The caller keeps
// as's tables and pages alive meanwhile. (There is no write: a debugger's writes go
// through the VMOs, core/vm/vmar.h vm_debug_write, which checks what may change.)
size_t arch_aspace_read(const struct arch_aspace *as, uintptr_t va, void *buf, size_t len);

// Makes instructions written at kernel address kva (the physmap) visible to
// instruction fetch on every CPU: clean to the point of unification, invalidate the
// instruction caches.
void arch_sync_icache(uintptr_t kva, size_t len);

#endif  // ARCH_ASPACE_ACCESS_H_
