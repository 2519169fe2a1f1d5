// Self-tests of what the kernel learned from the device tree, the timer, interrupts
// on every CPU, and exception reporting.
#include <janus/arch.h>
#include <janus/testing.h>
#include <janus/cpu.h>
#include <janus/selftest.h>
#include <janus/thread.h>
#include <string.h>

#include "arch/arm64/esr.h"
#include "core/boot/boot_log.h"
#include "lib/ksyms.h"
#include "tests/kernel/settle.h"

#define MS 1000000LL

static void busy_wait_ns(zx_time_t ns) {
  zx_time_t end = arch_monotonic_ns() + ns;
  while (arch_monotonic_ns() < end) {
  }
}

SELFTEST(device_tree_describes_machine) {
  CHECK(boot_info.cpu_count == BOARD_CPUS);
  CHECK(boot_info.ram_count >= 1);
  uint64_t ram = 0;
  for (unsigned i = 0; i < boot_info.ram_count; i++) ram += boot_info.ram[i].size;
  CHECK(ram >= (64u << 20));
  return true;
}

SELFTEST(all_cpus_online) {
  for (unsigned i = 0; i < cpu_count; i++) CHECK(cpus[i].online);
  CHECK(cpu_count == BOARD_CPUS);
  return true;
}

SELFTEST(monotonic_clock_advances) {
  zx_time_t a = arch_monotonic_ns();
  busy_wait_ns(5 * MS);
  zx_time_t b = arch_monotonic_ns();
  CHECK(b - a >= 5 * MS);
  CHECK(b - a < 60000 * MS);  // a wildly wrong scale; a busy host may stall this vCPU
  return true;
}

// The clock multiplies by a 48-bit fixed-point factor instead of dividing: against the
// exact count * 10^9 / frequency it may only round down, by under 1 ns plus
// count / 2^48 (under 10 ns a year at the Pi's 54 MHz).
SELFTEST(counter_to_ns_matches_exact_division) {
  uint64_t hz = arch_timer_frequency();
  const uint64_t counts[] = {0, 1, 7, hz - 1, hz, hz + 1, 3600 * hz, 86400 * 365 * hz,
                             (uint64_t)1 << 50, ((uint64_t)1 << 56) + 12345};
  for (unsigned i = 0; i < sizeof counts / sizeof counts[0]; i++) {
    uint64_t exact = (uint64_t)((unsigned __int128)counts[i] * 1000000000u / hz);
    uint64_t got = (uint64_t)arch_counter_to_ns(counts[i]);
    uint64_t slack = 1 + (counts[i] >> 48);
    if (got > exact || exact - got > slack)
      kprintf("  count %lu: %lu ns, exactly %lu\n", (unsigned long)counts[i], (unsigned long)got,
              (unsigned long)exact);
    CHECK(got <= exact && exact - got <= slack);
  }
  return true;
}

// Waits until another CPU's counter passes before. No time limit: the event must come,
// and a vCPU of a busy host may not run for a while (a hang is the QEMU run's
// timeout); a note after OTHER_CPU_WAIT_NS says which CPU it waits for.
static void wait_for_count(const volatile uint64_t *count, uint64_t before, unsigned cpu,
                           const char *what) {
  zx_time_t note = arch_monotonic_ns() + OTHER_CPU_WAIT_NS;
  while (__atomic_load_n(count, __ATOMIC_RELAXED) <= before) {
    if (note && arch_monotonic_ns() >= note) {
      kprintf("  cpu%u: no %s yet (%lu before), still waiting\n", cpu, what, (unsigned long)before);
      note = 0;
    }
  }
}

SELFTEST(timer_ticks_on_every_cpu) {
  uint64_t before[MAX_CPUS];
  for (unsigned i = 0; i < cpu_count; i++) before[i] = cpus[i].ticks;
  for (unsigned i = 0; i < cpu_count; i++) wait_for_count(&cpus[i].ticks, before[i], i, "timer tick");
  for (unsigned i = 0; i < cpu_count; i++) CHECK(cpus[i].ticks > before[i]);
  return true;
}

SELFTEST(ipi_reaches_every_cpu) {
  for (unsigned i = 0; i < cpu_count; i++) {
    uint64_t before = cpus[i].ipis;
    arch_cpu_kick(i);
    wait_for_count(&cpus[i].ipis, before, i, "IPI");
    CHECK(cpus[i].ipis > before);
  }
  return true;
}

SELFTEST(expected_fault_is_reported_and_survived) {
  uint64_t value = 0;
  uintptr_t unmapped = 0xffffff80beef0008UL;
  CHECK(arch_probe_read64(unmapped, &value) == ZX_ERR_INVALID_ARGS);
  struct cpu *cpu = arch_this_cpu();
  CHECK(esr_is_data_abort(cpu->arch.last_fault_esr));
  CHECK(cpu->last_fault_addr == unmapped);
  char line[160];
  esr_describe(cpu->arch.last_fault_esr, cpu->last_fault_addr, line, sizeof line);
  CHECK(strstr(line, "translation fault") != NULL);
  uint64_t here = 0x1234;
  CHECK(arch_probe_read64((uintptr_t)&here, &value) == ZX_OK && value == 0x1234);
  return true;
}

SELFTEST(symbols_name_functions) {
  const char *name = NULL;
  uint64_t offset = 1;
  uintptr_t fn = (uintptr_t)&busy_wait_ns;
  CHECK(ksyms_lookup(fn - arch_image_base(), &name, &offset));
  CHECK(strcmp(name, "busy_wait_ns") == 0 && offset == 0);
  return true;
}

static volatile unsigned index_seen[MAX_CPUS];

static void record_cpu_index(void *arg) {
  (void)arg;
  index_seen[arch_cpu_index()]++;
}

SELFTEST(each_cpu_knows_its_index) {
  struct thread *t[MAX_CPUS];
  for (unsigned i = 0; i < cpu_count; i++) {
    CHECK(thread_create_kernel("index", record_cpu_index, NULL, &t[i]) == ZX_OK);
    thread_start(t[i], i);
  }
  for (unsigned i = 0; i < cpu_count; i++) thread_join(t[i]);
  for (unsigned i = 0; i < cpu_count; i++) {
    CHECK(index_seen[i] == 1);
    CHECK(cpus[i].index == i);
  }
  return true;
}
