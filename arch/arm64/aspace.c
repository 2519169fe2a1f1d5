// User address spaces: TTBR0 tables of 4 KiB pages tagged with an ASID. The ASID
// policy is portable (lib/asid.c, docs/asid.md); this file owns the registers and
// the TLB instructions. With KCONFIG_ASID_OFF every address space uses ASID 0 and a
// switch flushes the local TLB: the baseline that shows what ASIDs buy.
#include <arch/aspace.h>
#include <janus/testing.h>
#include <arch/memory_map.h>
#include <arch/pt.h>
#include <arch/sysreg.h>
#include <janus/physmap.h>
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/panic.h>
#include <string.h>

#include <janus/pmm.h>

#ifndef KCONFIG_ASID_BITS
#define KCONFIG_ASID_BITS 0  // 0: as many as the CPU has
#endif
#ifndef KCONFIG_ASID_OFF
#define KCONFIG_ASID_OFF 0
#endif

static uint64_t user_table_pages;  // atomic: kernel memory statistics

uint64_t arch_user_table_pages(void) { return __atomic_load_n(&user_table_pages, __ATOMIC_RELAXED); }

static uint64_t alloc_table(void) {
  paddr_t page;
  if (pmm_alloc(0, &page) != ZX_OK) return PT_NO_TABLE;
  arch_zero_page(paddr_to_kva(page));
  __atomic_fetch_add(&user_table_pages, 1, __ATOMIC_RELAXED);
  return page;
}

// The tables made below the root, listed in the space (ctx) while they fit.
static void list_table(void *ctx, uint64_t pa) {
  struct arch_aspace *as = ctx;
  if (as->ntables < ASPACE_TABLES) as->tables[as->ntables] = pa;
  if (as->ntables <= ASPACE_TABLES) as->ntables++;
}

static const struct pt_ops user_pt_ops = {
    .access_offset = KERNEL_PHYSMAP_BASE,
    .alloc_table = alloc_table,
    .table_added = list_table,
};
// A TTBR0 space's level-0 table holds USER_ROOT_ENTRIES entries (arch/memory_map.h).
static const struct pt_ops ttbr0_pt_ops = {
    .access_offset = KERNEL_PHYSMAP_BASE,
    .alloc_table = alloc_table,
    .root_entries = USER_ROOT_ENTRIES,
    .table_added = list_table,
};
_Static_assert(USER_ROOT_ENTRIES * sizeof(uint64_t) <= PMM_SMALL_TABLE_BYTES, "a small table");

void asid_arch_flush_local_tlb(void) {
  __asm__ volatile("dsb nshst\n tlbi vmalle1\n dsb nsh\n isb" ::: "memory");
}

static uint64_t kernel_root_pa(void);
static void cpu_mmu_init(void);
static uint64_t mmu_kernel_root_pa;  // kernel_root_pa(), read on every switch (set at boot)

void arch_aspace_init_allocator(void) {
  unsigned hw_bits = ((read_sysreg(id_aa64mmfr0_el1) >> MMFR0_ASIDBITS_SHIFT) & 0xf) ==
                             MMFR0_ASIDBITS_16 ? 16 : 8;
  unsigned bits = KCONFIG_ASID_BITS && KCONFIG_ASID_BITS < hw_bits ? KCONFIG_ASID_BITS : hw_bits;
  if (asid_init(bits, cpu_count) != ZX_OK) panic("cannot use %u-bit ASIDs on %u CPUs", bits, cpu_count);
  mmu_kernel_root_pa = kernel_root_pa();
  cpu_mmu_init();
}

unsigned arch_asids_in_use(void) { return asid_live(); }

static uint64_t kernel_root_pa(void) { return kva_to_paddr(kernel_root_table); }

zx_status_t arch_aspace_init(struct arch_aspace *as) {
  uint64_t *root = pmm_small_table_alloc();
  if (!root) return ZX_ERR_NO_MEMORY;
  *as = (struct arch_aspace){
      .root_pa = kva_to_paddr(root),
      .normal_ttbr1_pa = kernel_root_pa(),
      .asid = ASID_STATE_INIT,  // an ASID comes with the first switch
  };
  return ZX_OK;
}

// Level-0 entries of the kernel half that exist when the first window is made; the
// kernel must not add another later (windows copy them once). Checked by mmu.c.
bool arch_shared_windows_exist;

zx_status_t arch_shared_window_init(struct arch_aspace *as) {
  uint64_t root = alloc_table();
  if (root == PT_NO_TABLE) return ZX_ERR_NO_MEMORY;
  uint64_t *table = paddr_to_kva(root);
  // The kernel half points at the kernel's own tables: kernel mappings exist once.
  for (unsigned i = SHARED_WINDOW_ROOT_ENTRIES; i < PT_ENTRIES; i++) table[i] = kernel_root_table[i];
  __atomic_store_n(&arch_shared_windows_exist, true, __ATOMIC_RELAXED);
  *as = (struct arch_aspace){.root_pa = root, .shared_window = true};
  return ZX_OK;
}

void arch_aspace_use_shared_window(struct arch_aspace *as, const struct arch_aspace *window) {
  as->normal_ttbr1_pa = window->root_pa;
}

static void free_leaf(uint64_t entry) {
  if (entry & PTE_SW_OWNED) pmm_free(entry & PTE_ADDR_MASK, 0);
}

// Every table is a page but a TTBR0 root, a small table that never starts a page.
static void free_table(uint64_t pa) {
  if (pa & (PAGE_SIZE - 1)) {
    pmm_small_table_free(paddr_to_kva(pa));
    return;
  }
  __atomic_fetch_sub(&user_table_pages, 1, __ATOMIC_RELAXED);
  pmm_free(pa, 0);
}

// The caller guarantees no CPU has as in TTBR0 (or, for a window, in TTBR1) any
// more. The ASIDs need no invalidation: they are not reused before a rollover, which
// flushes every CPU's TLB first; a window's entries are tagged with its members'.
void arch_aspace_destroy(struct arch_aspace *as) {
  if (as->shared_window) {
    uint64_t *table = paddr_to_kva(as->root_pa);
    for (unsigned i = SHARED_WINDOW_ROOT_ENTRIES; i < PT_ENTRIES; i++) table[i] = 0;  // not ours
  } else {
    asid_release(&as->asid);  // and with it its pair
  }
  if (!as->shared_window && !as->owned_leaves && as->ntables <= ASPACE_TABLES) {
    for (unsigned i = 0; i < as->ntables; i++) free_table(as->tables[i]);
    free_table(as->root_pa);
  } else {
    pt_free_all(as->root_pa, as->shared_window ? &user_pt_ops : &ttbr0_pt_ops,
                as->owned_leaves ? free_leaf : NULL, free_table);
  }
  as->root_pa = 0;
}

static uint64_t user_attrs(unsigned perms, bool owned) {
  uint64_t attrs = PT_USER_BASE | (owned ? PTE_SW_OWNED : 0);
  if (!(perms & ARCH_MMU_WRITE)) attrs |= PTE_RDONLY;
  if (!(perms & ARCH_MMU_EXECUTE)) attrs |= PTE_UXN;
  return attrs;
}

// Whether as's TTBR0 may ever carry the pair of its ASID: only a member of a shared
// group has a restricted mode that differs from its normal one (restricted_entry.S).
static bool uses_pair(const struct arch_aspace *as) {
  return as->normal_ttbr1_pa != mmu_kernel_root_pa;
}

// The TLBI operand(s) naming as's ASID (with arg's other bits), and its pair's if as
// uses it; 0 if as never had an ASID (nothing cached).
static unsigned tlbi_asid_args(const struct arch_aspace *as, uint64_t arg, uint64_t out[2]) {
  uint16_t asid;
  if (!asid_for_invalidate(&as->asid, &asid)) return 0;
  out[0] = arg | (uint64_t)asid << TLBI_ASID_SHIFT;
  out[1] = out[0] | (uint64_t)asid_pair_bit << TLBI_ASID_SHIFT;
  return uses_pair(as) ? 2 : 1;
}

// Issues (does not complete) the invalidation of one page on every CPU. A window's
// entries are tagged with whichever member's ASID walked them, so they go for all
// ASIDs; a private page goes for the owner's ASID and its pair only.
static void tlbi_page(const struct arch_aspace *as, uintptr_t va) {
  uint64_t page = (va >> PAGE_SHIFT) & TLBI_VA_MASK;
  if (KCONFIG_ASID_OFF || as->shared_window) {
    __asm__ volatile("tlbi vaae1is, %0" ::"r"(page) : "memory");
    return;
  }
  uint64_t args[2];
  for (unsigned i = 0, n = tlbi_asid_args(as, page, args); i < n; i++)
    __asm__ volatile("tlbi vae1is, %0" ::"r"(args[i]) : "memory");
}

// Issues the invalidation of everything as may have cached, on every CPU: its ASID and
// the pair; for a window (any member's ASID) or with one shared ASID, the whole TLB.
static void tlbi_space(const struct arch_aspace *as) {
  if (KCONFIG_ASID_OFF || as->shared_window) {
    __asm__ volatile("tlbi vmalle1is" ::: "memory");
    return;
  }
  uint64_t args[2];
  for (unsigned i = 0, n = tlbi_asid_args(as, 0, args); i < n; i++)
    __asm__ volatile("tlbi aside1is, %0" ::"r"(args[i]) : "memory");
}

static void invalidate_page(const struct arch_aspace *as, uintptr_t va) {
  dsb(ishst);
  tlbi_page(as, va);
  __asm__ volatile("dsb ish\n isb" ::: "memory");
  asid_count_broadcast_flush(arch_cpu_index());
}

// The level-3 table covering va (its entry for va: leaf_entry), or NULL when a table
// on the way is missing. A window's addresses index its tables as TTBR0's. Inlined: a
// walk with no calls in it needs no frame.
static inline __attribute__((always_inline)) uint64_t *find_leaf_table(
    const struct arch_aspace *as, uintptr_t va) {
  return pt_leaf_table(as->root_pa, va, false, &user_pt_ops, NULL);
}

// The same walk making the missing tables (listed in as->tables while they fit); NULL
// when one cannot be made. Out of line: only a table's first page gets here.
static __attribute__((noinline)) uint64_t *make_leaf_table(struct arch_aspace *as, uintptr_t va) {
  return pt_leaf_table(as->root_pa, va, true, &user_pt_ops, as);
}

static inline uint64_t *leaf_table(struct arch_aspace *as, uintptr_t va) {
  uint64_t *table = find_leaf_table(as, va);
  return table ? table : make_leaf_table(as, va);
}

static inline uint64_t *leaf_entry(uint64_t *table, uintptr_t va) {
  return &table[pt_index(va, 3)];
}

static bool in_range(const struct arch_aspace *as, uintptr_t va) {
  return as->shared_window ? va >= SHARED_WINDOW_BASE && va < SHARED_WINDOW_END
                           : va >= USER_ASPACE_BASE && va < USER_ASPACE_END;
}

// Why a page the caller calls clean needs nothing (ARCH_MMU_ICACHE_CLEAN): the
// maintenance that made it coherent (DC CVAU of every line to the point of
// unification, then IC IALLUIS, which invalidates all instruction-cache lines of every
// CPU in the Inner Shareable domain, whatever the cache's indexing, so no alias
// survives) left its data at the PoU, where instruction fetches are filled from, and
// no stale line of it (ARM ARM, "Instruction cache maintenance instructions" and the
// PoU). Data that does not change needs nothing more for another mapping of it. The
// caller vouches that no store has reached the page since but those whose writer, by
// the architecture's rules for modifying instructions, does its own maintenance: EL0
// stores through an entry that was already writable (core/vm/vmo.h,
// VMO_PAGE_EXEC_CLEAN; Linux's PG_dcache_clean is the same contract).
static bool needs_icache_sync(unsigned perms) {
  return (perms & (ARCH_MMU_EXECUTE | ARCH_MMU_ICACHE_CLEAN)) == ARCH_MMU_EXECUTE;
}

zx_status_t arch_aspace_map_pages(struct arch_aspace *as, uintptr_t va, const uint64_t *pages,
                                  size_t n) {
  if (!n) return ZX_OK;
  if (!in_range(as, va) || va & (PAGE_SIZE - 1) || !in_range(as, va + (n - 1) * PAGE_SIZE))
    return ZX_ERR_INVALID_ARGS;
  // First the instruction side (as arch_aspace_map: before any entry exists, so that no
  // CPU can fetch through one early): every clean, then one invalidate.
  bool sync = false;
  for (size_t i = 0; i < n; i++) {
    if (!pages[i] || !needs_icache_sync(pages[i] & (PAGE_SIZE - 1))) continue;
    arch_clean_dcache_pou((uintptr_t)paddr_to_kva(pages[i] & ~(uint64_t)(PAGE_SIZE - 1)), PAGE_SIZE);
    sync = true;
  }
  if (sync) arch_invalidate_icache();
  zx_status_t status = ZX_OK;
  uint64_t *table = NULL;  // the level-3 table of the current page, once walked to
  for (size_t i = 0; i < n; i++, va += PAGE_SIZE) {
    unsigned index = pt_index(va, 3);
    if (index == 0) table = NULL;  // the next table's first entry
    if (!pages[i]) continue;
    uint64_t pa = pages[i] & ~(uint64_t)(PAGE_SIZE - 1);
    uint64_t attrs = user_attrs(pages[i] & (PAGE_SIZE - 1), false);
    if (!table && !(table = leaf_table(as, va))) {
      status = ZX_ERR_NO_MEMORY;
      break;
    }
    if (!(table[index] & PTE_VALID))
      __atomic_store_n(&table[index], pa | attrs | PTE_VALID | PTE_PAGE, __ATOMIC_RELAXED);
  }
  dsb(ishst);  // the walker must see the new entries; nothing was cached for them
  return status;
}

zx_status_t arch_aspace_map(struct arch_aspace *as, uintptr_t va, paddr_t pa, unsigned perms,
                            bool owned) {
  if (!in_range(as, va) || va & (PAGE_SIZE - 1)) return ZX_ERR_INVALID_ARGS;
  uint64_t *table = leaf_table(as, va);
  if (!table) return ZX_ERR_NO_MEMORY;
  uint64_t *pte = leaf_entry(table, va);
  if (*pte & PTE_VALID) return ZX_ERR_ALREADY_EXISTS;
  // The page may hold code written through the data side (a VMO write, a loader):
  // the instruction side must see it before EL0 can fetch from it.
  if (needs_icache_sync(perms)) arch_sync_icache((uintptr_t)paddr_to_kva(pa), PAGE_SIZE);
  __atomic_store_n(pte, pa | user_attrs(perms, owned) | PTE_VALID | PTE_PAGE, __ATOMIC_RELAXED);
  if (owned) as->owned_leaves = true;
  dsb(ishst);  // the walker must see the new entry; nothing was cached for it
  return ZX_OK;
}

zx_status_t arch_aspace_map_replace(struct arch_aspace *as, uintptr_t va, paddr_t pa,
                                   unsigned perms) {
  if (!in_range(as, va) || va & (PAGE_SIZE - 1)) return ZX_ERR_INVALID_ARGS;
  uint64_t *table = leaf_table(as, va);
  if (!table) return ZX_ERR_NO_MEMORY;
  uint64_t *pte = leaf_entry(table, va);
  uint64_t attrs = user_attrs(perms, false);
  if (*pte & PTE_VALID) {
    uint64_t entry = *pte;
    if ((entry & PTE_ADDR_MASK) == pa && (entry & (PTE_RDONLY | PTE_UXN)) ==
                                             (attrs & (PTE_RDONLY | PTE_UXN)))
      return ZX_OK;  // another CPU got here first
    // Break before make: no CPU may hold the old and the new translation at once.
    __atomic_store_n(pte, 0, __ATOMIC_RELAXED);
    invalidate_page(as, va);
    free_leaf(entry);
  }
  if (perms & ARCH_MMU_EXECUTE) arch_sync_icache((uintptr_t)paddr_to_kva(pa), PAGE_SIZE);
  __atomic_store_n(pte, pa | attrs | PTE_VALID | PTE_PAGE, __ATOMIC_RELAXED);
  dsb(ishst);
  return ZX_OK;
}

// --- Range operations: many entries, one batch of TLB maintenance ----------------
//
// A batch changes every valid leaf entry in the range, then invalidates once:
// DSB ISHST (the table writes are visible to every walker), the TLBIs, DSB ISH (every
// CPU has dropped the old entries), ISB. Up to TLBI_BATCH_PAGES changed pages go one
// TLBI each (per ASID of the owner: its own and, in a shared group, the pair); a longer
// run with one TLBI ASIDE1IS per ASID of the owner, or, for a window (entries tagged with any member's ASID) and with
// ASID=off (one ASID for all), one TLBI VMALLE1IS.
//
// Why 32: each TLBI ...IS is a broadcast every CPU must act on before the DSB ISH
// completes, and the batch runs under vm_lock with interrupts masked, so per-page
// maintenance costs time linear in the run where nothing else can run on this CPU. A
// whole-ASID flush is one broadcast; what it costs is the owner's refills of entries it
// did not have to lose, bounded by what the TLBs held for it. Past 32 pages (the
// Cortex-A72's L1 data TLB has 32 entries) a run already exceeds the L1, so per-page
// TLBIs mostly chase entries it no longer holds. Linux's arm64 cut-off is 512 pages
// (MAX_TLBI_OPS); Janus stops earlier to keep the interrupts-masked stretch short. Not
// measured: under QEMU a TLBI costs nothing like the hardware's.
#define TLBI_BATCH_PAGES 32
#define OWNED_BATCH 32

struct range_op {
  const struct arch_aspace *as;
  bool unmap;
  uint64_t attrs;                 // protect: PTE_RDONLY and PTE_UXN as the new perms say
  size_t changed;                 // entries changed since the last flush
  size_t total;                   // entries changed by the whole operation
  uintptr_t va[TLBI_BATCH_PAGES];  // their pages, while changed <= TLBI_BATCH_PAGES
  size_t owned;
  paddr_t owned_pa[OWNED_BATCH];  // owned pages taken out: freed once no TLB holds them
};

static uint64_t batched_flushes;

uint64_t arch_aspace_batched_flushes(void) {
  return __atomic_load_n(&batched_flushes, __ATOMIC_RELAXED);
}

static void range_flush(struct range_op *op) {
  if (op->changed) {
    dsb(ishst);
    if (op->changed > TLBI_BATCH_PAGES) {
      tlbi_space(op->as);
      __atomic_add_fetch(&batched_flushes, 1, __ATOMIC_RELAXED);
    } else {
      for (size_t i = 0; i < op->changed; i++) tlbi_page(op->as, op->va[i]);
    }
    __asm__ volatile("dsb ish\n isb" ::: "memory");
    asid_count_broadcast_flush(arch_cpu_index());
  }
  for (size_t i = 0; i < op->owned; i++) pmm_free(op->owned_pa[i], 0);
  op->changed = 0;
  op->owned = 0;
}

// Protect never makes a read-only entry writable: the page may be shared copy-on-write
// (or the zero page), and only the fault handler knows; the first write faults there.
static void range_leaf(struct range_op *op, uint64_t *pte, uintptr_t va) {
  uint64_t entry = *pte;
  uint64_t next =
      op->unmap ? 0 : (entry & ~(uint64_t)PTE_UXN) | (op->attrs & (PTE_RDONLY | PTE_UXN));
  if (next == entry) return;  // nothing a TLB could hold differently
  // Becoming executable: the instruction side must see what was written as data.
  if (!op->unmap && (entry & PTE_UXN) && !(next & PTE_UXN))
    arch_sync_icache((uintptr_t)paddr_to_kva(entry & PTE_ADDR_MASK), PAGE_SIZE);
  __atomic_store_n(pte, next, __ATOMIC_RELAXED);  // one single-copy-atomic write for walkers
  if (op->changed < TLBI_BATCH_PAGES) op->va[op->changed] = va;
  op->changed++;
  op->total++;
  if (op->unmap && (entry & PTE_SW_OWNED)) {
    op->owned_pa[op->owned++] = entry & PTE_ADDR_MASK;
    if (op->owned == OWNED_BATCH) range_flush(op);  // rare (owned pages are the ELF's)
  }
}

// Out of line, so that the walk's own loop keeps its registers for the valid entries.
static __attribute__((noinline)) unsigned skip_empty(const uint64_t *table, unsigned i,
                                                     unsigned last) {
  return pt_next_valid(table, i, last);
}

// Every valid leaf in [va, end) under the table at table_pa (a level-`level` table);
// absent tables skip their whole span. Invalid entries are skipped 8 at a time
// (pt_next_valid): a whole-range unmap walks all 512 entries of each table.
static void range_walk(struct range_op *op, uint64_t table_pa, int level, uintptr_t va,
                       uintptr_t end) {
  const uint64_t *table = paddr_to_kva(table_pa);
  unsigned shift = PT_LEVEL_SHIFT(level);
  uintptr_t span = 1ULL << shift;
  uintptr_t table_base = va & ~((span << 9) - 1);  // the VA table[0] maps
  unsigned first = (va >> shift) & (PT_ENTRIES - 1);
  unsigned last = ((end - 1) >> shift) & (PT_ENTRIES - 1);
  for (unsigned i = first; i <= last; i++) {
    uint64_t entry = table[i];
    if (!(entry & PTE_VALID)) {
      // A long run: skip its empty blocks (a short range pays nothing for this).
      if (last - i >= 8) i = skip_empty(table, i, last) - 1;
      continue;
    }
    uintptr_t entry_va = table_base + i * span;
    if (level == 3) {
      range_leaf(op, (uint64_t *)&table[i], entry_va);
    } else if (entry & PTE_TABLE) {
      uintptr_t from = entry_va > va ? entry_va : va;
      uintptr_t to = entry_va + span - 1 < end - 1 ? entry_va + span : end;
      range_walk(op, entry & PTE_ADDR_MASK, level + 1, from, to);
    }
  }
}

// The range clipped to as's half; pages 0 or va outside it: nothing to do.
static size_t range_run(struct arch_aspace *as, uintptr_t va, size_t pages, struct range_op *op) {
  uintptr_t limit = as->shared_window ? SHARED_WINDOW_END : USER_ASPACE_END;
  if (!as->root_pa || !pages || (va & (PAGE_SIZE - 1)) || !in_range(as, va)) return 0;
  uintptr_t end = pages > (limit - va) / PAGE_SIZE ? limit : va + pages * PAGE_SIZE;
  op->as = as;
  if ((va >> PT_LEVEL_SHIFT(2)) == ((end - 1) >> PT_LEVEL_SHIFT(2))) {
    // Inside one level-3 table (a copy-on-write fault's one page, a small protect):
    // straight to it, not down the levels and across them.
    uint64_t *table = find_leaf_table(as, va);
    for (uintptr_t at = va; table && at < end; at += PAGE_SIZE)
      if (*leaf_entry(table, at) & PTE_VALID) range_leaf(op, leaf_entry(table, at), at);
  } else {
    range_walk(op, as->root_pa, 0, va, end);
  }
  range_flush(op);
  return op->total;
}

// The fields a range operation starts from, set one by one: an initializer would zero
// the two arrays too (a memset of 528 bytes), which are only read up to their counts.
static void range_op_init(struct range_op *op, bool unmap, uint64_t attrs) {
  op->unmap = unmap;
  op->attrs = attrs;
  op->changed = op->total = op->owned = 0;
}

size_t arch_aspace_unmap_range(struct arch_aspace *as, uintptr_t va, size_t pages) {
  struct range_op op;
  range_op_init(&op, true, 0);
  return range_run(as, va, pages, &op);
}

size_t arch_aspace_protect_range(struct arch_aspace *as, uintptr_t va, size_t pages,
                                 unsigned perms) {
  // EL0 entries are always readable: a page that must not be becomes unmapped.
  if (!(perms & ARCH_MMU_READ)) return arch_aspace_unmap_range(as, va, pages);
  struct range_op op;
  range_op_init(&op, false, user_attrs(perms, false) & (PTE_RDONLY | PTE_UXN));
  return range_run(as, va, pages, &op);
}


// Boot left every CPU's TTBR1 at the kernel root. The pair bit goes with each CPU's
// TTBR0 (one load for restricted enter, which has the CPU's state at hand).
static void cpu_mmu_init(void) {
  for (unsigned i = 0; i < MAX_CPUS; i++) {
    cpus[i].arch.mmu.ttbr1_pa = cpus[i].arch.mmu.kernel_root = kernel_root_pa();
    cpus[i].arch.mmu.ttbr0_pair = (uint64_t)asid_pair_bit << TTBR_ASID_SHIFT;
  }
}

// The table writes of a switch: TTBR1 (when it changes) and TTBR0.
static inline __attribute__((always_inline)) void write_ttbrs(struct cpu_mmu *mmu,
                                                              uint64_t ttbr0, uint64_t ttbr1) {
  extern uint64_t empty_root_table[];
  if (ttbr1 != mmu->ttbr1_pa) {
    // TTBR1's window and TTBR0's ASID change in two writes: in between, a walk could
    // tag one window's entries with another space's ASID. So, as the ARM ARM
    // prescribes for a non-atomic ASID and table change, pass through the reserved
    // ASID 0 (with no TTBR0 tables) while TTBR1 changes.
    write_sysreg(ttbr0_el1, kva_to_paddr(empty_root_table));
    isb();
    write_sysreg(ttbr1_el1, ttbr1);
    isb();
    mmu->ttbr1_pa = ttbr1;
  }
  write_sysreg(ttbr0_el1, ttbr0);
  if (KCONFIG_ASID_OFF) asid_arch_flush_local_tlb();  // ASID 0 is shared: the last space's entries must go
  isb();
}

static inline uint64_t ttbr1_for(const struct arch_aspace *as, bool restricted) {
  return as && !restricted ? as->normal_ttbr1_pa : mmu_kernel_root_pa;
}

// TTBR0 for as with asid in the given mode; normal mode's is kept for restricted enter.
static inline uint64_t ttbr0_with_asid(struct cpu_mmu *mmu, const struct arch_aspace *as,
                                       bool restricted, uint16_t asid) {
  uint64_t ttbr0 = as->root_pa | (uint64_t)asid << TTBR_ASID_SHIFT;
  mmu->ttbr0 = ttbr0;
  return restricted ? ttbr0 | mmu->ttbr0_pair : ttbr0;
}

// load_ttbrs when the batched ASID path failed too: the allocator's lock. Rare (a
// rollover, a reserved ASID, an empty batch), so it may have a frame.
static __attribute__((noinline)) void load_ttbrs_asid_locked(struct cpu_mmu *mmu, unsigned cpu,
                                                             const struct arch_aspace *as,
                                                             bool restricted) {
  uint16_t asid = asid_switch_locked((struct asid_state *)&as->asid, cpu);
  write_ttbrs(mmu, ttbr0_with_asid(mmu, as, restricted, asid), ttbr1_for(as, restricted));
}

// load_ttbrs when the ASID fast path failed: a fresh ASID from this CPU's batch (every
// switch of a ring past the ASID count comes here). Out of line, so the common switch
// needs no stack frame; a leaf but for the tail call to the locked path, so it needs
// none either.
static __attribute__((noinline, optimize("omit-frame-pointer"))) void load_ttbrs_asid_slow(
    struct cpu_mmu *mmu, unsigned cpu, const struct arch_aspace *as, unsigned restricted,
    uint64_t a, uint64_t old_active) {
  uint64_t asid;
  if (!asid_switch_batched((struct asid_state *)&as->asid, cpu, a, old_active, &asid)) {
    load_ttbrs_asid_locked(mmu, cpu, as, restricted);
    return;
  }
  write_ttbrs(mmu, ttbr0_with_asid(mmu, as, restricted, (uint16_t)asid), ttbr1_for(as, restricted));
}

// TTBR1 and TTBR0 for as in the given mode, as arch_aspace_activate writes them.
// Inlined into both callers: the context switch and restricted enter/exit.
static inline __attribute__((always_inline)) void load_ttbrs(struct cpu_mmu *mmu, unsigned cpu,
                                                             const struct arch_aspace *as,
                                                             bool restricted) {
  extern uint64_t empty_root_table[];
  uint64_t ttbr0;
  if (!as) {
    ttbr0 = kva_to_paddr(empty_root_table);  // ASID 0: nothing to find
  } else if (KCONFIG_ASID_OFF) {
    ttbr0 = as->root_pa;
  } else {
    // Only the context switch gets here, interrupts masked, so the CPU cannot change.
    // One claim serves both modes: restricted_entry.S flips to the pair and back
    // without the allocator until the next switch (docs/asid.md, "Pairs").
    uint64_t a, old_active;
    if (!asid_switch_fast((struct asid_state *)&as->asid, cpu, &a, &old_active)) {
      load_ttbrs_asid_slow(mmu, cpu, as, restricted, a, old_active);
      return;
    }
    ttbr0 = ttbr0_with_asid(mmu, as, restricted, (uint16_t)(a & asid_mask));
  }
  write_ttbrs(mmu, ttbr0, ttbr1_for(as, restricted));
}

// omit-frame-pointer: a leaf but for the tail calls to the slow paths (it runs on every
// context switch between user threads of different processes).
__attribute__((optimize("omit-frame-pointer"))) void arch_aspace_activate(
    const struct arch_aspace *as, bool restricted) {
  struct cpu *c = arch_this_cpu();
  unsigned cpu = c->index;
  struct cpu_mmu *mmu = &c->arch.mmu;
  // Restricted mode (never with as NULL) differs from normal mode only where a window
  // is in TTBR1.
  if (restricted && as->normal_ttbr1_pa == mmu_kernel_root_pa) restricted = false;
  if (mmu->as == as && mmu->restricted == restricted) return;
  mmu->as = as;
  mmu->restricted = restricted;
  load_ttbrs(mmu, cpu, as, restricted);
}

// The mode change of restricted enter and exit is restricted_entry.S's (also
// arch_aspace_set_restricted, for the C path): no frame, no allocator, two table
// writes. With ASID=off it calls this: one ASID for both modes, so the mode change
// flushes the local TLB.
void arch_aspace_set_restricted_slow(const struct arch_aspace *as, bool restricted) {
  struct cpu *c = arch_this_cpu();
  c->arch.mmu.restricted = restricted;  // mmu.as is as: the running thread's own space
  load_ttbrs(&c->arch.mmu, c->index, as, restricted);
}

void asid_invariant_failed(const char *what, uint64_t asid) {
  panic("ASID invariant: %s (ASID %lu)", what, (unsigned long)asid);
}
