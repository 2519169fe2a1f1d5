// Per-CPU state the portable kernel keeps. The arch layer finds the running CPU's
// entry in one register read (arch_this_cpu()).
#ifndef JANUS_CPU_H_
#define JANUS_CPU_H_

#include <arch/cpu_state.h>
#include <stdbool.h>
#include <stdint.h>

#define MAX_CPUS 8

struct thread;

struct cpu {
  unsigned index;
  uint64_t hw_id;          // the hardware's name for it (arch_cpu_hw_id)
  volatile bool online;
  volatile uint64_t ticks;  // timer interrupts taken
  volatile uint64_t ipis;   // inter-processor interrupts taken
  uintptr_t fault_resume;   // nonzero: a fault in kernel mode resumes here (expected faults)
  uintptr_t stack_top;
  uintptr_t stack_bottom;
  uint64_t last_fault_addr;  // where the last expected fault was (for self-tests)
  struct thread *current;      // running thread
  struct thread *idle;         // the boot context, run when nothing else is ready
  struct thread *dead;         // exited thread whose stack the next thread frees
  volatile bool need_resched;  // set by the tick: switch before returning to EL0
  struct arch_cpu_state arch;  // what only the architecture keeps per CPU
};

extern struct cpu cpus[MAX_CPUS];
extern unsigned cpu_count;  // CPUs the device tree describes (up to MAX_CPUS)

#endif  // JANUS_CPU_H_
