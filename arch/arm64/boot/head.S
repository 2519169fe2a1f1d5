// void _start(paddr_t fdt);   entered by the loader with the MMU off, x0 = device tree
// void secondary_entry(unsigned cpu_index);   PSCI CPU_ON / spin-table entry, MMU off
//
// The image begins with the arm64 Linux Image header, so U-Boot's booti, QEMU's
// -kernel and the Pi firmware's kernel8.img all load this one file. It is linked at
// 0 as a PIE and relocates itself to run in the physmap (KERNEL_PHYSMAP_BASE + pa).
#include <arch/asm.h>
#include <arch/memory_map.h>
#include <arch/sysreg_bits.h>

.section .head.text, "ax"
.global _start
_start:
  b primary_entry               // code0
  .long 0                       // code1
  .quad 0                       // text_offset
  .quad _image_size             // image_size: loaded bytes + bss (linker script)
  .quad 0xa                     // flags: little-endian, 4 KiB pages, anywhere in RAM
  .quad 0, 0, 0                 // reserved
  .ascii "ARM\x64"              // magic
  .long 0                       // no PE/COFF header

.text
primary_entry:
  mov x19, x0                   // device tree (physical)
  bl leave_el2                  // w0 = exception level we were entered at
  mov w20, w0
  // Zero .bss (8-byte aligned by the linker script). Device memory: aligned stores only.
  adr_l x1, __bss_start
  adr_l x2, __bss_end
1:cmp x1, x2
  b.hs 2f
  str xzr, [x1], #8
  b 1b
2:adr_l x1, boot_stack_top
  mov sp, x1
  adr_l x0, _start              // physical load address
  mov x21, x0
  bl boot_relocate              // apply R_AARCH64_RELATIVE for base KERNEL_PHYSMAP_BASE + pa
  mov x0, x21
  mov x1, x19
  bl boot_build_page_tables     // identity map of the image, physmap of image and fdt
  bl boot_enable_mmu
  // Continue at the same code's physmap address.
  mov x0, #(KERNEL_PHYSMAP_BASE >> 32)
  lsl x0, x0, #32
  add sp, sp, x0
  adr_l x1, 3f
  add x1, x1, x0
  br x1
3:OUTERMOST_FRAME
  mov x0, x19
  mov w1, w20
  mov x2, x21
  bl kernel_main                // (fdt pa, entry EL, image pa): never returns
  b .
  .cfi_endproc

// Secondary CPUs: x0 = cpu index (PSCI context id, or read from the spin-table path).
.global secondary_entry
secondary_entry:
  mov x19, x0
  bl leave_el2
  bl boot_enable_mmu
  mov x0, #(KERNEL_PHYSMAP_BASE >> 32)
  lsl x0, x0, #32
  adr_l x1, 4f
  add x1, x1, x0
  br x1
4:adr_l x1, secondary_stack_tops  // already relocated: a physmap address
  ldr x1, [x1, x19, lsl #3]
  mov sp, x1
  OUTERMOST_FRAME
  mov x0, x19
  bl secondary_main             // never returns
  b .
  .cfi_endproc

// Spin-table CPUs get no argument: find our index by matching MPIDR.
.global spin_table_entry
spin_table_entry:
  mrs x0, mpidr_el1
  and x0, x0, #0xffffff
  adr_l x1, cpu_hw_ids          // written by the boot CPU and cleaned to memory
  mov x2, #0
5:ldr x3, [x1, x2, lsl #3]
  cmp x3, x0
  b.eq 6f
  add x2, x2, #1
  cmp x2, #8
  b.lo 5b
7:wfe                           // not ours: park forever
  b 7b
6:mov x0, x2
  b secondary_entry

// unsigned leave_el2(void): drop from EL2 to EL1 if needed; returns the entry EL.
leave_el2:
  mrs x0, CurrentEL
  lsr x0, x0, #2
  cmp x0, #2
  b.ne 9f
  mov x1, #HCR_EL2_RW
  msr hcr_el2, x1
  mov x1, #CNTHCTL_EL1PCTEN_EL1PCEN
  msr cnthctl_el2, x1
  msr cntvoff_el2, xzr
  mov x1, #CPTR_EL2_RES1
  msr cptr_el2, x1
  msr hstr_el2, xzr
  mrs x1, pmcr_el0              // EL1 owns every PMU counter, untrapped (its reset
  ubfx x1, x1, #PMCR_N_SHIFT, #5 // value is UNKNOWN on hardware)
  msr mdcr_el2, x1
  mrs x1, midr_el1
  msr vpidr_el2, x1
  mrs x1, mpidr_el1
  msr vmpidr_el2, x1
  ldr x1, =SCTLR_EL1_BOOT
  msr sctlr_el1, x1
  mov x1, #SPSR_EL2_TO_EL1
  msr spsr_el2, x1
  msr elr_el2, x30              // "return" to the caller, at EL1
  isb
  eret
9:ret

.section .bss.boot_stack, "aw", %nobits
.balign 16
.global boot_stack
boot_stack:
  .space 16384  // the boot CPU's stack: its size is stated here only
.global boot_stack_top
boot_stack_top:
