// The interface portable code (core/) uses to reach the CPU. arch/arm64 implements it
// (most of it inline, in <arch/arch_inline.h>); tests/host/fake_arch implements it for
// host unit tests. Nothing outside arch/ touches a system register.
#ifndef JANUS_ARCH_H_
#define JANUS_ARCH_H_

#include <stdbool.h>
#include <stdint.h>

typedef uint64_t irq_state_t;

// Interrupt masking on this CPU; save returns the state restore puts back.
static inline irq_state_t arch_irq_save(void);
static inline void arch_irq_restore(irq_state_t state);
// Index of the running CPU (0 .. cpu_count-1), from per-CPU data.
static inline unsigned arch_cpu_index(void);
// Low-power wait inside spin loops; arch_cpu_wake signals waiters.
static inline void arch_cpu_relax(void);
static inline void arch_cpu_wake(void);

#include <arch/arch_inline.h>

// --- The out-of-line part, implemented in arch/arm64 ---------------------------
#include <arch/aspace.h>
#include <arch/restricted.h>  // restricted mode's register moves (core/object/restricted.c)
#include <janus/physmap.h>
#include <stddef.h>
#include <zircon/types.h>

struct bootinfo;

// Memory: add [base, base + size) to the physmap, as Normal or Device memory.
zx_status_t arch_physmap_add(paddr_t base, uint64_t size, bool device);
// Map one page of kernel memory (heap) at va.
zx_status_t arch_kernel_map_page(uintptr_t va, paddr_t pa);
// Unmap the heap page at va (every CPU's TLB included); its physical page, or 0 if
// none was mapped there.
paddr_t arch_kernel_unmap_page(uintptr_t va);
// User address spaces (TTBR0). perms are ARCH_MMU_* bits; an owned page is freed
// with the address space.
#define ARCH_MMU_READ 1u
#define ARCH_MMU_WRITE 2u
#define ARCH_MMU_EXECUTE 4u
// With ARCH_MMU_EXECUTE: the page is already coherent for instruction fetch (made so
// when it was last entered executable, and not written since), so no cache
// maintenance is done for it.
#define ARCH_MMU_ICACHE_CLEAN 8u
struct arch_aspace;
// A process's own (TTBR0) space, empty; TTBR1 in normal mode is the kernel's root.
zx_status_t arch_aspace_init(struct arch_aspace *as);
// A shared group's window: a TTBR1 root whose kernel half is the kernel's.
zx_status_t arch_shared_window_init(struct arch_aspace *as);
// as (a TTBR0 space, before it first runs) sees window in normal mode.
void arch_aspace_use_shared_window(struct arch_aspace *as, const struct arch_aspace *window);
void arch_aspace_destroy(struct arch_aspace *as);
// Pages of as: in [USER_ASPACE_BASE, USER_ASPACE_END) for a TTBR0 space, in
// [SHARED_WINDOW_BASE, SHARED_WINDOW_END) for a window. Unmapping invalidates the
// TLBs of every CPU (a window's page for all ASIDs).
zx_status_t arch_aspace_map(struct arch_aspace *as, uintptr_t va, paddr_t pa, unsigned perms,
                            bool owned);
// Maps the pages of a run from va on: pages[i] (0: none, skipped) is the physical page
// for va + i * PAGE_SIZE with its ARCH_MMU_* bits in the low 12. A page already mapped
// keeps its entry. One table walk per level-3 table, one barrier for the run, and for
// executable pages without ARCH_MMU_ICACHE_CLEAN one instruction-cache invalidate.
// ZX_ERR_NO_MEMORY when a table cannot be made (the pages before it stay mapped).
zx_status_t arch_aspace_map_pages(struct arch_aspace *as, uintptr_t va, const uint64_t *pages,
                                  size_t n);
// Maps pa at va whatever is there: a different entry leaves first, invalidated on
// every CPU before the new one is written (break before make). A copy-on-write fault
// uses it to give a page its own copy, or write access to a page that became its own.
zx_status_t arch_aspace_map_replace(struct arch_aspace *as, uintptr_t va, paddr_t pa,
                                   unsigned perms);
// The same for every page of [va, va + pages * PAGE_SIZE) (clipped to as's half):
// mapped pages are unmapped (owned ones freed), or given perms (without
// ARCH_MMU_READ: unmapped); pages not mapped are skipped. One batch of TLB
// maintenance for the whole range: per page for short runs, one flush of the space's
// ASIDs (a window's: of the whole TLB) for long ones. Returns the pages changed.
size_t arch_aspace_unmap_range(struct arch_aspace *as, uintptr_t va, size_t pages);
size_t arch_aspace_protect_range(struct arch_aspace *as, uintptr_t va, size_t pages,
                                 unsigned perms);
// Makes as this CPU's TTBR0 (NULL: no user mappings) and TTBR1 the kernel root
// (restricted mode, kernel threads) or as's window (normal mode). Non-NULL only from
// the context switch and restricted enter/exit, with interrupts masked.
void arch_aspace_activate(const struct arch_aspace *as, bool restricted);
// Restricted enter and exit: as is already this CPU's space (the running thread's),
// only the mode changes. Interrupts masked.
void arch_aspace_set_restricted(const struct arch_aspace *as, bool restricted);
// Data-cache maintenance by address over [kva, kva + len) to the point of coherency
// (zx_vmo_op_range's cache operations): clean; clean and invalidate (also what an
// invalidate does: a plain invalidate could drop another sharer's dirty lines); sync
// (make written instructions visible to instruction fetch).
#define ARCH_CACHE_CLEAN 0u
#define ARCH_CACHE_CLEAN_INVALIDATE 1u
#define ARCH_CACHE_SYNC 2u
void arch_cache_op(uintptr_t kva, size_t len, unsigned op);
// Copies between kernel and the current user space with EL0's permissions; a fault
// or a range outside user space is ZX_ERR_INVALID_ARGS.
zx_status_t arch_copy_from_user(void *dst, uintptr_t user_src, size_t len);
zx_status_t arch_copy_to_user(uintptr_t user_dst, const void *src, size_t len);
// arch_copy_from_user of one 32-bit word (a futex's), without the general copy's loop.
zx_status_t arch_copy_u32_from_user(void *dst, uintptr_t user_src);
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
// Zeroes the page at kva (a physmap address): page tables, zero-filled VMO pages.
void arch_zero_page(void *kva);
// Copies the page at src to the page at dst (physmap addresses).
void arch_copy_page(void *dst, const void *src);
// Its two halves, for many pages and one invalidate: the clean to the point of
// unification of [kva, kva + len), then (after all cleans) the invalidate.
void arch_clean_dcache_pou(uintptr_t kva, size_t len);
void arch_invalidate_icache(void);

// Leak accounting: page-table pages the kernel half took from the page allocator,
// and ASIDs handed out.
uint64_t arch_kernel_table_pages(void);
// Page-table pages of user address spaces (TTBR0 spaces and shared windows).
uint64_t arch_user_table_pages(void);
unsigned arch_asids_in_use(void);

// Stop using the boot identity map on this CPU (TTBR0 becomes empty).
void arch_drop_identity_map(void);

// CPUs
void arch_cpu_early_init(unsigned index);  // vectors and per-CPU pointer only
void arch_cpu_init(unsigned index);        // all per-CPU registers: + GIC, timer
void arch_platform_init(const struct bootinfo *bi);  // interrupt controller, firmware calls
zx_status_t arch_start_cpu(unsigned index, const struct bootinfo *bi);
// Interrupts cpu (wakes it from wfi; a reschedule point).
void arch_cpu_kick(unsigned cpu);
void arch_stop_other_cpus(void);
uint64_t arch_cpu_hw_id(void);

// Time: a monotonic clock in nanoseconds and the periodic tick.
zx_time_t arch_monotonic_ns(void);
uint64_t arch_timer_frequency(void);
// Programs this CPU's timer to interrupt at the earlier of its next tick and deadline
// (monotonic ns; ZX_TIME_INFINITE: the tick alone), so deadlines keep the timer's
// resolution rather than the tick's. Interrupts masked.
void arch_timer_set_deadline(zx_time_t deadline);

// Entropy: up to len random bytes from the board's hardware generator, if the device
// tree (bi) shows one; returns how many it gave (0 where there is none).
size_t arch_hw_entropy(const struct bootinfo *bi, void *buf, size_t len);

// A user thread's registers as a debugger sees them (zx_thread_read_state), from and
// into the trap frame it was stopped with (an exception; t is not running). Writing
// keeps the mode bits of the saved PSTATE: only the condition flags change.
struct trap_frame;
struct thread;
struct zx_thread_state_general_regs;
void arch_frame_get_regs(const struct thread *t, const struct trap_frame *frame,
                         struct zx_thread_state_general_regs *out);
void arch_frame_set_regs(struct thread *t, struct trap_frame *frame,
                         const struct zx_thread_state_general_regs *in);

// Crash reporting: the caller's registers and symbolized backtrace.
void arch_dump_state_here(void);

// Faults the kernel expects (probing an address): ZX_ERR_INVALID_ARGS on a fault.
zx_status_t arch_probe_read64(uintptr_t addr, uint64_t *out);

// Leaving the machine (core/kernel/exit.c chooses how); none returns.
// The exit status to QEMU (semihosting) on QEMU flavors; elsewhere a power off.
__attribute__((noreturn)) void arch_platform_exit(int status);
// Each falls back to arch_halt where the machine has no way to do it.
__attribute__((noreturn)) void arch_power_off(void);
__attribute__((noreturn)) void arch_reset(void);
// This CPU stops for good, interrupts masked.
__attribute__((noreturn)) void arch_halt(void);

// The image as loaded: physical base and the run-time base of link address 0.
extern paddr_t kernel_image_pa;
extern char _image_start[], _image_end[];
// The boot CPU's stack until its first thread switch (arch/arm64/boot/head.S).
extern char boot_stack[], boot_stack_top[];
uintptr_t arch_image_base(void);

#endif  // JANUS_ARCH_H_
