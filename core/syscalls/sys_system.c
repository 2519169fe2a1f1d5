// The system and time helpers Zircon's vDSO answers (Janus makes them syscalls):
// zx_clock_get_boot, zx_system_get_num_cpus / _page_size / _physmem, and the CPRNG
// (zx_cprng_draw_once).
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/physmap.h>

#include "core/kernel/cprng.h"
#include "core/syscalls/syscall_table.h"
#include <janus/pmm.h>

// Janus never suspends, so the boot timeline is the monotonic one.
zx_time_t sys_clock_get_boot(void) { return arch_monotonic_ns(); }

uint32_t sys_system_get_num_cpus(void) { return cpu_count; }

uint32_t sys_system_get_page_size(void) { return PAGE_SIZE; }

// As Zircon: the memory the page allocator manages.
uint64_t sys_system_get_physmem(void) { return pmm_total_pages() * PAGE_SIZE; }

zx_status_t sys_cprng_draw_once(user_out_ptr_t buffer, size_t buffer_size) {
  if (buffer_size > ZX_CPRNG_DRAW_MAX_LEN) return ZX_ERR_INVALID_ARGS;
  uint8_t bytes[ZX_CPRNG_DRAW_MAX_LEN];
  cprng_draw(bytes, buffer_size);
  zx_status_t status = arch_copy_to_user(buffer.addr, bytes, buffer_size);
  for (size_t i = 0; i < buffer_size; i++) ((volatile uint8_t *)bytes)[i] = 0;
  return status == ZX_OK ? ZX_OK : ZX_ERR_INVALID_ARGS;
}
