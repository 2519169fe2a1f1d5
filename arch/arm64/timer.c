// The Arm generic timer: EL1 virtual timer for the periodic tick, virtual counter
// for the monotonic clock (CNTVOFF is 0, set at boot when entered at EL2).
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

uint64_t arch_timer_frequency(void) {
  if (!counter_hz) {
    uint64_t hz = read_sysreg(cntfrq_el0);
    if (!hz) hz = BOARD_TIMER_FREQ_HZ;
    ticks_per_tick = hz / TICK_HZ;
    ns_per_count_q48 = (uint64_t)(((unsigned __int128)NS_PER_SEC << NS_FRACTION_BITS) / hz);
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

void timer_init_cpu(void) {
  arch_timer_frequency();
  write_sysreg(cntkctl_el1, CNTKCTL_EL0VCTEN);  // the user runtime's zx_ticks_get
  write_sysreg(cntv_cval_el0, read_sysreg(cntvct_el0) + ticks_per_tick);
  write_sysreg(cntv_ctl_el0, 1);  // enabled, not masked
  gic_enable_ppi(IRQ_VIRTUAL_TIMER);
}

void timer_handle_irq(void) {
  // Next deadline from the last one, so the tick does not drift.
  write_sysreg(cntv_cval_el0, read_sysreg(cntv_cval_el0) + ticks_per_tick);
  arch_this_cpu()->ticks++;
  sched_tick();
  timer_tick();
}
