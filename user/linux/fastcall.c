// The system calls the vector runs first, before it saves any FP/SIMD register
// (entry.S): ids that are fixed for the process's life or change only atomically
// (getppid), and sched_yield. They take no lock and, with everything else in this
// file, are compiled without FP/SIMD registers (the pragma), so the Linux program's
// q0-q31, FPSR and FPCR are still in place when it re-enters. Only this file's code
// and the kernel's run on that way: nothing here may call out (no library calls, no
// handler elsewhere) but to zx_nanosleep's stub (svc and ret); the kernel keeps a
// thread's FP/SIMD registers across the switches of a yield as across any switch.
#pragma GCC target("general-regs-only")

#include "fastcall.h"
#include "linux.h"

// The range holds these seven and nothing else; entry.S also relies on the reason.
_Static_assert(LX_NR_getpid == LX_FAST_FIRST && LX_NR_getppid == LX_FAST_FIRST + 1 &&
                   LX_NR_getuid == LX_FAST_FIRST + 2 && LX_NR_geteuid == LX_FAST_FIRST + 3 &&
                   LX_NR_getgid == LX_FAST_FIRST + 4 && LX_NR_getegid == LX_FAST_FIRST + 5 &&
                   LX_NR_gettid == LX_FAST_FIRST + 6 && LX_FAST_LAST == LX_FAST_FIRST + 6,
               "fastcall.h: getpid .. gettid");
_Static_assert(LX_FAST_YIELD < LX_FAST_FIRST && LX_FAST_FUTEX < LX_FAST_FIRST &&
                   LX_FAST_READ + 1 < LX_FAST_FIRST && LX_NR_write == LX_FAST_READ + 1,
               "entry.S: the numbers below the range");
_Static_assert(ZX_RESTRICTED_REASON_SYSCALL == 0, "entry.S: cbnz on the reason");

// nr is in fastcall.h's range. Inline, so the dispatch below is a leaf with no frame.
static inline long fast_call(struct lx_thread *t, uint64_t nr) {
  if (nr == LX_NR_getpid) return t->proc->pid;
  // The parent's pid, or init's once the parent ended (process.c stores it when it
  // reparents): Linux too gives either to a call that races with the parent's exit.
  if (nr == LX_NR_getppid) return __atomic_load_n(&t->proc->ppid, __ATOMIC_RELAXED);
  if (nr == LX_NR_gettid) return t->tid;
  return 0;  // getuid, geteuid, getgid, getegid: one user, root
}

bool lx_dispatch_fast(struct lx_thread *t) {
  zx_restricted_state_t *r = t->regs;
  // in_restricted is still set from the entry: a sender that sees it meanwhile kicks,
  // and the kick only brings the thread back once more (lx_dispatch delivers then).
  r->x[0] = (uint64_t)fast_call(t, r->x[8]);
  t->interrupted = false;
  return lx_may_reenter_unlocked(t);
}

bool lx_dispatch_yield(struct lx_thread *t) {
  // A signal sent meanwhile kicks the thread: in_restricted is still set from the exit.
  zx_nanosleep(0);
  t->regs->x[0] = 0;
  t->interrupted = false;
  return lx_may_reenter_unlocked(t);
}
