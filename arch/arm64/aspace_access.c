// Copies to and from another address space through its page tables and the physmap.
#include <janus/arch.h>
#include <arch/memory_map.h>
#include <arch/pt.h>
#include <janus/arch.h>
#include <janus/physmap.h>
#include <string.h>

#define CACHE_LINE_MIN 64  // smallest line any ARMv8 core has; CTR_EL0 could tell exactly

static const struct pt_ops walk_ops = {.access_offset = KERNEL_PHYSMAP_BASE};

// New instructions written through the physmap: clean them to the point of
// unification, then drop every stale instruction-cache line.
void arch_clean_dcache_pou(uintptr_t kva, size_t len) {
  uintptr_t end = kva + len;
  for (uintptr_t line = kva & ~(uintptr_t)(CACHE_LINE_MIN - 1); line < end; line += CACHE_LINE_MIN)
    __asm__ volatile("dc cvau, %0" ::"r"(line) : "memory");
}

void arch_invalidate_icache(void) {
  __asm__ volatile("dsb ish\n ic ialluis\n dsb ish\n isb" ::: "memory");
}

void arch_sync_icache(uintptr_t kva, size_t len) {
  arch_clean_dcache_pou(kva, len);
  arch_invalidate_icache();
}

size_t arch_aspace_copy(const struct arch_aspace *as, uintptr_t va, void *buf, size_t len,
                        bool write) {
  size_t done = 0;
  if (!as->root_pa) return 0;
  while (done < len) {
    uintptr_t addr = va + done;
    bool in_range = as->shared_window ? addr >= SHARED_WINDOW_BASE && addr < SHARED_WINDOW_END
                                      : addr >= USER_ASPACE_BASE && addr < USER_ASPACE_END;
    if (addr < va || !in_range) break;
    uint64_t *pte = pt_leaf_entry(as->root_pa, addr, &walk_ops);
    uint64_t entry = pte ? __atomic_load_n(pte, __ATOMIC_RELAXED) : 0;
    if (!(entry & PTE_VALID)) break;
    size_t offset = addr & (PAGE_SIZE - 1);
    size_t n = PAGE_SIZE - offset < len - done ? PAGE_SIZE - offset : len - done;
    char *kva = (char *)paddr_to_kva((entry & PTE_ADDR_MASK) + offset);
    if (write) {
      memcpy(kva, (const char *)buf + done, n);
      if (!(entry & PTE_UXN)) arch_sync_icache((uintptr_t)kva, n);
    } else {
      memcpy((char *)buf + done, kva, n);
    }
    done += n;
  }
  return done;
}

void arch_cache_op(uintptr_t kva, size_t len, unsigned op) {
  if (op == ARCH_CACHE_SYNC) {
    arch_sync_icache(kva, len);
    return;
  }
  uintptr_t end = kva + len;
  for (uintptr_t line = kva & ~(uintptr_t)(CACHE_LINE_MIN - 1); line < end; line += CACHE_LINE_MIN) {
    if (op == ARCH_CACHE_CLEAN) __asm__ volatile("dc cvac, %0" ::"r"(line) : "memory");
    else __asm__ volatile("dc civac, %0" ::"r"(line) : "memory");
  }
  __asm__ volatile("dsb sy" ::: "memory");
}
