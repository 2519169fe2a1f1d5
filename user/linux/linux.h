// The Linux personality's internal interfaces (user/linux; README "Linux programs").
// All of its state lives in the shared window, seen alike by every member of the
// group: the prototype (this program's main) and one sibling per Linux process.
//
// Locking. Linux code runs on every CPU at once, each thread in its own Janus thread;
// only the personality's handlers are ordered, by these rules:
// 1. lx_lock guards the shared tables: processes, threads, fd tables, open files,
//    nodes, pipes, futex waiters, the console's buffers, signal state of others.
// 2. Handlers in syscall.c's LX_LOCKLESS list run without it: they read only what is
//    fixed for the process's life (pid, tid, its sibling's handles) or the calling
//    thread's own fields, and otherwise ask the kernel (clocks, CPRNG); a copy to or
//    from Linux memory takes the lock for its check (lx_copy_*_lockless). Such a
//    thread re-enters Linux code without the lock unless a signal or an exit waits for
//    it (syscall.c, may_reenter_unlocked).
// 3. Nothing waits with the lock held: a blocking handler sleeps in lx_sleep, which
//    drops it; a console write drops it around the UART (file.c). Code that drops it
//    keeps what it uses alive first (a file's refs) and looks again after.
// 4. A thread's pending signals, exiting flag and in_restricted are written under the
//    lock and read without it (atomically) on the lockless way back; a sender sets
//    them before it looks at in_restricted (lx_thread_wake), so either the thread sees
//    the signal or the sender kicks it out of Linux code. Its signal mask is the one
//    thing another thread's state it writes without the lock (rt_sigprocmask): only
//    it writes the mask, and senders read it after a fence (signal.c, mask_of).
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls-next.h>
#include <zircon/syscalls.h>

#include "abi.h"
#include "errno.h"

#define LX_PAGE 4096ul
#define LX_USER_END (1ul << 42)  // the restricted half ends here (the kernel's TTBR0: 4 TiB)
#define LX_MAX_FDS 256
#define LX_MAX_PROCS 64  // live Linux processes: fork beyond this is EAGAIN
#define LX_PATH_MAX 4096

struct lx_thread;
struct lx_process;

// --- the lock, sleeping and waking (sync.c) -----------------------------------------
// Inline where nobody else holds it (the common case): a call only when contended.
extern zx_futex_t lx_lock_state;  // 0 free, 1 held, 2 held with waiters
void lx_lock_contended(void);
void lx_unlock_contended(void);
// 0 -> 1 with acquire, as __atomic_compare_exchange_n's, without the test of its result
// after the loop that GCC adds (2 instructions of every locked call).
static inline void lx_lock(void) {
  __asm__ goto(
      "1: ldaxr w16, [%0]\n"
      "   cbnz w16, %l[contended]\n"
      "   stxr w17, %w1, [%0]\n"
      "   cbnz w17, 1b"
      :
      : "r"(&lx_lock_state), "r"(1)
      : "x16", "x17", "memory"
      : contended);
  return;
contended:
  lx_lock_contended();
}
static inline void lx_unlock(void) {
  if (__atomic_exchange_n(&lx_lock_state, 0, __ATOMIC_RELEASE) == 2) lx_unlock_contended();
}
struct lx_waiter {
  struct lx_thread *thread;
  struct lx_waiter *next;
};
struct lx_waitq {
  struct lx_waiter *head;
};
// Sleeps (lock held on entry and return) until woken through q, a signal, or the
// deadline: 0, -LX_EINTR (a signal is pending) or -LX_ETIMEDOUT.
int lx_sleep(struct lx_thread *t, struct lx_waitq *q, zx_time_t deadline);
// lx_sleep_until_woken (inline, below): the same for a waiter whose waker sets *woken.
#define LX_SLEEP_WOKEN_UNLOCKED 1
void lx_wake_all(struct lx_waitq *q);
void lx_thread_wake(struct lx_thread *t);     // out of any lx_sleep, and out of restricted mode
void lx_reenter_unlock(struct lx_thread *t);  // t goes back to Linux code: the last unlock

// --- logging (log.c) ------------------------------------------------------------------
void lx_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void lx_console_write(const void *buf, size_t len);  // personality text, not Linux's

// --- memory of a Linux process (mm.c, uaccess.c) --------------------------------------
struct lx_vma {
  uintptr_t start, end;
  uint32_t prot, flags;  // LX_PROT_*, LX_MAP_SHARED or LX_MAP_PRIVATE
  zx_handle_t vmo;
  uint64_t vmo_offset;  // of start
  // MAP_SHARED: a shared futex's key there (futex.c): the VMO's koid << 1 | 1 (odd, never
  // a process's address; koids count up from the kernel's first, below 2^63), and the
  // word's offset in the VMO less its address (the same for every part of a split).
  uint64_t futex_object;  // 0: a private mapping
  uint64_t futex_delta;
  // Private and not writable, its VMO shared with other processes since a fork:
  // mapped (and held) through a handle without ZX_RIGHT_WRITE (mm.c, share_read_only).
  bool ro_shared;
  struct lx_vma *next;  // by address
};
struct lx_mm {
  zx_handle_t vmar;  // the sibling's restricted root VMAR
  uintptr_t base, len;
  struct lx_vma *vmas;
  uintptr_t brk_start, brk, brk_mapped;
  zx_handle_t brk_vmo;
  struct lx_vma *found;  // lx_mm_find's last answer, tried first (forgotten when freed)
};
int lx_mm_map(struct lx_mm *mm, uintptr_t addr, size_t len, uint32_t prot, uint32_t flags,
              zx_handle_t vmo, uint64_t vmo_offset, bool fixed, uintptr_t *out);
int lx_mm_unmap(struct lx_mm *mm, uintptr_t addr, size_t len);
int lx_mm_protect(struct lx_mm *mm, uintptr_t addr, size_t len, uint32_t prot);
void lx_mm_clear(struct lx_mm *mm);   // every mapping gone (exec)
void lx_mm_forget(struct lx_mm *mm);  // the list only (exit: the sibling's end unmaps)
const struct lx_vma *lx_mm_find(struct lx_mm *mm, uintptr_t addr);  // or NULL
// The same, trying lx_mm_find's last answer without the call (the fast ways' lookups).
static inline const struct lx_vma *lx_mm_find_inline(struct lx_mm *mm, uintptr_t addr) {
  const struct lx_vma *last = mm->found;
  return last && last->start <= addr && addr < last->end ? last : lx_mm_find(mm, addr);
}
int lx_mm_copy(struct lx_mm *dst, struct lx_mm *src);  // fork (copy-on-write, or shared read-only)
int lx_mm_brk_init(struct lx_mm *mm, uintptr_t start);
long lx_sys_brk_impl(struct lx_thread *t, const uint64_t *a);

// Copies between the personality and a Linux process's memory, lock held: -LX_EFAULT
// unless mappings that allow the access (a read, or a write) cover the whole range
// (never a fault here). uaccess.c says how.
int lx_copy_in(struct lx_thread *t, void *dst, uintptr_t src, size_t len);
int lx_copy_out(struct lx_thread *t, uintptr_t dst, const void *src, size_t len);
// A NUL-terminated string of at most max bytes (with the NUL): its length, -LX_EFAULT,
// or -LX_ENAMETOOLONG.
long lx_copy_string(struct lx_thread *t, char *dst, uintptr_t src, size_t max);
bool lx_user_range(uintptr_t addr, size_t len);
// Lock held: the check of every copy, for code that hands a Linux pointer to the
// kernel itself (file.c, console.c). prot: LX_PROT_READABLE or LX_PROT_WRITE.
bool lx_user_access_ok(struct lx_thread *t, uintptr_t addr, size_t len, uint32_t prot);
// The same copies in place (the Linux memory is mapped in normal mode too).
int lx_copy_in_locked(struct lx_thread *t, void *dst, uintptr_t src, size_t len);
int lx_copy_out_locked(struct lx_thread *t, uintptr_t dst, const void *src, size_t len);
// The same copies for the LX_LOCKLESS handlers (syscall.c), which do not hold the lock.
int lx_copy_in_lockless(struct lx_thread *t, void *dst, uintptr_t src, size_t len);
int lx_copy_out_lockless(struct lx_thread *t, uintptr_t dst, const void *src, size_t len);
// Lock held: mappings with one of the protections in prot cover [addr, addr + len)
// (len > 0). A load (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC: each reads, mm.c's
// perms_of) or store (LX_PROT_WRITE) there cannot fault. Inline for futex.c.
static inline bool lx_mm_allows(struct lx_mm *mm, uintptr_t addr, size_t len, uint32_t prot) {
  const struct lx_vma *last = mm->found;  // lx_mm_find's first try, without the call
  if (last && last->start <= addr && addr < last->end && len && len <= last->end - addr)
    return last->prot & prot;
  for (uintptr_t end = addr + len; addr < end;) {
    const struct lx_vma *v = lx_mm_find(mm, addr);
    if (!v || !(v->prot & prot)) return false;
    addr = v->end;
  }
  return true;
}
#define LX_PROT_READABLE (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)

// --- files (vfs.c, file.c, pipe.c, console.c) --------------------------------------
enum lx_dev {
  LX_DEV_NONE,
  LX_DEV_NULL,
  LX_DEV_ZERO,
  LX_DEV_URANDOM,
  LX_DEV_CONSOLE,
  LX_DEV_PROC_EXE
};
struct lx_dirent;
struct lx_node {
  uint32_t mode;  // LX_S_IF* | permissions
  uint64_t ino;
  uint32_t nlink;
  int refs;  // open files and cwds (the tree itself holds nlink)
  int64_t mtime;
  struct lx_node *parent;     // folders
  struct lx_dirent *entries;  // folders
  zx_handle_t vmo;            // regular files: their bytes at vmo_offset ...
  uint64_t vmo_offset, size;
  bool image;       // ... in the read-only image (copied on first write)
  char *target;     // symbolic links
  enum lx_dev dev;  // character devices
};
struct lx_dirent {
  char *name;
  struct lx_node *node;
  struct lx_dirent *next;
};
struct lx_node *lx_vfs_root(void);
int lx_vfs_init(zx_handle_t bootfs);
// Resolves path from dirfd (LX_AT_FDCWD or a folder's fd). follow: the last component
// too. Nodes stay valid while the lock is held (keep one longer: refs++). With parent_out, a
// missing last component is not an error when its folder exists: *out = NULL, *parent_out
// (referenced) and name_out.
int lx_resolve(struct lx_thread *t, int dirfd, const char *path, bool follow, struct lx_node **out,
               struct lx_node **parent_out, char *name_out);
struct lx_node *lx_node_new(uint32_t mode);
void lx_node_put(struct lx_node *n);
int lx_dir_link(struct lx_node *dir, const char *name, struct lx_node *n);
int lx_dir_unlink(struct lx_node *dir, const char *name);
const char *lx_link_target(struct lx_thread *t, struct lx_node *n);
int lx_node_make_writable(struct lx_node *n, uint64_t size);
int lx_node_truncate(struct lx_node *n, uint64_t size);
struct lx_dirent *lx_dir_find(struct lx_node *dir, const char *name);
int lx_node_path(struct lx_node *n, char *buf, size_t size);  // folders only
int lx_real_path(struct lx_thread *t, const char *path, char *out, size_t size);
int lx_file_read_at(struct lx_node *n, void *buf, uint64_t off,
                    size_t len);  // to personality memory

struct lx_pipe;
enum lx_file_kind { LX_FILE_NODE, LX_FILE_PIPE_READ, LX_FILE_PIPE_WRITE };
struct lx_file {
  int refs;
  enum lx_file_kind kind;
  uint32_t flags;  // LX_O_*
  uint64_t pos;
  struct lx_node *node;
  struct lx_pipe *pipe;
};
struct lx_fdtable {
  int refs;
  int top;  // every fd from here up is empty (fork copies and exit drops only below it)
  struct lx_file *fd[LX_MAX_FDS];
  bool cloexec[LX_MAX_FDS];
};
struct lx_file *lx_file_get(struct lx_thread *t, int fd);  // borrowed, or NULL
void lx_file_put(struct lx_file *f);
int lx_fd_install(struct lx_fdtable *ft, struct lx_file *f, int min, bool cloexec);
// Puts f (a reference the table takes over) at fd, which must be empty.
void lx_fd_set(struct lx_fdtable *ft, int fd, struct lx_file *f, bool cloexec);
struct lx_fdtable *lx_fdtable_copy(struct lx_fdtable *ft);
void lx_fdtable_put(struct lx_fdtable *ft);
void lx_fdtable_cloexec(struct lx_fdtable *ft);
struct lx_file *lx_file_open_node(struct lx_node *n, uint32_t flags);
long lx_file_read(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len);
long lx_file_write(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len);
long lx_file_pread(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len, uint64_t pos,
                   bool write);
void lx_random_bytes(void *buf, size_t len);
int lx_pipe_new(struct lx_file **r, struct lx_file **w);
long lx_pipe_read(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len);
long lx_pipe_write(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len);
void lx_pipe_close(struct lx_file *f);
size_t lx_pipe_available(struct lx_file *f);
bool lx_pipe_has_writers(struct lx_file *f);
bool lx_console_readable(void);
long lx_console_read(struct lx_thread *t, uintptr_t buf, size_t len);
long lx_console_write_user(struct lx_thread *t, uintptr_t buf, size_t len);
void lx_console_start(void);
int lx_console_ioctl(struct lx_thread *t, uint32_t req, uintptr_t arg);

// --- processes and threads (process.c, thread.c, exec.c, signal.c) --------------------
enum lx_proc_state { LX_PROC_LIVE, LX_PROC_EXITING, LX_PROC_ZOMBIE };
struct lx_process {
  int pid, pgid, sid;
  struct lx_process *parent;
  int ppid;  // parent's pid (0: none): written with parent, read without the lock (getppid)
  struct lx_process *children, *sibling;  // the parent's list of its children
  zx_handle_t proc;
  struct lx_mm mm;
  struct lx_fdtable *files;
  struct lx_node *cwd;
  uint32_t umask;
  struct lx_sigaction actions[LX_NSIG];
  uint64_t pending;  // signals for any thread
  struct lx_thread *threads;
  int nthreads;
  enum lx_proc_state state;
  int exit_status;     // wait4's status word
  int exit_signal;     // sent to the parent at the end (clone's low byte; SIGCHLD)
  bool vfork_waiting;  // its vfork parent sleeps (on child_exit) until its exec or end
  bool waited;
  struct lx_waitq child_exit;  // wait4 sleeps here
  zx_time_t alarm_deadline;    // ITIMER_REAL (itimer.c): 0 disarmed
  zx_duration_t alarm_interval;
  char exe[256];
  char name[16];
};
struct lx_thread {
  uint64_t fp[66] __attribute__((aligned(16)));  // q0-q31, fpsr, fpcr: first (entry.S)
  uintptr_t stack_top;          // its normal-mode stack in the window: second (entry.S)
  zx_restricted_state_t *regs;  // the bound state, mapped in the window: third (entry.S)
  uintptr_t stack_base;
  int tid;
  struct lx_process *proc;
  struct lx_thread *next;  // in proc->threads
  zx_handle_t thread;
  zx_handle_t regs_vmo;
  uint64_t sigmask;  // never SIGKILL or SIGSTOP: every write clears them (signal.c)
  uint64_t pending;
  uint64_t affinity;  // sched_setaffinity's CPUs; 0: any. Inherited; placed at the start
  struct lx_stack altstack;
  uintptr_t clear_child_tid, robust_list;
  volatile uint32_t wake_seq;  // lx_sleep parks on it
  bool in_restricted;          // between entering and the next exit: a kick reaches it
  bool exiting;
  uint64_t orig_x0;        // x0 at the svc: a restarted system call gets it back
  bool interrupted;        // the last system call returned -EINTR and may restart
  uint64_t saved_sigmask;  // rt_sigsuspend's: back after its handler's frame is built
  bool restore_sigmask;
  struct lx_thread *zombie_next;
  struct lx_file *put_file;  // a reference lx_return_to_linux drops (pipe.c's fast way)
};
extern struct lx_process *lx_init_process;
struct lx_process *lx_process_find(int pid);
struct lx_thread *lx_thread_find(int tid);
void lx_process_each(void (*f)(struct lx_process *p, void *arg), void *arg);
void lx_process_reap(struct lx_process *p);
// 0: t's registers start the new image.
int lx_process_exec(struct lx_thread *t, const char *path, char *const argv[], size_t argc,
                    char *const envp[], size_t envc);
// Makes a process (pid, sibling) and its first thread, not yet started.
int lx_process_new(struct lx_process *parent, struct lx_process **out,
                   struct lx_thread **thread_out);
int lx_thread_new(struct lx_process *p, struct lx_thread **out);
int lx_thread_start(struct lx_thread *t);
void lx_thread_discard(struct lx_thread *t);                         // made, never started
void lx_process_discard(struct lx_process *p);                       // made, never started
void lx_thread_exit(struct lx_thread *t) __attribute__((noreturn));  // lock held
void lx_process_exit(struct lx_thread *t, int status) __attribute__((noreturn));  // lock held
void lx_process_kill_all(void);
void lx_process_finish(struct lx_process *p);  // its last thread left (lock held)
int lx_alloc_id(void);
unsigned lx_cpu_count(void);
// Starts the first Linux process with argv: its pid is 1.
int lx_start_init(char *const argv[], size_t argc, char *const envp[], size_t envc);
int lx_wait_init(void);  // init's wait status, once it ended

void lx_signal_send_process(struct lx_process *p, int sig);
void lx_signal_send_thread(struct lx_thread *t, int sig);
// SIGKILL and SIGSTOP: never blocked.
#define LX_SIG_BIT(sig) (1ull << ((sig)-1))
#define LX_SIG_UNBLOCKABLE (LX_SIG_BIT(LX_SIGKILL) | LX_SIG_BIT(LX_SIGSTOP))
// A relaxed atomic load of an aligned field of at most 8 bytes, as a plain load (the
// same one instruction on arm64; GCC's __atomic_load_n of a byte or of a field at an
// offset adds an address computation and a test on the fast ways).
#define LX_LOAD_RELAXED(x) (*(const volatile __typeof__(x) *)&(x))
// Whether a signal waits for t (sigmask holds no unblockable one). Also read without the
// lock (fastcall.c), hence the relaxed loads; inline, so fastcall.c's general-regs-only
// code has its own copy.
static inline bool lx_signal_pending(struct lx_thread *t) {
  uint64_t pending = LX_LOAD_RELAXED(t->pending) | LX_LOAD_RELAXED(t->proc->pending);
  return (pending & ~t->sigmask) != 0;
}
void lx_signal_deliver(struct lx_thread *t);  // before re-entry: a frame per pending signal
void lx_signal_fault(struct lx_thread *t, int sig, int code, uintptr_t addr);
void lx_signal_reset_on_exec(struct lx_process *p);
uintptr_t lx_sigtramp(void);  // where handlers return without SA_RESTORER (exec.c)
extern const char *const lx_signal_names[LX_NSIG + 1];

// --- futexes (futex.c) ------------------------------------------------------------------
// Wakes up to n waiters of the word at addr in t's process (a shared wake, as the
// kernel's own on thread exit): how many.
int lx_futex_wake(struct lx_thread *t, uintptr_t addr, int n);

// --- the dispatch (syscall.c, entry.S) ---------------------------------------------------
// A handler's return value goes to x0, except LX_REGS_SET: it wrote the registers.
#define LX_REGS_SET ((long)0x7fffffff00000001)
typedef long (*lx_syscall_fn)(struct lx_thread *t, const uint64_t *a);
// fastcall.c: the id calls (fastcall.h's range), which the vector (entry.S) hands
// over before it saves any FP/SIMD register. True: t re-enters Linux code at once;
// false: done, but a signal or an exit waits (lx_dispatch with fast_done).
bool lx_dispatch_fast(struct lx_thread *t);
// fastcall.c: sched_yield (LX_FAST_YIELD), the same way: the yield, then as above.
bool lx_dispatch_yield(struct lx_thread *t);
// futex.c: futex (LX_FAST_FUTEX) the same way when it can: 1, re-enter at once; 0, done,
// but a signal or an exit waits; 2, not done (lx_dispatch runs it).
int lx_dispatch_futex(struct lx_thread *t);
// pipe.c: read and write of a pipe, the same way.
int lx_dispatch_pipe(struct lx_thread *t);
// After the vector saved t's FP/SIMD registers: the system call or the fault (none if
// fast_done: lx_dispatch_fast ran it), then signals and re-entry.
void lx_dispatch(struct lx_thread *t, uint64_t reason, bool fast_done);
// Sets in_restricted, then true if t may re-enter without the lock: nothing waits for
// it (syscall.c's lockless calls, fastcall.c). False: in_restricted is clear again.
// Senders set what this reads, then look at in_restricted (lx_thread_wake): one of the
// two sees the other, so a signal is delivered now or a kick brings the thread back.
// Inline: the vector's general-regs-only ways each have their own copy.
static inline bool lx_may_reenter_unlocked(struct lx_thread *t) {
  __atomic_store_n(&t->in_restricted, true, __ATOMIC_RELAXED);
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
  if (!LX_LOAD_RELAXED(t->exiting) && LX_LOAD_RELAXED(t->proc->state) == LX_PROC_LIVE &&
      !lx_signal_pending(t) && !t->restore_sigmask)
    return true;
  __atomic_store_n(&t->in_restricted, false, __ATOMIC_RELAXED);
  return false;
}
// Lock held: ends t if it must, delivers its signals and drops the lock for re-entry.
void lx_return_to_linux(struct lx_thread *t);
// entry.S: restores t's FP/SIMD state and enters restricted mode; the vector comes back
// to lx_dispatch_fast or lx_dispatch on t's normal-mode stack. Never returns.
void lx_enter(struct lx_thread *t) __attribute__((noreturn));

static inline zx_time_t lx_now(void) { return zx_clock_get_monotonic(); }

// --- sleeping on the thread's own word (sync.c) ---------------------------------------
// Inline, so futex.c's general-regs-only fast way (lx_dispatch_futex) runs it without a
// call. A thread sleeps on wake_seq: whoever wakes it bumps the word under the lock, so
// a wake between the unlock and the futex wait is never lost.
static inline void lx_thread_unpark(struct lx_thread *t) {  // out of lx_sleep_on only
  __atomic_add_fetch(&t->wake_seq, 1, __ATOMIC_RELEASE);
  zx_futex_wake((const zx_futex_t *)&t->wake_seq, 1);
}
// lx_sleep's way (q may be NULL: no queue); woken, if not NULL, as lx_sleep_until_woken's.
// The waiter lives on this stack while linked: it is unlinked before the return.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wdangling-pointer"
static inline int lx_sleep_on(struct lx_thread *t, struct lx_waitq *q, zx_time_t deadline,
                              const bool *woken) {
  if (lx_signal_pending(t) || t->exiting) return -LX_EINTR;
  if (deadline != ZX_TIME_INFINITE && deadline <= lx_now()) return -LX_ETIMEDOUT;
  struct lx_waiter w = {.thread = t, .next = NULL};
  if (q) {
    w.next = q->head;
    q->head = &w;
  }
  uint32_t seq = t->wake_seq;
  lx_unlock();
  zx_futex_wait((const zx_futex_t *)&t->wake_seq, (zx_futex_t)seq, ZX_HANDLE_INVALID, deadline);
  // The waker's last touch of a woken waiter is its release store of *woken.
  if (woken && __atomic_load_n(woken, __ATOMIC_ACQUIRE)) return LX_SLEEP_WOKEN_UNLOCKED;
  lx_lock();
  if (q && w.thread)  // not unlinked by lx_wake_all
    for (struct lx_waiter **link = &q->head; *link; link = &(*link)->next)
      if (*link == &w) {
        *link = w.next;
        break;
      }
  if (lx_signal_pending(t) || t->exiting) return -LX_EINTR;
  if (t->wake_seq == seq && deadline != ZX_TIME_INFINITE && deadline <= lx_now())
    return -LX_ETIMEDOUT;
  return 0;
}
#pragma GCC diagnostic pop
// lx_sleep for a waiter whose waker sets *woken (release, its last touch of the waiter,
// under the lock) and unlinks it: LX_SLEEP_WOKEN_UNLOCKED, without the lock, once the
// sleep ends with *woken set (no lock to take and give back on the common way).
static inline int lx_sleep_until_woken(struct lx_thread *t, zx_time_t deadline, const bool *woken) {
  return lx_sleep_on(t, NULL, deadline, woken);
}
int64_t lx_realtime_offset(void);
