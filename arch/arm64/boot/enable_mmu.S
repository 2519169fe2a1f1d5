// void boot_enable_mmu(void);
// Turns the MMU and caches on with the boot tables, on any CPU. Runs with the MMU
// off (at its physical address); returns with it on, still at that address
// thanks to the identity map.
#include <arch/asm.h>
#include <arch/sysreg_bits.h>

FUNCTION boot_enable_mmu
  ldr x0, =MAIR_EL1_VALUE
  msr mair_el1, x0
  mrs x1, id_aa64mmfr0_el1
  ldr x0, =TCR_EL1_BASE
  and x2, x1, #MMFR0_PARANGE_MASK       // output address size = the CPU's PA range
  bfi x0, x2, #TCR_IPS_SHIFT, #3
  ubfx x2, x1, #MMFR0_ASIDBITS_SHIFT, #4
  cmp x2, #MMFR0_ASIDBITS_16
  b.ne 1f
  orr x0, x0, #TCR_AS                   // 16-bit ASIDs where the CPU has them
1:msr tcr_el1, x0
  adr_l x0, boot_identity_table
  msr ttbr0_el1, x0
  adr_l x0, kernel_root_table
  msr ttbr1_el1, x0
  mov x0, #CPACR_FPEN_TRAP_EL0          // EL0 gets FP/SIMD when it first uses it
  msr cpacr_el1, x0
  isb
  tlbi vmalle1                          // nothing a loader cached may survive
  ic iallu
  dsb nsh
  isb
  ldr x0, =SCTLR_EL1_KERNEL
  msr sctlr_el1, x0
  isb
  ret
END boot_enable_mmu
