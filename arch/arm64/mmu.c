// Kernel address-space management after boot: the rest of the physmap, heap pages,
// and retiring the boot identity map.
#include <arch/memory_map.h>
#include <arch/pt.h>
#include <arch/sysreg.h>
#include <janus/arch.h>
#include <janus/panic.h>
#include <janus/physmap.h>
#include <janus/spinlock.h>
#include <string.h>

#include <janus/pmm.h>

uint64_t boot_alloc_table_late(void);
static spinlock_t kernel_pt_lock = SPINLOCK_INIT;

// Boot pool first (usable before the page allocator exists), then the allocator.
static uint64_t kernel_table_pages;  // kernel tables taken from the page allocator

uint64_t arch_kernel_table_pages(void) { return kernel_table_pages; }

static uint64_t kernel_alloc_table(void) {
  uint64_t pa = boot_alloc_table_late();
  if (pa != PT_NO_TABLE) return pa;
  paddr_t page;
  if (pmm_alloc(0, &page) != ZX_OK) return PT_NO_TABLE;
  kernel_table_pages++;  // under kernel_pt_lock
  memset(paddr_to_kva(page), 0, PAGE_SIZE);
  return page;
}

static const struct pt_ops kernel_pt_ops = {
    .access_offset = KERNEL_PHYSMAP_BASE,
    .alloc_table = kernel_alloc_table,
};

static zx_status_t kernel_map(uintptr_t va, paddr_t pa, uint64_t size, uint64_t attrs) {
  extern bool arch_shared_windows_exist;
  irq_state_t state = spin_lock_irqsave(&kernel_pt_lock);
  unsigned l0 = (va >> 39) & (PT_ENTRIES - 1);
  bool had_l0 = kernel_root_table[l0] & PTE_VALID;
  zx_status_t status =
      pt_map(kva_to_paddr(kernel_root_table), va, pa, size, attrs, &kernel_pt_ops);
  // Shared windows copied the kernel's level-0 entries when they were made.
  if (!had_l0 && (kernel_root_table[l0] & PTE_VALID) && arch_shared_windows_exist)
    panic("kernel level-0 entry %u added after shared windows exist", l0);
  spin_unlock_irqrestore(&kernel_pt_lock, state);
  // New entries replace invalid ones: no TLB entry can exist, a barrier suffices.
  dsb(ishst);
  isb();
  return status;
}

zx_status_t arch_physmap_add(paddr_t base, uint64_t size, bool device) {
  if (base + size > KERNEL_PHYSMAP_SIZE) return ZX_ERR_OUT_OF_RANGE;
  return kernel_map(KERNEL_PHYSMAP_BASE + base, base, size,
                    device ? PT_KERNEL_DEVICE : PT_KERNEL_NORMAL);
}

zx_status_t arch_kernel_map_page(uintptr_t va, paddr_t pa) {
  return kernel_map(va, pa, PAGE_SIZE, PT_KERNEL_NORMAL | PTE_PXN);
}

paddr_t arch_kernel_unmap_page(uintptr_t va) {
  irq_state_t state = spin_lock_irqsave(&kernel_pt_lock);
  uint64_t *entry = pt_leaf_entry(kva_to_paddr(kernel_root_table), va, &kernel_pt_ops);
  paddr_t pa = 0;
  if (entry && (*entry & PTE_VALID)) {
    pa = *entry & PTE_ADDR_MASK;
    *entry = 0;
    // Break before the page is reused: every CPU forgets the translation first.
    dsb(ishst);
    __asm__ volatile("tlbi vaae1is, %0" ::"r"((va >> PAGE_SHIFT) & ((1ULL << 44) - 1)) : "memory");
    dsb(ish);
    isb();
  }
  spin_unlock_irqrestore(&kernel_pt_lock, state);
  return pa;
}

void arch_drop_identity_map(void) {
  write_sysreg(ttbr0_el1, kva_to_paddr(empty_root_table));
  isb();
  __asm__ volatile("tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}
