// The heap window: newlib's malloc grows it (through _sbrk in core/kernel/libc_glue.c) with
// fresh pages mapped into a dedicated range of the kernel half, so the heap grows
// without needing physically contiguous memory, and shrinks when malloc trims its top
// (more than M_TRIM_THRESHOLD, 128 KiB, free there): the pages go back to the page
// allocator. Kernel objects live in slab caches (core/vm/slab.c), so the heap holds
// only buffers of varying size.
#include <janus/physmap.h>
#include <janus/arch.h>
#include <janus/heap.h>
#include <janus/panic.h>
#include <janus/spinlock.h>
#include <janus/pmm.h>
#include <stdint.h>

static uintptr_t heap_break = KERNEL_HEAP_BASE;   // end of what malloc was given
static uintptr_t heap_mapped = KERNEL_HEAP_BASE;  // end of what is mapped
static spinlock_t heap_lock = SPINLOCK_INIT;

size_t heap_mapped_pages(void) { return (heap_mapped - KERNEL_HEAP_BASE) / PAGE_SIZE; }

// The heap window's first page is mapped at boot and never trimmed, so the kernel's
// level-0 entry for the window exists before any shared window copies the kernel's
// entries (arch/arm64/mmu.c panics on one added later).
void heap_init(void) {
  if (heap_extend(PAGE_SIZE) == (void *)-1 || heap_extend(-PAGE_SIZE) == (void *)-1)
    panic("no memory for the kernel heap");
}

void *heap_extend(ptrdiff_t increment) {
  irq_state_t state = spin_lock_irqsave(&heap_lock);
  uintptr_t old = heap_break;
  uintptr_t new_break = old + (uintptr_t)increment;
  void *result = (void *)-1;
  if (increment < 0) {
    // malloc trims its top: unmap the whole pages above the new break, free them.
    if ((uintptr_t)-increment > old - KERNEL_HEAP_BASE) goto out;
    heap_break = new_break;
    uintptr_t keep = (new_break + PAGE_SIZE - 1) & ~(uintptr_t)(PAGE_SIZE - 1);
    if (keep < KERNEL_HEAP_BASE + PAGE_SIZE) keep = KERNEL_HEAP_BASE + PAGE_SIZE;  // heap_init's
    while (heap_mapped > keep) {
      heap_mapped -= PAGE_SIZE;
      paddr_t pa = arch_kernel_unmap_page(heap_mapped);
      if (pa) pmm_free(pa, 0);
    }
    result = (void *)old;
    goto out;
  }
  if (new_break > KERNEL_HEAP_BASE + KERNEL_HEAP_SIZE) goto out;
  while (heap_mapped < new_break) {
    paddr_t pa;
    if (pmm_alloc(0, &pa) != ZX_OK) goto out;
    if (arch_kernel_map_page(heap_mapped, pa) != ZX_OK) {
      pmm_free(pa, 0);
      goto out;
    }
    heap_mapped += PAGE_SIZE;
  }
  heap_break = new_break;
  result = (void *)old;
out:
  spin_unlock_irqrestore(&heap_lock, state);
  return result;
}
