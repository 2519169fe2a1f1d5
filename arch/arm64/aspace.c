// User address spaces: TTBR0 tables of 4 KiB pages tagged with an ASID. The ASID
// policy is portable (core/asid.c, docs/asid.md); this file owns the registers and
// the TLB instructions. With KCONFIG_ASID_OFF every address space uses ASID 0 and a
// switch flushes the local TLB: the baseline that shows what ASIDs buy.
#include <arch/aspace.h>
#include <arch/memory_map.h>
#include <arch/pt.h>
#include <arch/sysreg.h>
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/panic.h>
#include <string.h>

#include "core/pmm.h"

#ifndef KCONFIG_ASID_BITS
#define KCONFIG_ASID_BITS 0  // 0: as many as the CPU has
#endif
#ifndef KCONFIG_ASID_OFF
#define KCONFIG_ASID_OFF 0
#endif

static uint64_t alloc_table(void) {
  paddr_t page;
  if (pmm_alloc(0, &page) != ZX_OK) return PT_NO_TABLE;
  memset(paddr_to_kva(page), 0, PAGE_SIZE);
  return page;
}

static const struct pt_ops user_pt_ops = {
    .access_offset = KERNEL_PHYSMAP_BASE,
    .alloc_table = alloc_table,
};

void asid_arch_flush_local_tlb(void) {
  __asm__ volatile("dsb nshst\n tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}

void arch_aspace_init_allocator(void) {
  unsigned hw_bits = ((read_sysreg(id_aa64mmfr0_el1) >> MMFR0_ASIDBITS_SHIFT) & 0xf) ==
                             MMFR0_ASIDBITS_16 ? 16 : 8;
  unsigned bits = KCONFIG_ASID_BITS && KCONFIG_ASID_BITS < hw_bits ? KCONFIG_ASID_BITS : hw_bits;
  if (asid_init(bits, cpu_count) != ZX_OK) panic("cannot use %u-bit ASIDs on %u CPUs", bits, cpu_count);
}

unsigned arch_asids_in_use(void) { return asid_live(); }

zx_status_t arch_aspace_init(struct arch_aspace *as) {
  uint64_t root = alloc_table();
  if (root == PT_NO_TABLE) return ZX_ERR_NO_MEMORY;
  as->root_pa = root;
  as->asid = (struct asid_state)ASID_STATE_INIT;  // an ASID comes with the first switch
  return ZX_OK;
}

static void free_leaf(uint64_t entry) {
  if (entry & PTE_SW_OWNED) pmm_free(entry & PTE_ADDR_MASK, 0);
}

static void free_table(uint64_t pa) { pmm_free(pa, 0); }

// The caller guarantees no CPU has as in TTBR0 any more (every thread of the process
// left it). The ASID needs no invalidation: it is not reused before a rollover, which
// flushes every CPU's TLB first.
void arch_aspace_destroy(struct arch_aspace *as) {
  asid_release(&as->asid);
  pt_free_all(as->root_pa, &user_pt_ops, free_leaf, free_table);
  as->root_pa = 0;
}

static uint64_t user_attrs(unsigned perms, bool owned) {
  uint64_t attrs = PT_USER_BASE | (owned ? PTE_SW_OWNED : 0);
  if (!(perms & ARCH_MMU_WRITE)) attrs |= PTE_RDONLY;
  if (!(perms & ARCH_MMU_EXECUTE)) attrs |= PTE_UXN;
  return attrs;
}

// On every CPU. An address space that never had an ASID can have no TLB entries.
static void invalidate_page(const struct arch_aspace *as, uintptr_t va) {
  uint64_t page = (va >> PAGE_SHIFT) & ((1ULL << 44) - 1);
  uint16_t asid;
  if (KCONFIG_ASID_OFF) {
    __asm__ volatile("dsb ishst\n tlbi vaae1is, %0\n dsb ish\n isb" ::"r"(page) : "memory");
  } else if (asid_for_invalidate(&as->asid, &asid)) {
    uint64_t arg = (uint64_t)asid << 48 | page;
    __asm__ volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish\n isb" ::"r"(arg) : "memory");
  }
}

zx_status_t arch_aspace_map(struct arch_aspace *as, uintptr_t va, paddr_t pa, unsigned perms,
                            bool owned) {
  if (va < USER_ASPACE_BASE || va >= USER_ASPACE_END || va & (PAGE_SIZE - 1))
    return ZX_ERR_INVALID_ARGS;
  uint64_t *pte = pt_leaf_entry(as->root_pa, va, &user_pt_ops);
  if (pte && *pte & PTE_VALID) return ZX_ERR_ALREADY_EXISTS;
  zx_status_t status = pt_map(as->root_pa, va, pa, PAGE_SIZE, user_attrs(perms, owned), &user_pt_ops);
  dsb(ishst);  // the walker must see the new entry; nothing was cached for it
  return status;
}

zx_status_t arch_aspace_unmap(struct arch_aspace *as, uintptr_t va) {
  uint64_t *pte = pt_leaf_entry(as->root_pa, va, &user_pt_ops);
  if (!pte || !(*pte & PTE_VALID)) return ZX_ERR_NOT_FOUND;
  uint64_t entry = *pte;
  *pte = 0;
  invalidate_page(as, va);
  free_leaf(entry);
  return ZX_OK;
}

// What each CPU's TTBR0 holds now, so a switch between threads of one process
// writes nothing.
static struct arch_aspace *active_aspace[MAX_CPUS];

void arch_aspace_activate(struct arch_aspace *as) {
  extern uint64_t empty_root_table[];
  struct arch_aspace **active = &active_aspace[arch_cpu_index()];
  if (*active == as) return;
  *active = as;
  if (!as) {
    write_sysreg(ttbr0_el1, kva_to_paddr(empty_root_table));  // ASID 0: nothing to find
  } else if (KCONFIG_ASID_OFF) {
    write_sysreg(ttbr0_el1, as->root_pa);
    asid_arch_flush_local_tlb();  // ASID 0 is shared: the last space's entries must go
  } else {
    // Only the context switch gets here, interrupts masked, so the CPU cannot change.
    uint16_t asid = asid_switch(&as->asid, arch_cpu_index());
    write_sysreg(ttbr0_el1, as->root_pa | (uint64_t)asid << 48);
  }
  isb();
}

void asid_invariant_failed(const char *what, uint64_t asid) {
  panic("ASID invariant: %s (ASID %lu)", what, (unsigned long)asid);
}
