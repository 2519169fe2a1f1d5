#include "core/boot/boot_log.h"

#include <board.h>
#include <janus/arch.h>
#include <janus/console.h>
#include <janus/heap.h>
#include <janus/version.h>

#include <janus/pmm.h>

void boot_log_banner(unsigned entry_el, paddr_t image_pa, paddr_t fdt_pa) {
  kprintf("\nJanus %s on %s (%s)\n", JANUS_VERSION, BOARD_NAME,
          boot_info.model[0] ? boot_info.model : "unknown model");
  kprintf("entered at EL%u, running at EL1\n", entry_el);
  kprintf("image at pa 0x%lx, va 0x%lx; device tree at pa 0x%lx\n", (unsigned long)image_pa,
          (unsigned long)arch_image_base(), (unsigned long)fdt_pa);
  kprintf("timer: %lu Hz\n", (unsigned long)arch_timer_frequency());
  if (boot_info.bootargs[0]) kprintf("bootargs: %s\n", boot_info.bootargs);
}

void boot_log_memory(const struct bootinfo *bi) {
  uint64_t total = 0;
  for (unsigned i = 0; i < bi->ram_count; i++) {
    kprintf("memory: 0x%09lx-0x%09lx (%lu MiB)\n", (unsigned long)bi->ram[i].base,
            (unsigned long)(bi->ram[i].base + bi->ram[i].size - 1),
            (unsigned long)(bi->ram[i].size >> 20));
    total += bi->ram[i].size;
  }
  for (unsigned i = 0; i < bi->reserved_count; i++)
    kprintf("reserved: 0x%09lx-0x%09lx\n", (unsigned long)bi->reserved[i].base,
            (unsigned long)(bi->reserved[i].base + bi->reserved[i].size - 1));
  kprintf("memory: %lu MiB RAM, %lu MiB free\n", (unsigned long)(total >> 20),
          (unsigned long)((pmm_free_pages() * PAGE_SIZE) >> 20));
}
