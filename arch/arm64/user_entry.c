// Exceptions from user mode: syscalls (svc #0, number in x16, arguments in x0-x7,
// status back in x0), and faults, which go to exception channels or else kill the
// process with a report.
#include <arch/sysreg.h>
#include <arch/trap_frame.h>
#include <janus/arch.h>
#include <janus/console.h>
#include <janus/exception.h>
#include <janus/fault.h>
#include <janus/process.h>
#include <janus/restricted.h>
#include <janus/thread.h>

#include "arch/arm64/esr.h"

// The program's frame-pointer chain (user code keeps frame pointers), read as the
// program could: tools/qemu-run.sh names each address with addr2line on its ELF.
// #0 is the pc, #1 the link register (the caller, when the faulting function is a
// leaf without a frame record of its own), then one return address per frame record.
#define USER_BACKTRACE_MAX 32
static void print_user_backtrace(const struct trap_frame *frame) {
  kprintf("    backtrace:\n    #0 0x%016lx\n", (unsigned long)frame->elr);
  uint64_t fp = frame->x[29], record[2];
  bool have_record = fp && arch_copy_from_user(record, fp, sizeof record) == ZX_OK;
  unsigned n = 1;
  if (frame->x[30] && (!have_record || record[1] != frame->x[30]))
    kprintf("    #%u 0x%016lx\n", n++, (unsigned long)frame->x[30]);
  while (have_record && record[1] && n < USER_BACKTRACE_MAX) {
    kprintf("    #%u 0x%016lx\n", n++, (unsigned long)record[1]);
    if (record[0] <= fp) break;  // records go up the stack: anything else is garbage
    fp = record[0];
    have_record = arch_copy_from_user(record, fp, sizeof record) == ZX_OK;
  }
}

static void report_user_fault(const struct trap_frame *frame, uint64_t esr, uint64_t far) {
  struct process *p = process_current();
  char line[160];
  esr_describe(esr, far, line, sizeof line);
  // A data abort just below a stack mapping: the thread ran off its stack.
  bool overflow = esr_is_data_abort(esr) && vm_is_stack_guard(p, far);
  kprintf("*** user fault in process %s (koid %lu) on CPU %u: %s%s\n", process_name(p),
          (unsigned long)process_koid(p), arch_cpu_index(), overflow ? "stack overflow: " : "",
          line);
  kprintf("    pc 0x%016lx  sp 0x%016lx  lr 0x%016lx\n", (unsigned long)frame->elr,
          (unsigned long)frame->sp, (unsigned long)frame->x[30]);
  for (int i = 0; i < 30; i += 2)
    kprintf("    x%-2d 0x%016lx  x%-2d 0x%016lx\n", i, (unsigned long)frame->x[i], i + 1,
            (unsigned long)frame->x[i + 1]);
  print_user_backtrace(frame);
}

void exception_sync_user(struct trap_frame *frame) {
  uint64_t esr = read_sysreg(esr_el1);
  struct thread *self = thread_current();
  if (esr_ec(esr) == ESR_EC_SVC64) {
    // vectors.S takes every svc but one with a number past the table: restricted
    // mode's, zx_restricted_enter and the rest of the syscalls.
    frame->x[0] = (uint64_t)(int64_t)ZX_ERR_BAD_SYSCALL;
    return;
  }
  if (esr_ec(esr) == ESR_EC_FP_ASIMD) {  // lazy FP/SIMD: the first use since a switch
    arch_fpsimd_trap(self);
    return;
  }
  uint64_t far = read_sysreg(far_el1);
  arch_irq_enable();
  // VM hook: demand paging and copy on write. A translation fault (FSC 0b0001xx) from
  // EL0 inside a VMAR mapping commits and maps the page; a write's permission fault
  // (0b0011xx) on a page shared copy-on-write gets the VMO's own copy. The
  // instruction then runs again.
  if ((esr_ec(esr) == ESR_EC_DABT_LOWER || esr_ec(esr) == ESR_EC_IABT_LOWER) &&
      !(esr_iss(esr) & ESR_ABT_FNV)) {
    bool exec = esr_ec(esr) == ESR_EC_IABT_LOWER;
    bool write = !exec && (esr_iss(esr) & ESR_ABT_WNR) && !(esr_iss(esr) & ESR_ABT_CM);
    uint32_t iss = esr_iss(esr);
    if ((esr_fsc_is_translation(iss) || (esr_fsc_is_permission(iss) && write)) &&
        vm_handle_user_fault(self->process, far, write, exec, self->in_restricted))
      return;
  }
  // Restricted mode's exceptions go to normal mode, which decides what they mean.
  if (self->in_restricted) {
    restricted_exit(ZX_RESTRICTED_REASON_EXCEPTION, esr, far);
    return;
  }
  // Exception channels first (core/object/exception.c); nobody handling it ends the
  // process, with a report.
  zx_exception_report_t report;
  arch_exception_report(esr, far, &report);
  if (exception_dispatch(frame, report.header.type)) return;
  report_user_fault(frame, esr, far);
  process_kill(process_current(), ZX_TASK_RETCODE_EXCEPTION_KILL);
}

// Runs before every return to user mode, interrupts masked on return.
void user_return_work(struct trap_frame *frame) {
  (void)frame;
  for (;;) {
    arch_irq_disable();
    struct thread *self = thread_current();
    if (self->killed) {
      arch_irq_enable();
      process_thread_exit();
    }
    if (__builtin_expect(self->restricted_kick, 0) && self->in_restricted)
      restricted_exit(ZX_RESTRICTED_REASON_KICK, 0, 0);
    if (!sched_need_resched()) return;
    schedule();
  }
}
