// Pipes: a 64 KiB ring in the window between one read end and one write end (each an
// open file that fds and processes share). Readers sleep while it is empty and has
// writers; writers while it is full and has readers; a write with no reader left is
// SIGPIPE and -EPIPE, a read with no writer left and nothing buffered is end of file.
#include <stdlib.h>

#include "linux.h"

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

long lx_pipe_read(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len) {
  struct lx_pipe *p = f->pipe;
  if (len == 0) return 0;
  while (p->count == 0) {
    if (p->writers == 0) return 0;
    if (f->flags & LX_O_NONBLOCK) return -LX_EAGAIN;
    int err = lx_sleep(t, &p->readq, ZX_TIME_INFINITE);
    if (err) return err;
  }
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
