// Early boot steps (MMU off until boot_enable_mmu) and what they leave behind.
#ifndef ARCH_BOOT_H_
#define ARCH_BOOT_H_

#include <stdint.h>

void boot_relocate(uint64_t load_pa);
void boot_build_page_tables(uint64_t load_pa, uint64_t fdt_pa);
void boot_enable_mmu(void);

// Image bounds from the linker script (link addresses, 0-based).
extern char _image_start[], _image_end[], __bss_start[], __bss_end[];

// For secondary CPUs, read before their MMU is on: the boot CPU cleans them to memory.
extern uint64_t cpu_hw_ids[];
extern uintptr_t secondary_stack_tops[];
void secondary_entry(unsigned cpu_index);
void spin_table_entry(void);

#endif  // ARCH_BOOT_H_
