// What the kernel tells the console about the machine as it boots.
#ifndef CORE_BOOT_LOG_H_
#define CORE_BOOT_LOG_H_

#include <janus/physmap.h>

#include <janus/bootinfo.h>

extern struct bootinfo boot_info;
void boot_log_banner(unsigned entry_el, paddr_t image_pa, paddr_t fdt_pa);
void boot_log_memory(const struct bootinfo *bi);
// What runs once every CPU is up (core/boot/run.c): returns the exit status.
int kernel_run(void);

#endif  // CORE_BOOT_LOG_H_
