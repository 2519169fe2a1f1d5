// The way back from restricted mode (entry.S calls lx_dispatch): a Linux system call
// (svc #0, number in x8, arguments in x0-x5) runs its handler and its result goes to
// x0; a fault becomes a signal; a kick only brings the thread here to take a signal.
// Then pending signals are delivered and the thread re-enters. The locking rules are
// at the top of linux.h.
#include <string.h>

#include "linux.h"
#include "linux_syscalls.h"  // generated: LX_NR_* and LX_SYSCALL_NAMES

// Every handler is lx_sys_<name>, <name> as in Linux's syscall list. The ids
// (getpid, getppid, gettid, getuid, ...) and sched_yield are fastcall.c's: they never
// get here.
#define LX_HANDLERS(X)                                                                         \
  X(getcwd) X(dup) X(dup3) X(fcntl) X(ioctl) X(mkdirat) X(unlinkat) X(symlinkat) X(linkat)     \
  X(renameat) X(renameat2) X(ftruncate) X(faccessat) X(faccessat2) X(chdir) X(fchdir)          \
  X(fchmod) X(fchmodat) X(fchownat) X(fchown) X(openat) X(close) X(pipe2) X(getdents64)        \
  X(lseek) X(read) X(write) X(readv) X(writev) X(pread64) X(pwrite64) X(preadv) X(pwritev)    \
  X(readlinkat)                                                                                \
  X(newfstatat) X(fstat) X(statx) X(fsync) X(fdatasync) X(utimensat) X(umask) X(ppoll)         \
  X(pselect6) X(exit) X(exit_group) X(wait4) X(set_tid_address) X(futex)             \
  X(set_robust_list) X(get_robust_list) X(nanosleep) X(clock_gettime) X(clock_getres)          \
  X(clock_nanosleep) X(sched_getaffinity) X(kill) X(tkill) X(tgkill)                            \
  X(sigaltstack) X(rt_sigsuspend) X(rt_sigaction) X(rt_sigprocmask) X(rt_sigpending)           \
  X(rt_sigreturn) X(setpgid) X(getpgid) X(getsid) X(setsid) X(getgroups) X(uname)              \
  X(getrlimit) X(setrlimit) X(getrusage) X(prctl) X(gettimeofday) X(sysinfo) X(brk) X(munmap)   \
  X(mremap)                                                                                    \
  X(clone) X(execve) X(mmap) X(mprotect) X(msync) X(madvise) X(prlimit64) X(getrandom)         \
  X(times) X(setuid) X(setgid) X(setreuid) X(setregid) X(setresuid) X(setresgid)               \
  X(getresuid) X(getresgid) X(sync) X(syncfs) X(sched_setaffinity)                             \
  X(mknodat) X(sendfile) X(fstatfs) X(statfs) X(getcpu) X(getitimer) X(setitimer)

// Handlers that run without lx_lock (linux.h, "Locking"): they read only what never
// changes while the process lives (pid, tid, the sibling's handles) or is the calling
// thread's alone (its signal mask: signal.c says how senders read it), and otherwise
// call the kernel; their copies take the lock for the check (lx_copy_*_lockless).
#define LX_LOCKLESS(X)                                                                         \
  X(getresuid) X(getresgid) X(getgroups) X(uname) X(clock_gettime) X(clock_getres)             \
  X(gettimeofday) X(times) X(getrandom) X(sched_getaffinity) X(getcpu)                         \
  X(madvise) X(set_tid_address) X(rt_sigprocmask)

#define DECLARE(name) long lx_sys_##name(struct lx_thread *t, const uint64_t *a);
LX_HANDLERS(DECLARE)
#define ENTRY(name) [LX_NR_##name] = lx_sys_##name,
static const lx_syscall_fn handlers[] = {LX_HANDLERS(ENTRY)};
#define LOCKLESS_ENTRY(name) [LX_NR_##name] = true,
static const bool lockless[sizeof handlers / sizeof handlers[0]] = {LX_LOCKLESS(LOCKLESS_ENTRY)};
static const char *const names[] = {LX_SYSCALL_NAMES};
#define HANDLERS (sizeof handlers / sizeof handlers[0])
#define NAMES (sizeof names / sizeof names[0])

// Each number is logged once (numbers past REPORTED: the first of them only), so a
// program cannot flood the console.
#define REPORTED (NAMES > 8192 ? NAMES : 8192)
static uint64_t reported[REPORTED / 64 + 1];

static long unimplemented(uint64_t nr) {
  uint64_t bit = nr < REPORTED ? nr : REPORTED;
  if (reported[bit / 64] & (1ull << (bit % 64))) return -LX_ENOSYS;
  reported[bit / 64] |= 1ull << (bit % 64);
  if (nr < NAMES && names[nr])
    lx_log("unimplemented system call %lu (%s): -ENOSYS", (unsigned long)nr, names[nr]);
  else
    lx_log("unknown system call %lu: -ENOSYS%s", (unsigned long)nr,
           nr < REPORTED ? "" : " (larger unknown numbers are not logged again)");
  return -LX_ENOSYS;
}

// arm64 ESR_ELx: exception class and, for aborts, the fault status code.
#define ESR_EC(esr) ((esr) >> 26)
#define ESR_DFSC(esr) ((esr) & 0x3f)

static void fault(struct lx_thread *t) {
  const zx_restricted_exception_t *ex = (const zx_restricted_exception_t *)t->regs;
  uint32_t type = ex->exception.header.type;
  uint32_t esr = ex->exception.context.arch.u.arm_64.esr;
  uint64_t far = ex->exception.context.arch.u.arm_64.far;
  switch (type) {
    case ZX_EXCP_FATAL_PAGE_FAULT: {
      unsigned fsc = ESR_DFSC(esr) >> 2;  // 1 translation, 2 access flag, 3 permission
      lx_signal_fault(t, LX_SIGSEGV, fsc == 3 ? LX_SEGV_ACCERR : LX_SEGV_MAPERR, far);
      break;
    }
    case ZX_EXCP_UNALIGNED_ACCESS: lx_signal_fault(t, LX_SIGBUS, LX_BUS_ADRALN, far); break;
    case ZX_EXCP_UNDEFINED_INSTRUCTION: lx_signal_fault(t, LX_SIGILL, LX_ILL_ILLOPC, t->regs->pc); break;
    case ZX_EXCP_SW_BREAKPOINT:
    case ZX_EXCP_HW_BREAKPOINT: lx_signal_fault(t, LX_SIGTRAP, 1, t->regs->pc); break;
    default: lx_signal_fault(t, LX_SIGSEGV, LX_SEGV_MAPERR, far); break;
  }
}

void lx_return_to_linux(struct lx_thread *t) {
  if (t->put_file) {  // pipe.c's fast way held the last reference
    lx_file_put(t->put_file);
    t->put_file = NULL;
  }
  if (t->exiting || t->proc->state != LX_PROC_LIVE) lx_thread_exit(t);
  lx_signal_deliver(t);
  lx_reenter_unlock(t);
}

void lx_dispatch(struct lx_thread *t, uint64_t reason, bool fast_done) {
  if (fast_done) {
    lx_lock();
    lx_return_to_linux(t);
    return;
  }
  __atomic_store_n(&t->in_restricted, false, __ATOMIC_RELAXED);
  zx_restricted_state_t *r = t->regs;
  if (reason == ZX_RESTRICTED_REASON_SYSCALL && r->x[8] < HANDLERS && lockless[r->x[8]] &&
      handlers[r->x[8]]) {
    r->x[0] = (uint64_t)handlers[r->x[8]](t, r->x);
    t->interrupted = false;
    if (lx_may_reenter_unlocked(t)) return;
    lx_lock();
    lx_return_to_linux(t);
    return;
  }
  lx_lock();
  if (reason == ZX_RESTRICTED_REASON_SYSCALL) {
    uint64_t nr = r->x[8];
    t->orig_x0 = r->x[0];
    long ret = nr < HANDLERS && handlers[nr] ? handlers[nr](t, r->x) : unimplemented(nr);
    if (ret != LX_REGS_SET) r->x[0] = (uint64_t)ret;
    // Linux restarts these after a handler with SA_RESTART (signal.c).
    t->interrupted = ret == -LX_EINTR && (nr == LX_NR_read || nr == LX_NR_write || nr == LX_NR_readv ||
                                          nr == LX_NR_writev || nr == LX_NR_wait4);
  } else {
    t->interrupted = false;
    if (reason == ZX_RESTRICTED_REASON_EXCEPTION) fault(t);
  }
  lx_return_to_linux(t);
}
