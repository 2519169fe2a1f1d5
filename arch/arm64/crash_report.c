// Crash reports: exception class decoded from ESR, FAR, ELR, SPSR, every register,
// a frame-pointer backtrace with symbol names, the CPU number.
#include "arch/arm64/crash_report.h"

#include <janus/arch.h>
#include <janus/console.h>
#include <janus/cpu.h>
#include <janus/panic.h>
#include <janus/thread.h>

#include "arch/arm64/esr.h"
#include "lib/ksyms.h"

void capture_registers(struct trap_frame *frame);

#define BACKTRACE_MAX_FRAMES 32

void print_symbolized(const char *label, uintptr_t addr) {
  const char *name;
  uint64_t offset;
  uintptr_t base = arch_image_base();
  if (addr >= base && ksyms_lookup(addr - base, &name, &offset))
    kprintf("%s 0x%016lx %s+0x%lx\n", label, addr, name, (unsigned long)offset);
  else
    kprintf("%s 0x%016lx\n", label, addr);
}

// Follows saved {fp, lr} records, only while they stay inside the running thread's
// kernel stack (the CPU's boot stack before the scheduler runs).
void print_backtrace(uintptr_t fp) {
  struct cpu *cpu = arch_this_cpu();
  const struct thread *t = cpu->current;
  uintptr_t bottom = t ? t->kstack_bottom : cpu->stack_bottom;
  uintptr_t top = t ? t->kstack_top : cpu->stack_top;
  kprintf("backtrace:\n");
  for (int depth = 0; depth < BACKTRACE_MAX_FRAMES && fp; depth++) {
    if (fp & 15 || fp < bottom || fp + 16 > top) {
      kprintf("  (frame pointer 0x%lx leaves the stack)\n", (unsigned long)fp);
      return;
    }
    const uintptr_t *record = (const uintptr_t *)fp;
    if (!record[1]) return;
    print_symbolized("  ", record[1] - 4);  // the call, not the return address
    fp = record[0];
  }
}

static void print_registers(const struct trap_frame *frame) {
  print_symbolized("ELR ", frame->elr);
  kprintf("SPSR 0x%016lx  SP  0x%016lx\n", (unsigned long)frame->spsr, (unsigned long)frame->sp);
  for (int i = 0; i < 30; i += 2)
    kprintf("x%-2d 0x%016lx  x%-2d 0x%016lx\n", i, (unsigned long)frame->x[i], i + 1,
            (unsigned long)frame->x[i + 1]);
  kprintf("x30 0x%016lx\n", (unsigned long)frame->x[30]);
  print_symbolized("LR  ", frame->x[30]);
  print_backtrace(frame->x[29]);
}

void crash_report(const struct trap_frame *frame, uint64_t esr, uint64_t far, const char *what) {
  if (!panic_begin()) {
    for (;;) arch_wait_for_interrupt();
  }
  char line[160];
  esr_describe(esr, far, line, sizeof line);
  kprintf("\n*** KERNEL PANIC on CPU %u: %s\n", arch_cpu_index(), what);
  kprintf("%s\n", line);
  kprintf("ESR  0x%016lx  FAR 0x%016lx\n", (unsigned long)esr, (unsigned long)far);
  print_registers(frame);
  panic_halt();
}

// noinline with a frame of its own, so the captured frame pointer starts the chain
// at its caller (panic).
__attribute__((noinline, optimize("no-optimize-sibling-calls"))) void arch_dump_state_here(void) {
  struct trap_frame frame;
  capture_registers(&frame);
  print_registers(&frame);
}
