// Kernel entry after the MMU is on: read the device tree, finish the physmap, bring
// up memory, interrupts and every CPU, then run init (and, in test builds, first the
// self-tests).
#include <board.h>
#include <janus/arch.h>
#include <janus/board_console.h>
#include <janus/console.h>
#include <janus/cpu.h>
#include <janus/exit.h>
#include <janus/heap.h>
#include <janus/panic.h>
#include <janus/physmap.h>
#include <janus/thread.h>
#include <janus/version.h>
#include <string.h>

#include <janus/bootinfo.h>
#include "core/kernel/cprng.h"
#include "core/boot/boot_log.h"
#include <janus/pmm.h>
#include "core/syscalls/debugging.h"
#include "core/vm/slab.h"

#define KERNEL_STACK_ORDER 2  // 16 KiB per CPU
#define CPU_START_TIMEOUT_NS 20000000000LL  // only a CPU that never comes waits this long
#define BOOT_FDT_MAX_SIZE (2u << 20)  // as much as early boot maps (boot/page_tables.c)

struct cpu cpus[MAX_CPUS];
unsigned cpu_count = 1;
struct bootinfo boot_info;

static void add_device_windows(void) {
  static const struct mem_range windows[] = BOARD_DEVICE_WINDOWS;
  for (size_t i = 0; i < sizeof windows / sizeof windows[0]; i++)
    if (arch_physmap_add(windows[i].base, windows[i].size, true) != ZX_OK)
      panic("cannot map device window %lx", (unsigned long)windows[i].base);
}

static void add_ram(paddr_t image_pa, paddr_t fdt_pa, size_t fdt_size) {
  uint64_t image_size = (uint64_t)(_image_end - _image_start);
  static const struct mem_range holes[] = BOARD_RAM_HOLES;
  struct mem_range taken[2 + sizeof holes / sizeof holes[0]] = {
      {image_pa, image_size},
      {fdt_pa, fdt_size},
  };
  memcpy(&taken[2], holes, sizeof holes);
  struct mem_range free_ranges[BOOTINFO_MAX_RAM + BOOTINFO_MAX_RESERVED + 8];
  size_t n = bootinfo_free_ranges(&boot_info, taken, sizeof taken / sizeof taken[0], free_ranges,
                                  sizeof free_ranges / sizeof free_ranges[0]);
  for (size_t i = 0; i < n; i++) pmm_add_range(free_ranges[i].base, free_ranges[i].size);
}

static void start_secondary_cpus(void) {
  for (unsigned i = 1; i < cpu_count; i++) {
    paddr_t stack;
    if (pmm_alloc(KERNEL_STACK_ORDER, &stack) != ZX_OK) panic("no memory for CPU %u's stack", i);
    cpus[i].stack_bottom = (uintptr_t)paddr_to_kva(stack);
    cpus[i].stack_top = cpus[i].stack_bottom + (PAGE_SIZE << KERNEL_STACK_ORDER);
    if (arch_start_cpu(i, &boot_info) != ZX_OK) {
      kprintf("cpu%u: failed to start\n", i);
      continue;
    }
    zx_time_t deadline = arch_monotonic_ns() + CPU_START_TIMEOUT_NS;
    while (!cpus[i].online && arch_monotonic_ns() < deadline) {
    }
    if (!cpus[i].online) kprintf("cpu%u: did not come online\n", i);
  }
}

static unsigned cpus_online(void) {
  unsigned n = 0;
  for (unsigned i = 0; i < cpu_count; i++) n += cpus[i].online;
  return n;
}

// The first thread: kernel_run, then the machine's exit.
static void run_and_exit(void *arg) {
  (void)arg;
  int status_code = kernel_run();
  if (KCONFIG_SELFTEST)
    kprintf("janus: deepest kernel stack use %lu of %lu bytes\n",
            (unsigned long)thread_kstack_deepest(), (unsigned long)(PAGE_SIZE << THREAD_KSTACK_ORDER));
  kprintf("janus: exit %d\n", status_code);
  kernel_exit(status_code);
}

void pmm_corruption(paddr_t pa) { panic("page allocator: bad free of page 0x%lx", (unsigned long)pa); }
void slab_corruption(const struct slab_cache *c, const void *obj) {
  panic("slab %s: bad free of %p", c->name, obj);
}

void secondary_main(unsigned index) {
  arch_drop_identity_map();
  arch_cpu_init(index);
  cpus[index].hw_id = arch_cpu_hw_id();
  sched_init_cpu(index);
  kprintf("cpu%u: online (hw id 0x%lx)\n", index, (unsigned long)cpus[index].hw_id);
  __atomic_store_n(&cpus[index].online, true, __ATOMIC_RELEASE);
  arch_irq_enable();
  sched_idle_loop();
}

void kernel_main(paddr_t fdt_pa, unsigned entry_el, paddr_t image_pa) {
  kernel_image_pa = image_pa;
  for (unsigned i = 0; i < MAX_CPUS; i++) cpus[i].index = i;
  cpus[0].stack_top = (uintptr_t)boot_stack_top;
  cpus[0].stack_bottom = (uintptr_t)boot_stack;
  arch_cpu_early_init(0);
  add_device_windows();
  console_init(board_console_putc);
  board_console_init();

  const void *fdt = fdt_pa ? paddr_to_kva(fdt_pa) : NULL;
  zx_status_t status = fdt ? bootinfo_from_fdt(fdt, BOOT_FDT_MAX_SIZE, &boot_info) : ZX_ERR_NOT_FOUND;
  boot_log_banner(entry_el, image_pa, fdt_pa);
  if (status != ZX_OK) panic("no usable device tree at 0x%lx (status %d)", (unsigned long)fdt_pa, status);
  kernel_exit_configure(boot_info.bootargs);
  debugging_syscalls_configure(boot_info.bootargs);
  cpu_count = boot_info.cpu_count < MAX_CPUS ? boot_info.cpu_count : MAX_CPUS;
  if (!cpu_count) cpu_count = 1;
  for (unsigned i = 0; i < boot_info.ram_count; i++)
    if (arch_physmap_add(boot_info.ram[i].base, boot_info.ram[i].size, false) != ZX_OK)
      panic("cannot map RAM at 0x%lx", (unsigned long)boot_info.ram[i].base);
  add_ram(image_pa, fdt_pa, boot_info.fdt_size);  // at most BOOT_FDT_MAX_SIZE: checked
  heap_init();  // the heap window's level-0 entry, before any shared window copies them
  boot_log_memory(&boot_info);

  arch_platform_init(&boot_info);
  arch_cpu_init(0);
  cprng_init(&boot_info);  // after the timer: the counter is one of its sources
  sched_init_cpu(0);
  cpus[0].hw_id = arch_cpu_hw_id();
  cpus[0].online = true;
  arch_irq_enable();
  start_secondary_cpus();
  arch_drop_identity_map();
  kprintf("cpus: %u of %u online\n", cpus_online(), cpu_count);

  struct thread *init;
  if (thread_create_kernel("init", run_and_exit, NULL, &init) != ZX_OK) panic("no init thread");
  thread_start(init, 0);
  sched_idle_loop();
}
