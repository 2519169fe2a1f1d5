// The Arm generic timer: EL1 virtual timer for the periodic tick and the nearest
// deadline (whichever is first), virtual counter for the monotonic clock (CNTVOFF is
// 0, set at boot when entered at EL2).
#include <arch/irq.h>
#include <janus/testing.h>
#include <arch/sysreg.h>
#include <board.h>
#include <janus/arch.h>
#include <janus/cpu.h>
#include <janus/thread.h>
#include <janus/timer.h>


#include "drivers/irq/gicv2.h"

#define TICK_HZ 100
#define NS_PER_SEC 1000000000ULL

static uint64_t counter_hz;
static uint64_t ticks_per_tick;
// ns = count * ns_per_count_q48 >> 48: a multiply instead of a 128-bit division on
// every clock read. 48 fraction bits keep the error under 10 ns a year at 54 MHz, and
// the factor fits 64 bits for any counter above 16 kHz.
#define NS_FRACTION_BITS 48
static uint64_t ns_per_count_q48;
// count = ns * counts_per_ns_q32 >> 32 (the other way, for deadlines).
static uint64_t counts_per_ns_q32;
// Per CPU: the counter value of the next tick, and the deadline asked for.
static uint64_t next_tick[MAX_CPUS];
static uint64_t deadline_count[MAX_CPUS];

uint64_t arch_timer_frequency(void) {
  if (!counter_hz) {
    uint64_t hz = read_sysreg(cntfrq_el0);
    if (!hz) hz = BOARD_TIMER_FREQ_HZ;
    ticks_per_tick = hz / TICK_HZ;
    ns_per_count_q48 = (uint64_t)(((unsigned __int128)NS_PER_SEC << NS_FRACTION_BITS) / hz);
    counts_per_ns_q32 = (uint64_t)(((unsigned __int128)hz << 32) / NS_PER_SEC) + 1;  // rounds up
    __atomic_store_n(&counter_hz, hz, __ATOMIC_RELEASE);
  }
  return counter_hz;
}

zx_time_t arch_counter_to_ns(uint64_t count) {
  if (__builtin_expect(!ns_per_count_q48, 0)) arch_timer_frequency();
  return (zx_time_t)((unsigned __int128)count * ns_per_count_q48 >> NS_FRACTION_BITS);
}

zx_time_t arch_monotonic_ns(void) {
  isb();  // the counter read must not be hoisted above earlier instructions
  return arch_counter_to_ns(read_sysreg(cntvct_el0));
}

static void program(unsigned cpu) {
  uint64_t at = next_tick[cpu] < deadline_count[cpu] ? next_tick[cpu] : deadline_count[cpu];
  write_sysreg(cntv_cval_el0, at);
}

void arch_timer_set_deadline(zx_time_t deadline) {
  unsigned cpu = arch_cpu_index();
  deadline_count[cpu] = deadline == ZX_TIME_INFINITE || deadline < 0
                            ? UINT64_MAX
                            : (uint64_t)((unsigned __int128)deadline * counts_per_ns_q32 >> 32);
  program(cpu);
}

void timer_init_cpu(void) {
  arch_timer_frequency();
  write_sysreg(cntkctl_el1, CNTKCTL_EL0VCTEN);  // the user runtime's zx_ticks_get
  unsigned cpu = arch_cpu_index();
  next_tick[cpu] = read_sysreg(cntvct_el0) + ticks_per_tick;
  deadline_count[cpu] = UINT64_MAX;
  program(cpu);
  write_sysreg(cntv_ctl_el0, 1);  // enabled, not masked
  gic_enable_ppi(IRQ_VIRTUAL_TIMER);
}

void timer_handle_irq(void) {
  unsigned cpu = arch_cpu_index();
  if (read_sysreg(cntvct_el0) >= next_tick[cpu]) {
    // Next tick from the last one, so the tick does not drift.
    next_tick[cpu] += ticks_per_tick;
    arch_this_cpu()->ticks++;
    sched_tick();
  }
  deadline_count[cpu] = UINT64_MAX;  // timer_tick asks again for the next one
  program(cpu);
  timer_tick();
}
