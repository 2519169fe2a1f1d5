// Signals: sending (kill, tgkill, faults, SIGCHLD, SIGPIPE), and delivery, which
// happens on the way back into restricted mode: a handler gets Linux's arm64 signal
// frame (siginfo, ucontext with the registers and an FP/SIMD record) on its stack
// and returns through rt_sigreturn; default actions end the process (wait status =
// the signal) or ignore. No job control: stop signals are ignored.
#include <stdlib.h>
#include <string.h>

#include "linux.h"

#define BIT LX_SIG_BIT
#define UNBLOCKABLE LX_SIG_UNBLOCKABLE

const char *const lx_signal_names[LX_NSIG + 1] = {
    [LX_SIGHUP] = "SIGHUP",   [LX_SIGINT] = "SIGINT",   [LX_SIGQUIT] = "SIGQUIT",
    [LX_SIGILL] = "SIGILL",   [LX_SIGTRAP] = "SIGTRAP", [LX_SIGABRT] = "SIGABRT",
    [LX_SIGBUS] = "SIGBUS",   [LX_SIGFPE] = "SIGFPE",   [LX_SIGKILL] = "SIGKILL",
    [LX_SIGUSR1] = "SIGUSR1", [LX_SIGSEGV] = "SIGSEGV", [LX_SIGUSR2] = "SIGUSR2",
    [LX_SIGPIPE] = "SIGPIPE", [LX_SIGALRM] = "SIGALRM", [LX_SIGTERM] = "SIGTERM",
    [LX_SIGCHLD] = "SIGCHLD", [LX_SIGCONT] = "SIGCONT", [LX_SIGSTOP] = "SIGSTOP",
    [LX_SIGTSTP] = "SIGTSTP", [LX_SIGTTIN] = "SIGTTIN", [LX_SIGTTOU] = "SIGTTOU",
};

static bool default_ignores(int sig) {
  return sig == LX_SIGCHLD || sig == LX_SIGURG || sig == LX_SIGWINCH || sig == LX_SIGCONT ||
         sig == LX_SIGSTOP || sig == LX_SIGTSTP || sig == LX_SIGTTIN || sig == LX_SIGTTOU;
}

static bool ignored(struct lx_process *p, int sig) {
  if (sig == LX_SIGKILL) return false;
  uint64_t h = p->actions[sig - 1].handler;
  return h == LX_SIG_IGN || (h == LX_SIG_DFL && default_ignores(sig));
}

// A thread's mask, as another thread sees it: the thread changes its own without the
// lock (rt_sigprocmask is lockless), so a sender sets pending first, then fences and
// reads the mask; the thread writes its mask, fences and reads pending on its way
// back (syscall.c). One of the two sees the other's write.
static uint64_t mask_of(struct lx_thread *t) {
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  return __atomic_load_n(&t->sigmask, __ATOMIC_RELAXED);
}

void lx_signal_send_thread(struct lx_thread *t, int sig) {
  if (sig <= 0 || sig > LX_NSIG) return;
  if (ignored(t->proc, sig) && !(mask_of(t) & BIT(sig))) return;
  __atomic_or_fetch(&t->pending, BIT(sig), __ATOMIC_RELAXED);
  lx_thread_wake(t);
}

void lx_signal_send_process(struct lx_process *p, int sig) {
  if (sig <= 0 || sig > LX_NSIG || p->state != LX_PROC_LIVE) return;
  if (ignored(p, sig)) return;
  __atomic_or_fetch(&p->pending, BIT(sig), __ATOMIC_RELAXED);
  // Any thread that does not block it may take it: wake them all to look.
  for (struct lx_thread *t = p->threads; t; t = t->next)
    if (!(mask_of(t) & BIT(sig)) || sig == LX_SIGKILL) lx_thread_wake(t);
}

void lx_signal_reset_on_exec(struct lx_process *p) {
  for (int i = 0; i < LX_NSIG; i++) {
    uint64_t h = p->actions[i].handler;
    memset(&p->actions[i], 0, sizeof p->actions[i]);
    if (h == LX_SIG_IGN) p->actions[i].handler = LX_SIG_IGN;
  }
}

// The one-line report of a death by signal.
static void report_death(struct lx_thread *t, int sig, uintptr_t addr) {
  const char *name = lx_signal_names[sig] ? lx_signal_names[sig] : "signal";
  if (sig == LX_SIGSEGV || sig == LX_SIGBUS || sig == LX_SIGILL || sig == LX_SIGTRAP ||
      sig == LX_SIGFPE)
    lx_log("pid %d (%s) killed by %s at pc 0x%lx, address 0x%lx", t->proc->pid, t->proc->name, name,
           (unsigned long)t->regs->pc, (unsigned long)addr);
}

// Builds the frame for sig on the thread's stack and points it at the handler. false:
// the stack is unusable.
static bool setup_frame(struct lx_thread *t, int sig, const struct lx_sigaction *sa,
                        const struct lx_siginfo *info) {
  zx_restricted_state_t *r = t->regs;
  uintptr_t sp = r->sp;
  bool on_alt = t->altstack.ss_flags != LX_SS_DISABLE && t->altstack.ss_size &&
                !(sp >= t->altstack.ss_sp && sp < t->altstack.ss_sp + t->altstack.ss_size);
  if ((sa->flags & LX_SA_ONSTACK) && on_alt) sp = t->altstack.ss_sp + t->altstack.ss_size;
  struct lx_rt_sigframe *f = calloc(1, sizeof *f);
  if (!f) return false;
  uintptr_t at = (sp - sizeof *f) & ~15ul;
  f->info = *info;
  f->uc.uc_stack.ss_sp = t->altstack.ss_sp;
  f->uc.uc_stack.ss_size = t->altstack.ss_size;
  f->uc.uc_stack.ss_flags = t->altstack.ss_flags;
  f->uc.uc_sigmask = t->restore_sigmask ? t->saved_sigmask : t->sigmask;
  t->restore_sigmask = false;
  struct lx_sigcontext *sc = &f->uc.uc_mcontext;
  sc->fault_address = info->si_signo == LX_SIGSEGV || info->si_signo == LX_SIGBUS ? info->addr : 0;
  memcpy(sc->regs, r->x, sizeof sc->regs);
  sc->sp = r->sp;
  sc->pc = r->pc;
  sc->pstate = r->cpsr;
  struct lx_fpsimd_context *fp = (struct lx_fpsimd_context *)sc->__reserved;
  fp->magic = LX_FPSIMD_MAGIC;
  fp->size = sizeof *fp;
  fp->fpsr = (uint32_t)t->fp[64];
  fp->fpcr = (uint32_t)t->fp[65];
  memcpy(fp->vregs, t->fp, sizeof fp->vregs);
  // The record after it is the terminator (zeros, from calloc).
  f->fp = r->x[29];
  f->lr = r->x[30];
  bool ok = lx_copy_out(t, at, f, sizeof *f) == 0;
  free(f);
  if (!ok) return false;
  r->x[0] = (uint64_t)sig;
  r->x[1] = at + __builtin_offsetof(struct lx_rt_sigframe, info);
  r->x[2] = at + __builtin_offsetof(struct lx_rt_sigframe, uc);
  r->x[29] = at + __builtin_offsetof(struct lx_rt_sigframe, fp);
  r->x[30] = (sa->flags & LX_SA_RESTORER) ? sa->restorer : lx_sigtramp();
  r->sp = at;
  r->pc = sa->handler;
  t->sigmask |= sa->mask | (sa->flags & LX_SA_NODEFER ? 0 : BIT(sig));
  t->sigmask &= ~UNBLOCKABLE;
  if (sa->flags & LX_SA_RESETHAND) memset(&t->proc->actions[sig - 1], 0, sizeof *sa);
  return true;
}

// Delivers one signal; a fatal one does not return.
static void deliver(struct lx_thread *t, int sig, const struct lx_siginfo *info, uintptr_t addr) {
  struct lx_process *p = t->proc;
  struct lx_sigaction sa = p->actions[sig - 1];
  if (sig == LX_SIGKILL || sa.handler == LX_SIG_DFL) {
    if (default_ignores(sig)) return;
    report_death(t, sig, addr);
    lx_process_exit(t, sig);
  }
  if (sa.handler == LX_SIG_IGN) return;
  if (t->interrupted && (sa.flags & LX_SA_RESTART)) {  // back to the svc after the handler
    t->regs->x[0] = t->orig_x0;
    t->regs->pc -= 4;
  }
  t->interrupted = false;
  if (!setup_frame(t, sig, &sa, info)) {
    report_death(t, LX_SIGSEGV, t->regs->sp);
    lx_process_exit(t, LX_SIGSEGV);
  }
}

void lx_signal_deliver(struct lx_thread *t) {
  for (int round = 0; round < LX_NSIG; round++) {
    uint64_t ready = (t->pending | t->proc->pending) & ~(t->sigmask & ~UNBLOCKABLE);
    if (!ready) break;
    int sig = __builtin_ctzll(ready) + 1;
    struct lx_siginfo info = {.si_signo = sig, .si_code = LX_SI_USER};
    if (t->pending & BIT(sig)) t->pending &= ~BIT(sig);
    else t->proc->pending &= ~BIT(sig);
    deliver(t, sig, &info, 0);
    if (t->proc->actions[sig - 1].handler > LX_SIG_IGN) break;  // one frame at a time
  }
  if (t->restore_sigmask) {  // rt_sigsuspend woken by a signal that ran no handler
    t->sigmask = t->saved_sigmask;
    t->restore_sigmask = false;
  }
}

void lx_signal_fault(struct lx_thread *t, int sig, int code, uintptr_t addr) {
  struct lx_sigaction *sa = &t->proc->actions[sig - 1];
  // A fault that is blocked or ignored cannot be survived (Linux forces the default).
  if ((t->sigmask & BIT(sig)) || sa->handler == LX_SIG_IGN) sa->handler = LX_SIG_DFL;
  struct lx_siginfo info = {.si_signo = sig, .si_code = code, .addr = addr};
  deliver(t, sig, &info, addr);
}

long lx_sys_rt_sigreturn(struct lx_thread *t, const uint64_t *a) {
  (void)a;
  zx_restricted_state_t *r = t->regs;
  struct lx_rt_sigframe *f = malloc(sizeof *f);
  if (!f || lx_copy_in(t, f, r->sp, sizeof *f) != 0) {
    free(f);
    report_death(t, LX_SIGSEGV, r->sp);
    lx_process_exit(t, LX_SIGSEGV);
  }
  struct lx_sigcontext *sc = &f->uc.uc_mcontext;
  memcpy(r->x, sc->regs, sizeof r->x);
  r->sp = sc->sp;
  r->pc = sc->pc;
  r->cpsr = (uint32_t)sc->pstate & 0xf0000000u;  // NZCV only
  const struct lx_fpsimd_context *fp = (const struct lx_fpsimd_context *)sc->__reserved;
  if (fp->magic == LX_FPSIMD_MAGIC && fp->size == sizeof *fp) {
    memcpy(t->fp, fp->vregs, sizeof fp->vregs);
    t->fp[64] = fp->fpsr;
    t->fp[65] = fp->fpcr;
  }
  t->sigmask = f->uc.uc_sigmask & ~UNBLOCKABLE;
  free(f);
  return LX_REGS_SET;
}

long lx_sys_rt_sigaction(struct lx_thread *t, const uint64_t *a) {
  int sig = (int)a[0];
  if (sig <= 0 || sig > LX_NSIG || a[3] != 8) return -LX_EINVAL;
  struct lx_sigaction *cur = &t->proc->actions[sig - 1], next;
  if (a[1]) {
    if (sig == LX_SIGKILL || sig == LX_SIGSTOP) return -LX_EINVAL;
    if (lx_copy_in(t, &next, a[1], sizeof next) != 0) return -LX_EFAULT;
  }
  if (a[2] && lx_copy_out(t, a[2], cur, sizeof *cur) != 0) return -LX_EFAULT;
  if (a[1]) {
    *cur = next;
    cur->mask &= ~UNBLOCKABLE;
    if (ignored(t->proc, sig)) {  // pending ones are dropped (POSIX)
      t->proc->pending &= ~BIT(sig);
      for (struct lx_thread *o = t->proc->threads; o; o = o->next) o->pending &= ~BIT(sig);
    }
  }
  return 0;
}

// Lockless (syscall.c): only this thread writes its mask; mask_of says how senders
// read it. A signal it unblocks is delivered on the way back.
long lx_sys_rt_sigprocmask(struct lx_thread *t, const uint64_t *a) {
  if (a[3] != 8) return -LX_EINVAL;
  uint64_t set = 0, old = t->sigmask, mask;
  if (a[1] && lx_copy_in_lockless(t, &set, a[1], 8) != 0) return -LX_EFAULT;
  if (a[1]) {
    switch (a[0]) {
      case LX_SIG_BLOCK:
        mask = old | set;
        break;
      case LX_SIG_UNBLOCK:
        mask = old & ~set;
        break;
      case LX_SIG_SETMASK:
        mask = set;
        break;
      default:
        return -LX_EINVAL;
    }
    __atomic_store_n(&t->sigmask, mask & ~UNBLOCKABLE, __ATOMIC_RELAXED);
  }
  if (a[2] && lx_copy_out_lockless(t, a[2], &old, 8) != 0) return -LX_EFAULT;
  return 0;
}

long lx_sys_rt_sigpending(struct lx_thread *t, const uint64_t *a) {
  uint64_t set = (t->pending | t->proc->pending) & t->sigmask;
  if (a[1] != 8) return -LX_EINVAL;
  return lx_copy_out(t, a[0], &set, 8);
}

long lx_sys_rt_sigsuspend(struct lx_thread *t, const uint64_t *a) {
  uint64_t set, old = t->sigmask;
  if (a[1] != 8) return -LX_EINVAL;
  if (lx_copy_in(t, &set, a[0], 8) != 0) return -LX_EFAULT;
  t->sigmask = set & ~UNBLOCKABLE;
  while (lx_sleep(t, NULL, ZX_TIME_INFINITE) != -LX_EINTR) {}
  // The handler runs with the suspend mask; rt_sigreturn restores the old one.
  t->saved_sigmask = old;
  t->restore_sigmask = true;
  return -LX_EINTR;
}

long lx_sys_sigaltstack(struct lx_thread *t, const uint64_t *a) {
  struct lx_stack next, old = t->altstack;
  if (a[0] && lx_copy_in(t, &next, a[0], sizeof next) != 0) return -LX_EFAULT;
  if (a[1] && lx_copy_out(t, a[1], &old, sizeof old) != 0) return -LX_EFAULT;
  if (a[0]) {
    if (next.ss_flags & ~LX_SS_DISABLE) return -LX_EINVAL;
    if (!(next.ss_flags & LX_SS_DISABLE) && next.ss_size < 2048) return -LX_ENOMEM;
    t->altstack = next;
  }
  return 0;
}

static int send_to(struct lx_thread *t, int pid, int sig);

long lx_sys_kill(struct lx_thread *t, const uint64_t *a) {
  int pid = (int)a[0], sig = (int)a[1];
  if (sig < 0 || sig > LX_NSIG) return -LX_EINVAL;
  return send_to(t, pid, sig);
}

struct group_kill {
  int pgid, sig, count;
  struct lx_process *except;
};
static void kill_member(struct lx_process *p, void *arg) {
  struct group_kill *g = arg;
  if ((g->pgid == -1 && p != g->except && p->pid != 1) || p->pgid == g->pgid) {
    g->count++;
    if (g->sig) lx_signal_send_process(p, g->sig);
  }
}

static int send_to(struct lx_thread *t, int pid, int sig) {
  if (pid > 0) {
    struct lx_process *p = lx_process_find(pid);
    if (!p || p->state == LX_PROC_ZOMBIE) return -LX_ESRCH;
    if (sig) lx_signal_send_process(p, sig);
    return 0;
  }
  struct group_kill g = {.pgid = pid == 0    ? t->proc->pgid
                                 : pid == -1 ? -1
                                             : -pid,
                         .sig = sig,
                         .except = t->proc};
  lx_process_each(kill_member, &g);
  return g.count ? 0 : -LX_ESRCH;
}

long lx_sys_tgkill(struct lx_thread *t, const uint64_t *a) {
  int tgid = (int)a[0], tid = (int)a[1], sig = (int)a[2];
  if (sig < 0 || sig > LX_NSIG || tid <= 0) return -LX_EINVAL;
  struct lx_thread *target = lx_thread_find(tid);
  if (!target || (tgid > 0 && target->proc->pid != tgid) || target->proc->state != LX_PROC_LIVE)
    return -LX_ESRCH;
  if (sig) {
    if (sig == LX_SIGKILL) lx_signal_send_process(target->proc, sig);
    else lx_signal_send_thread(target, sig);
  }
  (void)t;
  return 0;
}

long lx_sys_tkill(struct lx_thread *t, const uint64_t *a) {
  uint64_t args[3] = {0, a[0], a[1]};
  return lx_sys_tgkill(t, args);
}
