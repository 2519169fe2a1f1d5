#include <janus/arch.h>
#include <janus/console.h>
#include <janus/exit.h>
#include <janus/panic.h>
#include <stdarg.h>

static volatile int panicking;

bool panic_begin(void) {
  arch_irq_disable();
  if (__atomic_exchange_n(&panicking, 1, __ATOMIC_ACQ_REL)) return false;
  console_enter_panic_mode();
  return true;
}

void panic(const char *fmt, ...) {
  // One CPU reports; a second panicking CPU just stops.
  if (!panic_begin()) {
    for (;;) arch_wait_for_interrupt();
  }
  kprintf("\n*** KERNEL PANIC on CPU %u: ", arch_cpu_index());
  va_list args;
  va_start(args, fmt);
  kvprintf(fmt, args);
  va_end(args);
  kprintf("\n");
  arch_dump_state_here();
  panic_halt();
}

void panic_halt(void) {
  arch_stop_other_cpus();
  kprintf("*** system halted\n");
  kernel_exit(PANIC_EXIT_STATUS);
}
