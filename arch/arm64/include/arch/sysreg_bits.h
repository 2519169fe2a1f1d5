// System register fields Janus uses: the one definition for C and assembly.
// Values from the Arm Architecture Reference Manual (DDI 0487).
#ifndef ARCH_SYSREG_BITS_H_
#define ARCH_SYSREG_BITS_H_

#ifdef __ASSEMBLY__
#define UL(x) (x)
#else
#define UL(x) (x##UL)
#endif
#define BIT(n) (UL(1) << (n))

// SCTLR_EL1
#define SCTLR_M BIT(0)      // MMU
#define SCTLR_A BIT(1)      // alignment checking (off: unaligned normal accesses allowed)
#define SCTLR_C BIT(2)      // data cache
#define SCTLR_SA BIT(3)     // SP alignment check, EL1
#define SCTLR_SA0 BIT(4)    // SP alignment check, EL0
#define SCTLR_I BIT(12)     // instruction cache
#define SCTLR_DZE BIT(14)   // EL0 may use DC ZVA
#define SCTLR_UCT BIT(15)   // EL0 may read CTR_EL0
#define SCTLR_NTWI BIT(16)  // EL0 WFI not trapped
#define SCTLR_NTWE BIT(18)  // EL0 WFE not trapped
// EL0 may clean and invalidate by VA (DC CVAU/CVAC/CIVAC, IC IVAU), as on Linux: code a
// program writes (a JIT, libffi's closures, __builtin___clear_cache) is its own to make
// visible to fetches. The access is checked as a read of the address (an unreadable one
// faults; user_entry.c treats the fault's CM bit as a read), and DC IVAC stays EL1-only.
#define SCTLR_UCI BIT(26)
#define SCTLR_RES1 (BIT(11) | BIT(20) | BIT(22) | BIT(23) | BIT(28) | BIT(29))
#define SCTLR_EL1_BOOT SCTLR_RES1
#define SCTLR_EL1_KERNEL (SCTLR_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA | SCTLR_SA0 | SCTLR_I | \
                          SCTLR_DZE | SCTLR_UCT | SCTLR_NTWI | SCTLR_NTWE | SCTLR_UCI)

// HCR_EL2, CNTHCTL_EL2, CPTR_EL2, SPSR: leaving EL2 for EL1
#define HCR_EL2_RW BIT(31)              // EL1 is AArch64
#define CNTHCTL_EL1PCTEN_EL1PCEN UL(3)  // EL1 may use the physical counter and timer
// CNTKCTL_EL1: EL0 may read CNTVCT_EL0 and CNTFRQ_EL0 (zx_ticks_get); every other bit
// clear: no physical counter, no timer registers, no event stream at EL0.
#define CNTKCTL_EL0VCTEN BIT(1)
#define CPTR_EL2_RES1 UL(0x33ff)        // no FP/SIMD traps to EL2
#define SPSR_D BIT(9)
#define SPSR_A BIT(8)
#define SPSR_I BIT(7)
#define SPSR_F BIT(6)
#define SPSR_MODE_EL1H UL(5)
#define SPSR_MODE_EL0T UL(0)
#define SPSR_NZCV UL(0xf0000000)  // condition flags: the only PSTATE bits EL0 controls
#define SPSR_EL2_TO_EL1 (SPSR_D | SPSR_A | SPSR_I | SPSR_F | SPSR_MODE_EL1H)

// MDCR_EL2 (set by leave_el2): HPMN, bits 4:0, = PMCR_EL0.N gives EL1 every event
// counter; TPM/TPMCR clear: PMU accesses from EL0/EL1 are not trapped to EL2.

// PMU (arch/arm64/pmu.c): the cycle counter, readable from EL0.
#define PMCR_E BIT(0)              // enable the counters
#define PMCR_C BIT(2)              // reset the cycle counter (write-only)
#define PMCR_LC BIT(6)             // 64-bit cycle counter overflow
#define PMCR_N_SHIFT 11            // number of event counters, 5 bits
#define PMCNTEN_C BIT(31)          // PMCNTENSET_EL0: the cycle counter
#define PMUSERENR_CR BIT(2)        // EL0 may read PMCCNTR_EL0 (and nothing else)
#define PMCCFILTR_EL0_EL1 UL(0)    // P, U, NSK, NSU clear: count EL1 and EL0; NSH clear: not EL2

// CPACR_EL1.FPEN: FP/SIMD for EL0 and EL1, or trapped at EL0 only (a user thread's
// first use after a switch: lazy FP/SIMD switching, arch/arm64/thread.c).
#define CPACR_FPEN_NO_TRAP (UL(3) << 20)
#define CPACR_FPEN_TRAP_EL0 (UL(1) << 20)

// MAIR_EL1 attribute indices and encodings
#define MAIR_IDX_DEVICE 0
#define MAIR_IDX_NORMAL 1
#define MAIR_IDX_NORMAL_NC 2
#define MAIR_DEVICE_nGnRE UL(0x04)
#define MAIR_NORMAL_WB UL(0xff)
#define MAIR_NORMAL_NC UL(0x44)
#define MAIR_EL1_VALUE ((MAIR_DEVICE_nGnRE << (8 * MAIR_IDX_DEVICE)) | \
                        (MAIR_NORMAL_WB << (8 * MAIR_IDX_NORMAL)) |     \
                        (MAIR_NORMAL_NC << (8 * MAIR_IDX_NORMAL_NC)))

// TCR_EL1: 48-bit VAs in both halves, 4 KiB granule, write-back inner-shareable walks.
#define TCR_T0SZ(n) (UL(n) << 0)
#define TCR_EPD0 BIT(7)
#define TCR_IRGN0_WBWA (UL(1) << 8)
#define TCR_ORGN0_WBWA (UL(1) << 10)
#define TCR_SH0_INNER (UL(3) << 12)
#define TCR_TG0_4K (UL(0) << 14)
#define TCR_T1SZ(n) (UL(n) << 16)
#define TCR_A1 BIT(22)
#define TCR_EPD1 BIT(23)
#define TCR_IRGN1_WBWA (UL(1) << 24)
#define TCR_ORGN1_WBWA (UL(1) << 26)
#define TCR_SH1_INNER (UL(3) << 28)
#define TCR_TG1_4K (UL(2) << 30)
#define TCR_IPS_SHIFT 32
#define TCR_AS BIT(36)  // 16-bit ASIDs
// Where an ASID sits: TTBR0_EL1 bits [63:48], and the same bits of a TLBI operand.
#define TTBR_ASID_SHIFT 48
#define TLBI_ASID_SHIFT 48
#define TLBI_VA_MASK ((1ULL << 44) - 1)  // a TLBI operand's VA[55:12] field
#define TCR_EL1_BASE (TCR_T0SZ(64 - 42) |  /* USER_VA_BITS (arch/memory_map.h) */ TCR_IRGN0_WBWA | TCR_ORGN0_WBWA | TCR_SH0_INNER | \
                      TCR_TG0_4K | TCR_T1SZ(16) | TCR_IRGN1_WBWA | TCR_ORGN1_WBWA |    \
                      TCR_SH1_INNER | TCR_TG1_4K)

// ID_AA64MMFR0_EL1
#define MMFR0_PARANGE_MASK UL(0xf)
#define MMFR0_ASIDBITS_SHIFT 4
#define MMFR0_ASIDBITS_16 UL(2)

// Translation table descriptors (stage 1, 4 KiB granule)
#define PTE_VALID BIT(0)
#define PTE_TABLE BIT(1)  // at levels 0-2: next-level table; at level 3: page
#define PTE_PAGE BIT(1)
#define PTE_BLOCK UL(0)
#define PTE_ATTRIDX(i) (UL(i) << 2)
#define PTE_USER BIT(6)      // AP[1]: EL0 access
#define PTE_RDONLY BIT(7)    // AP[2]
#define PTE_SH_INNER (UL(3) << 8)
#define PTE_AF BIT(10)
#define PTE_NG BIT(11)
#define PTE_PXN BIT(53)
#define PTE_UXN BIT(54)
#define PTE_ADDR_MASK UL(0x0000fffffffff000)

// Daif bits as msr daifset/daifclr immediates
#define DAIF_IRQ 2

// CurrentEL
#define CURRENTEL_EL2 (UL(2) << 2)

#endif  // ARCH_SYSREG_BITS_H_
