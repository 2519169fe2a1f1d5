// The system calls the vector runs first, before it saves any FP/SIMD register
// (entry.S): ids that are fixed for the process's life or change only atomically
// (getppid). They take no lock and, with everything else in this file, are compiled
// without FP/SIMD registers (the pragma), so the Linux program's q0-q31, FPSR and FPCR
// are still in place when it re-enters. Only this file's code and the kernel's run
// on that way: nothing here may call out (no library calls, no handler elsewhere).
#pragma GCC target("general-regs-only")

#include "linux.h"
#include "linux_syscalls.h"  // generated: LX_NR_*

// The call's result, or LX_REGS_SET if nr is not one of this file's: inline, so the
// dispatch below is a leaf with no frame.
static inline long fast_call(struct lx_thread *t, uint64_t nr) {
  switch (nr) {
    case LX_NR_getpid:
      return t->proc->pid;
    case LX_NR_gettid:
      return t->tid;
    // The parent's pid, or init's once the parent ended (process.c stores it when it
    // reparents): Linux too gives either to a call that races with the parent's exit.
    case LX_NR_getppid:
      return __atomic_load_n(&t->proc->ppid, __ATOMIC_RELAXED);
    case LX_NR_getuid:
    case LX_NR_geteuid:
    case LX_NR_getgid:
    case LX_NR_getegid:
      return 0;  // one user: root
    default:
      return LX_REGS_SET;
  }
}

// Senders set what this reads, then look at in_restricted (lx_thread_wake): one of the
// two sees the other, so a signal is delivered now or a kick brings the thread back.
static inline bool may_reenter_unlocked(struct lx_thread *t) {
  __atomic_store_n(&t->in_restricted, true, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (!__atomic_load_n(&t->exiting, __ATOMIC_RELAXED) &&
      __atomic_load_n(&t->proc->state, __ATOMIC_RELAXED) == LX_PROC_LIVE && !lx_signal_pending(t) &&
      !t->restore_sigmask)
    return true;
  __atomic_store_n(&t->in_restricted, false, __ATOMIC_RELAXED);
  return false;
}

bool lx_may_reenter_unlocked(struct lx_thread *t) { return may_reenter_unlocked(t); }

enum lx_fast lx_dispatch_fast(struct lx_thread *t, uint64_t reason) {
  zx_restricted_state_t *r = t->regs;
  long ret = fast_call(t, r->x[8]);
  if (reason != ZX_RESTRICTED_REASON_SYSCALL || ret == LX_REGS_SET) return LX_FAST_NONE;
  // in_restricted is still set from the entry: a sender that sees it meanwhile kicks,
  // and the kick only brings the thread back once more (lx_dispatch delivers then).
  r->x[0] = (uint64_t)ret;
  t->interrupted = false;
  return may_reenter_unlocked(t) ? LX_FAST_REENTER : LX_FAST_FINISH;
}
