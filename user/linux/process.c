// Linux processes: each is a sibling of the personality's shared group, made with
// zx_process_create_shared; its restricted VMAR holds the Linux program. The table is
// bounded (LX_MAX_PROCS), so a fork bomb meets -EAGAIN and nothing leaks.
#include <stdlib.h>
#include <string.h>

#include "linux.h"

static struct lx_process *procs[LX_MAX_PROCS];
struct lx_process *lx_init_process;
static int next_id = 1;

int lx_alloc_id(void) {
  // Ids are never reused while this personality runs (2^31 of them).
  return next_id++;
}

struct lx_process *lx_process_find(int pid) {
  for (int i = 0; i < LX_MAX_PROCS; i++)
    if (procs[i] && procs[i]->pid == pid) return procs[i];
  return NULL;
}

struct lx_thread *lx_thread_find(int tid) {
  for (int i = 0; i < LX_MAX_PROCS; i++)
    if (procs[i])
      for (struct lx_thread *t = procs[i]->threads; t; t = t->next)
        if (t->tid == tid) return t;
  return NULL;
}

// Every process for kill(-1) and process groups: call f on each live one.
void lx_process_each(void (*f)(struct lx_process *p, void *arg), void *arg) {
  for (int i = 0; i < LX_MAX_PROCS; i++)
    if (procs[i] && procs[i]->state == LX_PROC_LIVE) f(procs[i], arg);
}

int lx_process_new(struct lx_process *parent, struct lx_process **out,
                   struct lx_thread **thread_out) {
  int slot = 0;
  while (slot < LX_MAX_PROCS && procs[slot]) slot++;
  if (slot == LX_MAX_PROCS) return -LX_EAGAIN;
  struct lx_process *p = calloc(1, sizeof *p);
  if (!p) return -LX_ENOMEM;
  p->pid = lx_alloc_id();
  p->parent = parent;
  p->ppid = parent ? parent->pid : 0;
  strcpy(p->name, parent ? parent->name : "init");
  zx_handle_t vmar;
  zx_status_t status =
      zx_process_create_shared(zx_process_self(), 0, p->name, strlen(p->name), &p->proc, &vmar);
  if (status != ZX_OK) {
    free(p);
    return status == ZX_ERR_NO_MEMORY ? -LX_ENOMEM : -LX_EAGAIN;
  }
  zx_info_vmar_t info = {0};
  zx_object_get_info(vmar, ZX_INFO_VMAR, &info, sizeof info, NULL, NULL);
  p->mm.vmar = vmar;
  p->mm.base = info.base;
  p->mm.len = info.len;
  int err = lx_thread_new(p, thread_out);
  if (err) {
    zx_task_kill(p->proc);
    zx_handle_close(p->proc);
    zx_handle_close(vmar);
    free(p);
    return err;
  }
  if (parent) {
    p->pgid = parent->pgid;
    p->sid = parent->sid;
    p->umask = parent->umask;
    p->cwd = parent->cwd;
    memcpy(p->actions, parent->actions, sizeof p->actions);
    memcpy(p->exe, parent->exe, sizeof p->exe);
    p->exit_signal = LX_SIGCHLD;
    p->sibling = parent->children;
    parent->children = p;
  } else {
    p->pgid = p->sid = p->pid;
    p->umask = 022;
    p->cwd = lx_vfs_root();
  }
  p->cwd->refs++;
  procs[slot] = p;
  *out = p;
  return 0;
}

static void process_free(struct lx_process *p) {
  for (int i = 0; i < LX_MAX_PROCS; i++)
    if (procs[i] == p) procs[i] = NULL;
  zx_handle_close(p->proc);
  zx_handle_close(p->mm.vmar);
  free(p);
}

// The parent takes the status (wait4): the process is gone for good.
void lx_process_reap(struct lx_process *p) {
  struct lx_process *parent = p->parent;
  if (parent)
    for (struct lx_process **link = &parent->children; *link; link = &(*link)->sibling)
      if (*link == p) {
        *link = p->sibling;
        break;
      }
  process_free(p);
}

void lx_process_discard(struct lx_process *p) {
  while (p->threads) lx_thread_discard(p->threads);
  if (p->parent)
    for (struct lx_process **link = &p->parent->children; *link; link = &(*link)->sibling)
      if (*link == p) {
        *link = p->sibling;
        break;
      }
  lx_mm_clear(&p->mm);
  lx_fdtable_put(p->files);
  lx_node_put(p->cwd);
  zx_task_kill(p->proc);
  process_free(p);
}

void lx_process_finish(struct lx_process *p) {
  if (p->state == LX_PROC_LIVE) p->state = LX_PROC_EXITING;
  // The mappings stay until the sibling ends, right after (the kernel frees its page
  // tables whole, cheaper than unmapping the restricted half first).
  lx_mm_forget(&p->mm);
  lx_fdtable_put(p->files);
  p->files = NULL;
  lx_node_put(p->cwd);
  p->cwd = NULL;
  // Orphans go to init (or, init gone, nobody: they are reaped when they end).
  struct lx_process *heir = lx_init_process != p ? lx_init_process : NULL;
  while (p->children) {
    struct lx_process *c = p->children;
    p->children = c->sibling;
    c->parent = heir;
    __atomic_store_n(&c->ppid, heir ? heir->pid : 0, __ATOMIC_RELAXED);  // getppid: no lock
    if (heir) {
      c->sibling = heir->children;
      heir->children = c;
    } else if (c->state == LX_PROC_ZOMBIE) {
      c->parent = NULL;
      process_free(c);
    }
  }
  p->state = LX_PROC_ZOMBIE;
  struct lx_process *parent = p->parent;
  if (!parent) {
    if (p != lx_init_process) process_free(p);
    return;
  }
  struct lx_sigaction *sa = &parent->actions[LX_SIGCHLD - 1];
  if (sa->handler == LX_SIG_IGN || (sa->flags & LX_SA_NOCLDWAIT)) {
    lx_process_reap(p);  // nobody waits for it
  } else if (p->exit_signal) {
    lx_signal_send_process(parent, p->exit_signal);
  }
  p->vfork_waiting = false;
  lx_wake_all(&parent->child_exit);
}

void lx_process_exit(struct lx_thread *t, int status) {
  struct lx_process *p = t->proc;
  if (p->state == LX_PROC_LIVE) {
    p->state = LX_PROC_EXITING;
    p->exit_status = status;
    for (struct lx_thread *o = p->threads; o; o = o->next)
      if (o != t) {
        o->exiting = true;
        lx_thread_wake(o);
      }
  }
  lx_thread_exit(t);
}

void lx_process_kill_all(void) {
  for (int i = 0; i < LX_MAX_PROCS; i++)
    if (procs[i] && procs[i]->state != LX_PROC_ZOMBIE) zx_task_kill(procs[i]->proc);
}

int lx_start_init(char *const argv[], size_t argc, char *const envp[], size_t envc) {
  struct lx_process *p;
  struct lx_thread *t;
  lx_lock();
  int err = lx_process_new(NULL, &p, &t);
  if (!err) {
    lx_init_process = p;
    p->files = lx_fdtable_copy(NULL);
    struct lx_node *console = NULL;
    lx_resolve(t, LX_AT_FDCWD, "/dev/console", true, &console, NULL, NULL);
    for (int fd = 0; fd < 3 && console; fd++) {
      struct lx_file *f = lx_file_open_node(console, LX_O_RDWR);
      if (f) lx_fd_install(p->files, f, fd, false);
    }
    err = lx_process_exec(t, argv[0], argv, argc, envp, envc);
    if (!err) err = lx_thread_start(t);
    if (err) {
      lx_log("cannot run %s: error %d", argv[0], -err);
      lx_init_process = NULL;
      lx_process_discard(p);
    }
  }
  lx_unlock();
  return err;
}

int lx_wait_init(void) {
  zx_object_wait_one(lx_init_process->proc, ZX_PROCESS_TERMINATED, ZX_TIME_INFINITE, NULL);
  lx_lock();
  int status = lx_init_process->exit_status;
  lx_unlock();
  return status;
}
