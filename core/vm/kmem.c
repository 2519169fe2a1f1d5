// Kernel memory accounting (core/vm/kmem.h).
#include "core/vm/kmem.h"

#include <janus/arch.h>
#include <janus/heap.h>
#include <janus/object.h>
#include <janus/pmm.h>
#include <janus/thread.h>

#include "core/object/handle_table.h"
#include "core/vm/slab.h"
#include "core/vm/vmo.h"

uint64_t kmem_unused_pages(void) {
  return pmm_free_pages() + heap_mapped_pages() + arch_kernel_table_pages() + slab_empty_pages();
}

void kmem_stats(janus_info_kmem_stats_t *out) {
  *out = (janus_info_kmem_stats_t){
      .total_bytes = pmm_total_pages() * PAGE_SIZE,
      .free_bytes = pmm_free_pages() * PAGE_SIZE,
      .heap_bytes = heap_mapped_pages() * PAGE_SIZE,
      .slab_bytes = slab_pages() * PAGE_SIZE,
      .free_slab_bytes = slab_empty_pages() * PAGE_SIZE,
      .mmu_overhead_bytes = arch_kernel_table_pages() * PAGE_SIZE,
      .live_objects = kobject_live_count(),
      .asids_in_use = arch_asids_in_use(),
      .kstack_bytes = thread_kstack_pages() * PAGE_SIZE,
      .user_table_bytes = arch_user_table_pages() * PAGE_SIZE,
      .handle_bytes = handle_chunk_pages() * PAGE_SIZE,
      .vmo_bytes = vmo_committed_pages() * PAGE_SIZE,
  };
}
