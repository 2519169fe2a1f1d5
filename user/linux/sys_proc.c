// Process and thread system calls: clone (threads, fork, vfork), execve, exit, wait4,
// ids, limits, uname. fork gives the child copy-on-write snapshots of the parent's
// memory (mm.c).
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls/janus.h>

#include "linux.h"

long lx_sys_setuid(struct lx_thread *t, const uint64_t *a) {
  (void)t;
  return a[0] == 0 ? 0 : -LX_EPERM;
}
long lx_sys_setgid(struct lx_thread *t, const uint64_t *a) {
  (void)t;
  return a[0] == 0 ? 0 : -LX_EPERM;
}
long lx_sys_setreuid(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return 0;
}
long lx_sys_setregid(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return 0;
}
long lx_sys_setresuid(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return 0;
}
long lx_sys_setresgid(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return 0;
}
static long three_zeros(struct lx_thread *t, const uint64_t *a) {
  uint32_t zero = 0;
  for (int i = 0; i < 3; i++)
    if (lx_copy_out_lockless(t, a[i], &zero, 4) != 0) return -LX_EFAULT;
  return 0;
}
long lx_sys_getresuid(struct lx_thread *t, const uint64_t *a) { return three_zeros(t, a); }
long lx_sys_getresgid(struct lx_thread *t, const uint64_t *a) { return three_zeros(t, a); }
long lx_sys_getgroups(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return 0;
}

long lx_sys_set_tid_address(struct lx_thread *t, const uint64_t *a) {
  t->clear_child_tid = a[0];
  return t->tid;
}

long lx_sys_set_robust_list(struct lx_thread *t, const uint64_t *a) {
  if (a[1] != 24) return -LX_EINVAL;
  t->robust_list = a[0];
  return 0;
}

long lx_sys_get_robust_list(struct lx_thread *t, const uint64_t *a) {
  struct lx_thread *target = a[0] ? lx_thread_find((int)a[0]) : t;
  if (!target) return -LX_ESRCH;
  uint64_t len = 24;
  if (lx_copy_out(t, a[1], &target->robust_list, 8) != 0 || lx_copy_out(t, a[2], &len, 8) != 0)
    return -LX_EFAULT;
  return 0;
}

static void wake_vfork_parent(struct lx_process *p) {
  if (!p->vfork_waiting) return;
  p->vfork_waiting = false;
  if (p->parent) lx_wake_all(&p->parent->child_exit);
}

static long clone_thread(struct lx_thread *t, uint64_t flags, uint64_t sp, uint64_t ptid,
                         uint64_t tls, uint64_t ctid) {
  if (!(flags & LX_CLONE_VM) || !(flags & LX_CLONE_SIGHAND)) return -LX_EINVAL;
  struct lx_thread *n;
  int err = lx_thread_new(t->proc, &n);
  if (err) return err;
  *n->regs = *t->regs;
  memcpy(n->fp, t->fp, sizeof n->fp);
  n->regs->x[0] = 0;
  if (sp) n->regs->sp = sp;
  if (flags & LX_CLONE_SETTLS) n->regs->tpidr_el0 = tls;
  n->sigmask = t->sigmask;
  n->affinity = t->affinity;
  n->altstack = (struct lx_stack){.ss_flags = LX_SS_DISABLE};
  if (flags & LX_CLONE_PARENT_SETTID) lx_copy_out(t, ptid, &n->tid, 4);
  if (flags & LX_CLONE_CHILD_SETTID) lx_copy_out(t, ctid, &n->tid, 4);
  if (flags & LX_CLONE_CHILD_CLEARTID) n->clear_child_tid = ctid;
  int tid = n->tid;
  if ((err = lx_thread_start(n)) != 0) lx_thread_discard(n);
  return err ? err : tid;
}

static long clone_process(struct lx_thread *t, uint64_t flags, uint64_t sp, uint64_t ptid,
                          uint64_t tls, uint64_t ctid) {
  struct lx_process *parent = t->proc, *p;
  struct lx_thread *n;
  int err = lx_process_new(parent, &p, &n);
  if (err) return err;
  if (flags & LX_CLONE_FILES) {
    p->files = parent->files;
    p->files->refs++;
  } else {
    p->files = lx_fdtable_copy(parent->files);
  }
  // CLONE_VM without CLONE_THREAD (vfork, posix_spawn) gets a copy too: two siblings
  // cannot share one restricted half. The parent still waits as vfork says.
  if (!p->files || (err = lx_mm_copy(&p->mm, &parent->mm)) != 0) {
    lx_process_discard(p);
    return err ? err : -LX_ENOMEM;
  }
  p->exit_signal = (int)(flags & 0xff);
  *n->regs = *t->regs;
  memcpy(n->fp, t->fp, sizeof n->fp);
  n->regs->x[0] = 0;
  if (sp) n->regs->sp = sp;
  if (flags & LX_CLONE_SETTLS) n->regs->tpidr_el0 = tls;
  n->sigmask = t->sigmask;
  n->affinity = t->affinity;
  n->altstack = t->altstack;
  if (flags & LX_CLONE_PARENT_SETTID) lx_copy_out(t, ptid, &p->pid, 4);
  if (flags & LX_CLONE_CHILD_SETTID) lx_copy_out(n, ctid, &p->pid, 4);
  if (flags & LX_CLONE_CHILD_CLEARTID) n->clear_child_tid = ctid;
  int pid = p->pid;
  if (flags & LX_CLONE_VFORK) p->vfork_waiting = true;
  if ((err = lx_thread_start(n)) != 0) return err;
  // The child's exec or end wakes its parent's child_exit queue (the child may be
  // gone, and reaped, by the time this thread runs again).
  while (lx_process_find(pid) == p && p->vfork_waiting)
    if (lx_sleep(t, &parent->child_exit, ZX_TIME_INFINITE) == -LX_EINTR && t->exiting) break;
  return pid;
}

long lx_sys_clone(struct lx_thread *t, const uint64_t *a) {
  uint64_t flags = a[0];
  if (flags & LX_CLONE_THREAD) return clone_thread(t, flags, a[1], a[2], a[3], a[4]);
  return clone_process(t, flags, a[1], a[2], a[3], a[4]);
}

#define EXEC_MAX_ARGS 4096
#define EXEC_MAX_BYTES (128u * 1024)

// argv or envp: a NULL-terminated array of strings in Linux memory, copied here.
static long copy_strings(struct lx_thread *t, uintptr_t list, char ***out, size_t *count,
                         size_t *bytes) {
  char **v = calloc(EXEC_MAX_ARGS + 1, sizeof *v);
  if (!v) return -LX_ENOMEM;
  char *buf = malloc(LX_PATH_MAX);
  size_t n = 0;
  long err = buf ? 0 : -LX_ENOMEM;
  for (; list && !err; n++) {
    uint64_t ptr;
    if (n == EXEC_MAX_ARGS) err = -LX_E2BIG;
    else if (lx_copy_in(t, &ptr, list + n * 8, 8) != 0) err = -LX_EFAULT;
    if (err || !ptr) break;
    long len = lx_copy_string(t, buf, ptr, LX_PATH_MAX);
    if (len < 0) err = len == -LX_ENAMETOOLONG ? -LX_E2BIG : len;
    else if ((*bytes += (size_t)len + 1) > EXEC_MAX_BYTES) err = -LX_E2BIG;
    else if (!(v[n] = strdup(buf))) err = -LX_ENOMEM;
  }
  free(buf);
  *out = v;
  *count = n;
  return err;
}

static void free_strings(char **v, size_t n) {
  if (!v) return;
  for (size_t i = 0; i <= n && i < EXEC_MAX_ARGS; i++) free(v[i]);
  free(v);
}

long lx_sys_execve(struct lx_thread *t, const uint64_t *a) {
  char path[LX_PATH_MAX];
  long err = lx_copy_string(t, path, a[0], sizeof path);
  if (err < 0) return err;
  char **argv = NULL, **envp = NULL;
  size_t argc = 0, envc = 0, bytes = 0;
  err = copy_strings(t, a[1], &argv, &argc, &bytes);
  if (!err) err = copy_strings(t, a[2], &envp, &envc, &bytes);
  if (!err) err = lx_process_exec(t, path, argv, argc, envp, envc);
  free_strings(argv, argc);
  free_strings(envp, envc);
  if (err) return err;
  wake_vfork_parent(t->proc);
  return LX_REGS_SET;
}

long lx_sys_exit(struct lx_thread *t, const uint64_t *a) {
  if (t->proc->nthreads == 1) lx_process_exit(t, (int)(a[0] & 0xff) << 8);
  lx_thread_exit(t);
}

long lx_sys_exit_group(struct lx_thread *t, const uint64_t *a) {
  lx_process_exit(t, (int)(a[0] & 0xff) << 8);
}

static bool wait_matches(struct lx_thread *t, struct lx_process *c, int pid) {
  if (pid > 0) return c->pid == pid;
  if (pid == -1) return true;
  if (pid == 0) return c->pgid == t->proc->pgid;
  return c->pgid == -pid;
}

long lx_sys_wait4(struct lx_thread *t, const uint64_t *a) {
  int pid = (int)a[0];
  uint64_t options = a[2];
  if (options & ~(uint64_t)(LX_WNOHANG | LX_WUNTRACED | LX_WCONTINUED | LX_WALL | LX_WCLONE))
    return -LX_EINVAL;
  for (;;) {
    bool any = false;
    for (struct lx_process *c = t->proc->children; c; c = c->sibling) {
      if (!wait_matches(t, c, pid)) continue;
      any = true;
      if (c->state != LX_PROC_ZOMBIE) continue;
      int status = c->exit_status, cpid = c->pid;
      // As Linux's: the child is reaped even when the status or usage cannot be stored.
      lx_process_reap(c);
      if (a[1] && lx_copy_out(t, a[1], &status, 4) != 0) return -LX_EFAULT;
      if (a[3]) {
        static const uint8_t zeros[144];
        if (lx_copy_out(t, a[3], zeros, sizeof zeros) != 0) return -LX_EFAULT;
      }
      return cpid;
    }
    if (!any) return -LX_ECHILD;
    if (options & LX_WNOHANG) return 0;
    int err = lx_sleep(t, &t->proc->child_exit, ZX_TIME_INFINITE);
    if (err) return err;
  }
}

long lx_sys_setpgid(struct lx_thread *t, const uint64_t *a) {
  int pid = (int)a[0], pgid = (int)a[1];
  if (pgid < 0) return -LX_EINVAL;
  struct lx_process *p = pid ? lx_process_find(pid) : t->proc;
  if (!p || (p != t->proc && p->parent != t->proc)) return -LX_ESRCH;
  p->pgid = pgid ? pgid : p->pid;
  return 0;
}

long lx_sys_getpgid(struct lx_thread *t, const uint64_t *a) {
  struct lx_process *p = a[0] ? lx_process_find((int)a[0]) : t->proc;
  return p ? p->pgid : -LX_ESRCH;
}

long lx_sys_getsid(struct lx_thread *t, const uint64_t *a) {
  struct lx_process *p = a[0] ? lx_process_find((int)a[0]) : t->proc;
  return p ? p->sid : -LX_ESRCH;
}

long lx_sys_setsid(struct lx_thread *t, const uint64_t *a) {
  (void)a;
  struct lx_process *p = t->proc;
  if (p->pgid == p->pid) return -LX_EPERM;
  p->sid = p->pgid = p->pid;
  return p->sid;
}

long lx_sys_uname(struct lx_thread *t, const uint64_t *a) {
  struct lx_utsname u;
  memset(&u, 0, sizeof u);
  strcpy(u.sysname, "Linux");
  strcpy(u.nodename, "janus");
  strcpy(u.release, "6.1.0-janus");
  strcpy(u.version, "#1 SMP Janus Linux personality");
  strcpy(u.machine, "aarch64");
  strcpy(u.domainname, "(none)");
  return lx_copy_out_lockless(t, a[0], &u, sizeof u);
}

#define LX_RLIMIT_STACK 3
#define LX_RLIMIT_NPROC 6
#define LX_RLIMIT_NOFILE 7
#define LX_RLIM_NLIMITS 16

static struct lx_rlimit limit_of(unsigned resource) {
  switch (resource) {
    case LX_RLIMIT_STACK:
      return (struct lx_rlimit){8ul << 20, LX_RLIM_INFINITY};
    case LX_RLIMIT_NOFILE:
      return (struct lx_rlimit){LX_MAX_FDS, LX_MAX_FDS};
    case LX_RLIMIT_NPROC:
      return (struct lx_rlimit){LX_MAX_PROCS, LX_MAX_PROCS};
    default:
      return (struct lx_rlimit){LX_RLIM_INFINITY, LX_RLIM_INFINITY};
  }
}

long lx_sys_prlimit64(struct lx_thread *t, const uint64_t *a) {
  if (a[0] && !lx_process_find((int)a[0])) return -LX_ESRCH;
  if (a[1] >= LX_RLIM_NLIMITS) return -LX_EINVAL;
  struct lx_rlimit old = limit_of((unsigned)a[1]);
  if (a[3] && lx_copy_out(t, a[3], &old, sizeof old) != 0) return -LX_EFAULT;
  return 0;  // new limits are accepted and not enforced
}

long lx_sys_getrlimit(struct lx_thread *t, const uint64_t *a) {
  uint64_t args[4] = {0, a[0], 0, a[1]};
  return lx_sys_prlimit64(t, args);
}
long lx_sys_setrlimit(struct lx_thread *t, const uint64_t *a) {
  (void)t;
  return a[0] >= LX_RLIM_NLIMITS ? -LX_EINVAL : 0;
}

long lx_sys_getrusage(struct lx_thread *t, const uint64_t *a) {
  static const uint8_t zeros[144];
  return lx_copy_out(t, a[1], zeros, sizeof zeros);
}

#define LX_PR_SET_NAME 15
#define LX_PR_GET_NAME 16
long lx_sys_prctl(struct lx_thread *t, const uint64_t *a) {
  if (a[0] == LX_PR_SET_NAME) {
    char name[16];
    long n = lx_copy_string(t, name, a[1], sizeof name);
    if (n == -LX_EFAULT) return n;
    name[15] = 0;
    memcpy(t->proc->name, name, sizeof name);
    return 0;
  }
  if (a[0] == LX_PR_GET_NAME) return lx_copy_out(t, a[1], t->proc->name, 16);
  return -LX_EINVAL;
}

unsigned lx_cpu_count(void) {
  static unsigned cpus;  // threads racing to fill it in write the same value
  unsigned n = __atomic_load_n(&cpus, __ATOMIC_RELAXED);
  if (!n) {
    size_t actual = 0, avail = 0;
    janus_info_asid_counters_t one;
    zx_object_get_info(zx_job_default(), JANUS_INFO_ASID_COUNTERS, &one, sizeof one, &actual,
                       &avail);
    n = avail ? (unsigned)avail : 1;
    __atomic_store_n(&cpus, n, __ATOMIC_RELAXED);
  }
  return n;
}

static uint64_t online_cpus(void) {
  unsigned n = lx_cpu_count();
  return n >= 64 ? ~0ull : (1ull << n) - 1;
}

// The CPU mask of thread pid (0: the caller), as Linux's sched_{get,set}affinity find it.
static struct lx_thread *affinity_target(struct lx_thread *t, uint64_t pid) {
  return pid == 0 ? t : (int64_t)pid > 0 && pid <= 0x7fffffff ? lx_thread_find((int)pid) : NULL;
}

long lx_sys_sched_getaffinity(struct lx_thread *t, const uint64_t *a) {
  if (a[1] < 8 || (a[1] & 7)) return -LX_EINVAL;
  struct lx_thread *target = affinity_target(t, a[0]);
  if (!target) return -LX_ESRCH;
  uint64_t mask = target->affinity ? target->affinity : online_cpus();
  if (lx_copy_out_lockless(t, a[2], &mask, 8) != 0) return -LX_EFAULT;
  return 8;
}

// The mask is kept, inherited by the threads and processes the thread starts and
// across execve, and places each of them on a CPU of it when it starts. Janus threads
// never migrate, so a thread already running stays on its CPU.
long lx_sys_sched_setaffinity(struct lx_thread *t, const uint64_t *a) {
  struct lx_thread *target = affinity_target(t, a[0]);
  if (!target) return -LX_ESRCH;
  uint64_t mask = 0;
  size_t len = a[1] < 8 ? a[1] : 8;  // CPUs past the 64th do not exist here
  if (len && lx_copy_in(t, &mask, a[2], len) != 0) return -LX_EFAULT;
  mask &= online_cpus();
  if (!mask) return -LX_EINVAL;
  target->affinity = mask == online_cpus() ? 0 : mask;
  return 0;
}

static void count_threads(struct lx_process *p, void *arg) { *(int *)arg += p->nthreads; }

// Memory as the kernel's page allocator sees it (ZX_INFO_KMEM_STATS: what `free` and a
// program sizing its caches read); procs counts threads, as Linux's does.
long lx_sys_sysinfo(struct lx_thread *t, const uint64_t *a) {
  struct {
    int64_t uptime;
    uint64_t loads[3], totalram, freeram, sharedram, bufferram, totalswap, freeswap;
    uint16_t procs, pad;
    uint32_t pad2;
    uint64_t totalhigh, freehigh;
    uint32_t mem_unit;
    char reserved[4];
  } info;
  memset(&info, 0, sizeof info);
  zx_info_kmem_stats_t kmem;
  if (zx_object_get_info(zx_job_default(), ZX_INFO_KMEM_STATS, &kmem, sizeof kmem, NULL, NULL) !=
      ZX_OK)
    return -LX_EINVAL;
  int threads = 0;
  lx_process_each(count_threads, &threads);
  info.uptime = lx_now() / 1000000000;
  info.totalram = kmem.total_bytes;
  info.freeram = kmem.free_bytes;
  info.procs = (uint16_t)(threads > 0xffff ? 0xffff : threads);
  info.mem_unit = 1;
  return lx_copy_out(t, a[0], &info, sizeof info);
}

// The CPU this thread runs on: Janus threads never migrate, and the kernel says where.
long lx_sys_getcpu(struct lx_thread *t, const uint64_t *a) {
  uint32_t cpu = 0, node = 0;
  if (zx_object_get_property(t->thread, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu) != ZX_OK) cpu = 0;
  if (a[0] && lx_copy_out_lockless(t, a[0], &cpu, 4) != 0) return -LX_EFAULT;
  if (a[1] && lx_copy_out_lockless(t, a[1], &node, 4) != 0) return -LX_EFAULT;
  return 0;
}
