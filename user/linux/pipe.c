// Pipes: a 64 KiB ring in the window between one read end and one write end (each an
// open file that fds and processes share). Readers sleep while it is empty and has
// writers; writers while it is full and has readers; a write with no reader left is
// SIGPIPE and -EPIPE, a read with no writer left and nothing buffered is end of file.
//
// Small reads and writes (FAST_MAX bytes at most) are answered before the vector saves
// the FP/SIMD registers (lx_dispatch_pipe, as futex.c's calls), when the buffer's
// mappings allow the copy in place and a write needs neither to sleep nor SIGPIPE: so
// this file is compiled without FP/SIMD registers and copies those bytes itself.
#pragma GCC target("general-regs-only")

#include <stdlib.h>

#include "linux.h"
#include "linux_syscalls.h"  // generated: LX_NR_write

#define PIPE_SIZE (64u * 1024)

struct lx_pipe {
  char *buf;
  size_t head, count;  // bytes buffered start at head
  int readers, writers;
  struct lx_waitq readq, writeq;
};

int lx_pipe_new(struct lx_file **r, struct lx_file **w) {
  struct lx_pipe *p = calloc(1, sizeof *p);
  struct lx_file *fr = calloc(1, sizeof *fr), *fw = calloc(1, sizeof *fw);
  char *buf = malloc(PIPE_SIZE);
  if (!p || !fr || !fw || !buf) {
    free(p), free(fr), free(fw), free(buf);
    return -LX_ENOMEM;
  }
  p->buf = buf;
  p->readers = p->writers = 1;
  *fr = (struct lx_file){.refs = 1, .kind = LX_FILE_PIPE_READ, .flags = LX_O_RDONLY, .pipe = p};
  *fw = (struct lx_file){.refs = 1, .kind = LX_FILE_PIPE_WRITE, .flags = LX_O_WRONLY, .pipe = p};
  *r = fr;
  *w = fw;
  return 0;
}

void lx_pipe_close(struct lx_file *f) {
  struct lx_pipe *p = f->pipe;
  if (f->kind == LX_FILE_PIPE_READ) p->readers--;
  else p->writers--;
  lx_wake_all(&p->readq);
  lx_wake_all(&p->writeq);
  if (p->readers == 0 && p->writers == 0) {
    free(p->buf);
    free(p);
  }
}

size_t lx_pipe_available(struct lx_file *f) { return f->pipe->count; }
bool lx_pipe_has_writers(struct lx_file *f) { return f->pipe->writers > 0; }

// Not done (fast, and the call needs lx_dispatch's way): nothing was read or written.
#define PIPE_SLOW ((long)0x7fffffff00000003)
#define FAST_MAX 256

// A loop GCC must not turn into a call of memcpy (which may use FP/SIMD registers).
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static void copy_bytes(
    char *dst, const char *src, size_t n) {
  while (n--) *dst++ = *src++;
}

// Lock held: 0 once p has bytes, or 1: end of file; else an error (the sleep's).
static int wait_readable(struct lx_thread *t, struct lx_file *f) {
  struct lx_pipe *p = f->pipe;
  while (p->count == 0) {
    if (p->writers == 0) return 1;
    if (f->flags & LX_O_NONBLOCK) return -LX_EAGAIN;
    int err = lx_sleep(t, &p->readq, ZX_TIME_INFINITE);
    if (err) return err;
  }
  return 0;
}

long lx_pipe_read(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len) {
  struct lx_pipe *p = f->pipe;
  if (len == 0) return 0;
  int err = wait_readable(t, f);
  if (err) return err < 0 ? err : 0;
  size_t done = 0;
  while (done < len && p->count) {
    size_t n = PIPE_SIZE - p->head;
    if (n > p->count) n = p->count;
    if (n > len - done) n = len - done;
    if (lx_copy_out_locked(t, buf + done, p->buf + p->head, n) != 0) {
      if (!done) return -LX_EFAULT;
      break;
    }
    p->head = (p->head + n) % PIPE_SIZE;
    p->count -= n;
    done += n;
  }
  lx_wake_all(&p->writeq);
  return (long)done;
}

long lx_pipe_write(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len) {
  struct lx_pipe *p = f->pipe;
  size_t done = 0;
  while (done < len) {
    if (p->readers == 0) {
      lx_signal_send_thread(t, LX_SIGPIPE);
      return done ? (long)done : -LX_EPIPE;
    }
    if (p->count == PIPE_SIZE) {
      if (f->flags & LX_O_NONBLOCK) return done ? (long)done : -LX_EAGAIN;
      int err = lx_sleep(t, &p->writeq, ZX_TIME_INFINITE);
      if (err) return done ? (long)done : err;
      continue;
    }
    size_t tail = (p->head + p->count) % PIPE_SIZE;
    size_t n = tail >= p->head ? PIPE_SIZE - tail : p->head - tail;
    if (n > len - done) n = len - done;
    if (lx_copy_in_locked(t, p->buf + tail, buf + done, n) != 0)
      return done ? (long)done : -LX_EFAULT;
    p->count += n;
    done += n;
    lx_wake_all(&p->readq);
  }
  return (long)done;
}

// The fast way's read (len <= FAST_MAX): the wait, then the copy in place when the
// mappings allow it (checked after any sleep, when they may have changed).
static long pipe_read_fast(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len) {
  struct lx_pipe *p = f->pipe;
  if (len == 0) return 0;
  int err = wait_readable(t, f);
  if (err) return err < 0 ? err : 0;
  if (!lx_mm_allows(&t->proc->mm, buf, len, LX_PROT_WRITE)) return PIPE_SLOW;
  size_t n = len < p->count ? len : p->count, head = p->head;
  size_t first = PIPE_SIZE - head < n ? PIPE_SIZE - head : n;  // up to the ring's end
  copy_bytes((char *)buf, p->buf + head, first);
  if (first < n) copy_bytes((char *)buf + first, p->buf, n - first);
  p->head = (head + n) % PIPE_SIZE;
  p->count -= n;
  if (p->writeq.head) lx_wake_all(&p->writeq);
  return (long)n;
}

// The fast way's write: all of it at once, or PIPE_SLOW for SIGPIPE, a sleep, or the
// kernel's copy.
static long pipe_write_fast(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len) {
  struct lx_pipe *p = f->pipe;
  if (p->readers == 0 || PIPE_SIZE - p->count < len ||
      !lx_mm_allows(&t->proc->mm, buf, len, LX_PROT_READABLE))
    return PIPE_SLOW;
  if (len == 0) return 0;
  size_t tail = (p->head + p->count) % PIPE_SIZE;
  size_t first = PIPE_SIZE - tail < len ? PIPE_SIZE - tail : len;  // up to the ring's end
  copy_bytes(p->buf + tail, (const char *)buf, first);
  if (first < len) copy_bytes(p->buf, (const char *)buf + first, len - first);
  p->count += len;
  if (p->readq.head) lx_wake_all(&p->readq);
  return (long)len;
}

// The vector's way for read and write (entry.S): 1, t re-enters Linux code at once; 0,
// done, but a signal, an exit or the file's last reference waits (lx_dispatch with
// fast_done); 2, not done: lx_dispatch runs the call (not a pipe end of the right kind,
// more than FAST_MAX bytes, a copy the kernel must make, a write that would sleep or
// raise SIGPIPE).
int lx_dispatch_pipe(struct lx_thread *t) {
  zx_restricted_state_t *r = t->regs;
  bool write = r->x[8] == LX_NR_write;
  int fd = (int)(int32_t)r->x[0];
  uintptr_t buf = r->x[1];
  size_t len = r->x[2];
  if (len > FAST_MAX || fd < 0 || fd >= LX_MAX_FDS) return 2;
  __atomic_store_n(&t->in_restricted, false, __ATOMIC_RELAXED);  // as lx_dispatch
  lx_lock();
  struct lx_file *f = t->proc->files->fd[fd];
  // lx_file_read's and lx_file_write's EBADF cases take the whole way.
  if (!f || f->kind != (write ? LX_FILE_PIPE_WRITE : LX_FILE_PIPE_READ) || (f->flags & LX_O_PATH) ||
      (f->flags & LX_O_ACCMODE) == (write ? LX_O_RDONLY : LX_O_WRONLY)) {
    lx_unlock();
    return 2;
  }
  long ret;
  bool last = false;
  if (write) {
    ret = pipe_write_fast(t, f, buf, len);  // never sleeps: the lock keeps f
  } else {
    f->refs++;  // a read may sleep: a close meanwhile must not free it
    ret = pipe_read_fast(t, f, buf, len);
    // The last reference: freeing it is not general-regs-only code (lx_return_to_linux).
    last = f->refs == 1;
    if (last) t->put_file = f;
    else f->refs--;
  }
  lx_unlock();
  if (ret == PIPE_SLOW) return 2;
  t->orig_x0 = r->x[0];
  r->x[0] = (uint64_t)ret;
  t->interrupted = ret == -LX_EINTR;  // as lx_dispatch: SA_RESTART restarts it
  return !last && lx_may_reenter_unlocked(t);
}
