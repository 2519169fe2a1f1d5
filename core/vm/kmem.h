// The kernel's memory at a glance: the one place that adds up the page allocator, the
// heap, the slab caches and the kernel's page tables.
#ifndef CORE_VM_KMEM_H_
#define CORE_VM_KMEM_H_

#include <stdint.h>
#include <zircon/syscalls/janus.h>

// Pages that nothing alive holds: free in the page allocator, plus those that only
// grow or are kept as slack (heap pages, kernel page tables, one empty slab per
// cache). What a leak check compares before and after a workload.
uint64_t kmem_unused_pages(void);

// JANUS_INFO_KMEM_STATS's record.
void kmem_stats(janus_info_kmem_stats_t *out);

#endif  // CORE_VM_KMEM_H_
