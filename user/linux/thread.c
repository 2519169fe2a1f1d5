// Linux threads: each is a Janus thread of its process's sibling, started at
// thread_main in the window, which binds restricted state, maps it into the window
// (so the personality reads and writes registers without syscalls) and enters the
// Linux code. Every exit from restricted mode comes back through entry.S to
// lx_dispatch (syscall.c) on the same thread; so a Linux thread's system calls run on
// its own Janus thread, on whatever CPU that runs, and may block there.
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

#include <zircon/syscalls/janus.h>

#include "linux.h"

_Static_assert(__builtin_offsetof(struct lx_thread, fp) == 0, "entry.S: T_FP");
_Static_assert(__builtin_offsetof(struct lx_thread, stack_top) == 528, "entry.S: T_STACK_TOP");
_Static_assert(__builtin_offsetof(struct lx_thread, regs) == 536, "entry.S: T_REGS");

#define STACK_SIZE (64u * 1024)

// Threads that exited: their stacks (which they were still running on) and structures
// are freed once the kernel says they are gone.
static struct lx_thread *zombies;

// Normal-mode stacks of threads that are gone, kept mapped (lock held) for the next
// ones: a new thread then needs no VMO, mapping or page faults for its stack.
#define SPARE_STACKS 4
static uintptr_t spare_stacks[SPARE_STACKS];
static unsigned spare_count;

// Stacks and bound states are packed together (ZX_VM_COMPACT): placed at random, each
// took page tables of its own in the window, up to three pages per mapping. A stack
// keeps an inaccessible page below it, so an overflow faults instead of running into
// its neighbour.
#define GUARD LX_PAGE

static zx_status_t stack_get(uintptr_t *out) {
  if (spare_count) {
    *out = spare_stacks[--spare_count];
    return ZX_OK;
  }
  zx_handle_t vmo;
  zx_status_t status = zx_vmo_create(GUARD + STACK_SIZE, 0, &vmo);
  if (status != ZX_OK) return status;
  zx_vaddr_t at = 0;
  status = zx_vmar_map(zx_vmar_root_self(), ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_COMPACT, 0,
                       vmo, 0, GUARD + STACK_SIZE, &at);
  zx_handle_close(vmo);
  if (status == ZX_OK && (status = zx_vmar_protect(zx_vmar_root_self(), 0, at, GUARD)) != ZX_OK)
    zx_vmar_unmap(zx_vmar_root_self(), at, GUARD + STACK_SIZE);
  if (status == ZX_OK) *out = at + GUARD;
  return status;
}

static void stack_put(uintptr_t base) {
  if (spare_count < SPARE_STACKS) spare_stacks[spare_count++] = base;
  else zx_vmar_unmap(zx_vmar_root_self(), base - GUARD, GUARD + STACK_SIZE);
}

static void reap_zombies(void) {
  for (struct lx_thread **link = &zombies; *link;) {
    struct lx_thread *z = *link;
    if (zx_object_wait_one(z->thread, ZX_THREAD_TERMINATED, 0, NULL) != ZX_OK) {
      link = &z->zombie_next;
      continue;
    }
    *link = z->zombie_next;
    zx_handle_close(z->thread);
    stack_put(z->stack_base);
    free(z);
  }
}

int lx_thread_new(struct lx_process *p, struct lx_thread **out) {
  reap_zombies();
  struct lx_thread *t = memalign(64, sizeof *t);
  if (!t) return -LX_ENOMEM;
  memset(t, 0, sizeof *t);
  t->tid = p->threads ? lx_alloc_id() : p->pid;
  t->proc = p;
  uintptr_t stack = 0;
  zx_status_t status = stack_get(&stack);
  if (status != ZX_OK) {
    free(t);
    return -LX_ENOMEM;
  }
  status = zx_thread_create(p->proc, p->name, strlen(p->name), 0, &t->thread);
  if (status != ZX_OK) {
    stack_put(stack);
    free(t);
    return -LX_EAGAIN;
  }
  t->stack_base = stack;
  t->stack_top = stack + STACK_SIZE;
  t->regs = calloc(1, sizeof *t->regs);  // the first registers, until the state is bound
  if (!t->regs) {
    zx_handle_close(t->thread);
    stack_put(stack);
    free(t);
    return -LX_ENOMEM;
  }
  t->regs_vmo = ZX_HANDLE_INVALID;
  t->next = p->threads;
  p->threads = t;
  p->nthreads++;
  *out = t;
  return 0;
}

void lx_enter_failed(struct lx_thread *t, zx_status_t status);
void lx_enter_failed(struct lx_thread *t, zx_status_t status) {
  lx_log("pid %d: cannot enter restricted mode: status %d", t->proc->pid, status);
  lx_lock();
  lx_process_exit(t, LX_SIGKILL);
}

static void thread_main(uintptr_t unused, uintptr_t arg) {
  (void)unused;
  struct lx_thread *t = (struct lx_thread *)arg;
  zx_handle_t vmo;
  zx_vaddr_t state = 0;
  // The bound state's page is committed by the bind: ZX_VM_MAP_RANGE enters it now,
  // so the copy below does not fault on it.
  if (zx_restricted_bind_state(0, &vmo) != ZX_OK ||
      zx_vmar_map(zx_vmar_root_self(),
                  ZX_VM_PERM_READ | ZX_VM_PERM_WRITE | ZX_VM_COMPACT | ZX_VM_MAP_RANGE, 0, vmo, 0,
                  LX_PAGE, &state) != ZX_OK) {
    lx_log("tid %d: cannot bind restricted state", t->tid);
    zx_process_exit(1);
  }
  lx_lock();
  zx_restricted_state_t *first = t->regs;
  memcpy((void *)state, first, sizeof *first);
  free(first);
  t->regs = (zx_restricted_state_t *)state;
  t->regs_vmo = vmo;
  lx_return_to_linux(t);
  lx_enter(t);
}

void lx_thread_discard(struct lx_thread *t) {
  struct lx_process *p = t->proc;
  for (struct lx_thread **link = &p->threads; *link; link = &(*link)->next)
    if (*link == t) {
      *link = t->next;
      break;
    }
  p->nthreads--;
  zx_handle_close(t->thread);
  stack_put(t->stack_base);
  free(t->regs);
  free(t);
}

// sched_setaffinity's placement: the next CPU of the mask, round robin.
static void place(struct lx_thread *t) {
  static unsigned next;
  if (!t->affinity) return;
  for (unsigned i = 0; i < 64; i++) {
    uint32_t cpu = (next + i) % 64;
    if (!(t->affinity & (1ull << cpu))) continue;
    next = cpu + 1;
    zx_object_set_property(t->thread, JANUS_PROP_THREAD_CPU, &cpu, sizeof cpu);
    return;
  }
}

int lx_thread_start(struct lx_thread *t) {
  place(t);
  zx_status_t status;
  if (t->tid == t->proc->pid)  // the process's first thread starts the sibling
    status = zx_process_start(t->proc->proc, t->thread, (uintptr_t)thread_main, t->stack_top,
                              ZX_HANDLE_INVALID, (uintptr_t)t);
  else status = zx_thread_start(t->thread, (uintptr_t)thread_main, t->stack_top, 0, (uintptr_t)t);
  return status == ZX_OK ? 0 : -LX_EAGAIN;
}

// Linux's robust futex list (set_robust_list): locks the thread still held are marked
// FUTEX_OWNER_DIED and one waiter woken.
static void release_robust_futexes(struct lx_thread *t) {
  struct {
    uint64_t next;
    int64_t offset;
    uint64_t pending;
  } head;
  if (!t->robust_list || lx_copy_in(t, &head, t->robust_list, sizeof head) != 0) return;
  uint64_t entry = head.next;
  for (int i = 0; i < 2048 && entry && entry != t->robust_list; i++) {
    uintptr_t word = entry + (uint64_t)head.offset;
    uint32_t value;
    if (lx_copy_in(t, &value, word, 4) != 0) break;
    if ((value & LX_FUTEX_TID_MASK) == (uint32_t)t->tid) {
      value = (value & LX_FUTEX_WAITERS) | LX_FUTEX_OWNER_DIED;
      lx_copy_out(t, word, &value, 4);
      lx_futex_wake(t, word, 1);
    }
    if (lx_copy_in(t, &entry, entry, 8) != 0) break;
  }
}

void lx_thread_exit(struct lx_thread *t) {
  struct lx_process *p = t->proc;
  if (p->state == LX_PROC_LIVE) {  // a thread's own exit (not exit_group or a signal)
    release_robust_futexes(t);
    if (t->clear_child_tid) {
      uint32_t zero = 0;
      if (lx_copy_out(t, t->clear_child_tid, &zero, 4) == 0)
        lx_futex_wake(t, t->clear_child_tid, 1);
    }
  }
  for (struct lx_thread **link = &p->threads; *link; link = &(*link)->next)
    if (*link == t) {
      *link = t->next;
      break;
    }
  bool last = --p->nthreads == 0;
  if (t->regs_vmo != ZX_HANDLE_INVALID) {
    zx_vmar_unmap(zx_vmar_root_self(), (uintptr_t)t->regs, LX_PAGE);
    zx_handle_close(t->regs_vmo);
  } else {
    free(t->regs);
  }
  t->zombie_next = zombies;
  zombies = t;
  if (last) lx_process_finish(p);  // the sibling ends with its last thread
  lx_unlock();
  if (last) zx_process_exit(0);
  zx_thread_exit();
}
