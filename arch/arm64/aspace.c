// User address spaces: TTBR0 tables of 4 KiB pages tagged with an ASID.
// ASIDs come from a bitmap sized to the CPU's ASID width; an ASID is invalidated
// on every CPU before it is reused. (The ASID core issue replaces this allocator.)
#include <arch/aspace.h>
#include <arch/memory_map.h>
#include <arch/pt.h>
#include <arch/sysreg.h>
#include <janus/arch.h>
#include <janus/spinlock.h>
#include <string.h>

#include "core/pmm.h"

#define MAX_ASIDS 65536

static uint64_t asid_bitmap[MAX_ASIDS / 64];
static unsigned asid_count;  // usable ASIDs: 2^ASIDBits
static spinlock_t asid_lock = SPINLOCK_INIT;

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

void arch_aspace_init_allocator(void) {
  unsigned bits = ((read_sysreg(id_aa64mmfr0_el1) >> MMFR0_ASIDBITS_SHIFT) & 0xf) ==
                          MMFR0_ASIDBITS_16 ? 16 : 8;
  asid_count = 1u << bits;
  asid_bitmap[0] |= 1;  // ASID 0: kernel threads and the empty TTBR0
}

static zx_status_t asid_alloc(uint16_t *out) {
  irq_state_t state = spin_lock_irqsave(&asid_lock);
  zx_status_t status = ZX_ERR_NO_MEMORY;
  for (unsigned word = 0; word < asid_count / 64; word++) {
    if (asid_bitmap[word] == ~0ULL) continue;
    unsigned bit = (unsigned)__builtin_ctzll(~asid_bitmap[word]);
    asid_bitmap[word] |= 1ULL << bit;
    *out = (uint16_t)(word * 64 + bit);
    status = ZX_OK;
    break;
  }
  spin_unlock_irqrestore(&asid_lock, state);
  return status;
}

unsigned arch_asids_in_use(void) {
  unsigned n = 0;
  irq_state_t state = spin_lock_irqsave(&asid_lock);
  for (unsigned word = 0; word < MAX_ASIDS / 64; word++)
    for (uint64_t bits = asid_bitmap[word]; bits; bits &= bits - 1) n++;  // no SIMD popcount
  spin_unlock_irqrestore(&asid_lock, state);
  return n;
}

static void asid_free(uint16_t asid) {
  // No CPU may keep translations of the old owner when the ASID is handed out again.
  __asm__ volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb" ::"r"((uint64_t)asid << 48)
                   : "memory");
  irq_state_t state = spin_lock_irqsave(&asid_lock);
  asid_bitmap[asid / 64] &= ~(1ULL << (asid % 64));
  spin_unlock_irqrestore(&asid_lock, state);
}

zx_status_t arch_aspace_init(struct arch_aspace *as) {
  uint64_t root = alloc_table();
  if (root == PT_NO_TABLE) return ZX_ERR_NO_MEMORY;
  zx_status_t status = asid_alloc(&as->asid);
  if (status != ZX_OK) {
    pmm_free(root, 0);
    return status;
  }
  as->root_pa = root;
  return ZX_OK;
}

static void free_leaf(uint64_t entry) {
  if (entry & PTE_SW_OWNED) pmm_free(entry & PTE_ADDR_MASK, 0);
}

static void free_table(uint64_t pa) { pmm_free(pa, 0); }

void arch_aspace_destroy(struct arch_aspace *as) {
  asid_free(as->asid);  // first: no CPU may walk the tables we free next
  pt_free_all(as->root_pa, &user_pt_ops, free_leaf, free_table);
  as->root_pa = 0;
}

static uint64_t user_attrs(unsigned perms, bool owned) {
  uint64_t attrs = PT_USER_BASE | (owned ? PTE_SW_OWNED : 0);
  if (!(perms & ARCH_MMU_WRITE)) attrs |= PTE_RDONLY;
  if (!(perms & ARCH_MMU_EXECUTE)) attrs |= PTE_UXN;
  return attrs;
}

static void invalidate_page(const struct arch_aspace *as, uintptr_t va) {
  uint64_t arg = (uint64_t)as->asid << 48 | ((va >> PAGE_SHIFT) & ((1ULL << 44) - 1));
  __asm__ volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish\n isb" ::"r"(arg) : "memory");
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
static const struct arch_aspace *active_aspace[MAX_CPUS];

void arch_aspace_activate(const struct arch_aspace *as) {
  extern uint64_t empty_root_table[];
  const struct arch_aspace **active = &active_aspace[arch_cpu_index()];
  if (*active == as) return;
  *active = as;
  uint64_t ttbr0 = as ? (as->root_pa | (uint64_t)as->asid << 48) : kva_to_paddr(empty_root_table);
  write_sysreg(ttbr0_el1, ttbr0);
  isb();
}
