// Open files and fd tables. An open file (struct lx_file) is shared by the fds and
// processes that dup or inherit it, with its offset and status flags; reads and
// writes of regular files move bytes straight between the file's VMO and Linux
// memory (zx_vmo_read/_write with the Linux pointer, once lx_user_access_ok allows it).
#include <stdlib.h>
#include <string.h>

#include "linux.h"

struct lx_file *lx_file_get(struct lx_thread *t, int fd) {
  if (fd < 0 || fd >= LX_MAX_FDS) return NULL;
  return t->proc->files->fd[fd];
}

void lx_file_put(struct lx_file *f) {
  if (!f || --f->refs > 0) return;
  if (f->kind == LX_FILE_NODE) {
    lx_node_put(f->node);
  } else {
    lx_pipe_close(f);
  }
  free(f);
}

struct lx_file *lx_file_open_node(struct lx_node *n, uint32_t flags) {
  struct lx_file *f = calloc(1, sizeof *f);
  if (!f) return NULL;
  f->refs = 1;
  f->kind = LX_FILE_NODE;
  f->flags = flags;
  f->node = n;
  n->refs++;
  return f;
}

void lx_fd_set(struct lx_fdtable *ft, int fd, struct lx_file *f, bool cloexec) {
  ft->fd[fd] = f;
  ft->cloexec[fd] = cloexec;
  if (fd >= ft->top) ft->top = fd + 1;
}

int lx_fd_install(struct lx_fdtable *ft, struct lx_file *f, int min, bool cloexec) {
  for (int fd = min < 0 ? 0 : min; fd < LX_MAX_FDS; fd++)
    if (!ft->fd[fd]) {
      lx_fd_set(ft, fd, f, cloexec);
      return fd;
    }
  return -LX_EMFILE;
}

struct lx_fdtable *lx_fdtable_copy(struct lx_fdtable *ft) {
  struct lx_fdtable *copy = calloc(1, sizeof *copy);
  if (!copy) return NULL;
  copy->refs = 1;
  if (ft) {
    for (int fd = 0; fd < ft->top; fd++)
      if (ft->fd[fd]) {
        copy->fd[fd] = ft->fd[fd];
        copy->fd[fd]->refs++;
        copy->cloexec[fd] = ft->cloexec[fd];
      }
    copy->top = ft->top;
  }
  return copy;
}

void lx_fdtable_put(struct lx_fdtable *ft) {
  if (!ft || --ft->refs > 0) return;
  for (int fd = 0; fd < ft->top; fd++)
    if (ft->fd[fd]) lx_file_put(ft->fd[fd]);  // no call for each of the empty ones
  free(ft);
}

void lx_fdtable_cloexec(struct lx_fdtable *ft) {
  for (int fd = 0; fd < ft->top; fd++)
    if (ft->fd[fd] && ft->cloexec[fd]) {
      lx_file_put(ft->fd[fd]);
      ft->fd[fd] = NULL;
      ft->cloexec[fd] = false;
    }
}

// Janus's CPRNG (zx_cprng_draw): safe without the lock, and cryptographic.
void lx_random_bytes(void *buf, size_t len) { zx_cprng_draw(buf, len); }

// The same bytes (zeros, random) into Linux memory, in pieces.
static long fill_user(struct lx_thread *t, uintptr_t buf, size_t len, bool random) {
  char chunk[512];
  memset(chunk, 0, sizeof chunk);
  for (size_t done = 0; done < len;) {
    size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
    if (random) lx_random_bytes(chunk, n);
    if (lx_copy_out(t, buf + done, chunk, n) != 0) return done ? (long)done : -LX_EFAULT;
    done += n;
  }
  return (long)len;
}

static long node_read(struct lx_thread *t, struct lx_node *n, uintptr_t buf, size_t len,
                      uint64_t pos) {
  switch (n->mode & LX_S_IFMT) {
    case LX_S_IFDIR:
      return -LX_EISDIR;
    case LX_S_IFCHR:
      switch (n->dev) {
        case LX_DEV_ZERO:
          return fill_user(t, buf, len, false);
        case LX_DEV_URANDOM:
          return fill_user(t, buf, len, true);
        case LX_DEV_CONSOLE:
          return lx_console_read(t, buf, len);
        default:
          return 0;
      }
    case LX_S_IFREG:
      break;
    default:
      return -LX_EINVAL;
  }
  if (pos >= n->size) return 0;
  if (len > n->size - pos) len = n->size - pos;
  if (!lx_user_access_ok(t, buf, len, LX_PROT_WRITE)) return -LX_EFAULT;
  if (zx_vmo_read(n->vmo, (void *)buf, n->vmo_offset + pos, len) != ZX_OK) return -LX_EFAULT;
  return (long)len;
}

static long node_write(struct lx_thread *t, struct lx_node *n, uintptr_t buf, size_t len,
                       uint64_t pos) {
  switch (n->mode & LX_S_IFMT) {
    case LX_S_IFDIR:
      return -LX_EISDIR;
    case LX_S_IFCHR:
      if (n->dev == LX_DEV_CONSOLE) {
        // The UART may take long (115200 baud): other calls go on meanwhile. The
        // callers keep the file (and so the node) alive, and touch nothing else. The
        // buffer is checked while the lock keeps the mappings as they are.
        if (!lx_user_access_ok(t, buf, len, LX_PROT_READABLE)) return -LX_EFAULT;
        lx_unlock();
        long done = lx_console_write_user(t, buf, len);
        lx_lock();
        return done;
      }
      return (long)len;  // null, zero, urandom swallow writes
    case LX_S_IFREG:
      break;
    default:
      return -LX_EINVAL;
  }
  if (len == 0) return 0;
  if (!lx_user_access_ok(t, buf, len, LX_PROT_READABLE)) return -LX_EFAULT;
  if (pos + len < pos) return -LX_EFBIG;
  int err = lx_node_make_writable(n, pos + len);
  if (err) return err;
  if (zx_vmo_write(n->vmo, (const void *)buf, pos, len) != ZX_OK) return -LX_EFAULT;
  if (pos + len > n->size) n->size = pos + len;
  n->mtime = lx_now() + lx_realtime_offset();
  return (long)len;
}

long lx_file_read(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len) {
  if ((f->flags & LX_O_ACCMODE) == LX_O_WRONLY || (f->flags & LX_O_PATH)) return -LX_EBADF;
  if (f->kind == LX_FILE_PIPE_READ) return lx_pipe_read(t, f, buf, len);
  if (f->kind != LX_FILE_NODE) return -LX_EBADF;
  long n = node_read(t, f->node, buf, len, f->pos);
  if (n > 0 && (f->node->mode & LX_S_IFMT) == LX_S_IFREG) f->pos += (uint64_t)n;
  return n;
}

long lx_file_write(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len) {
  if ((f->flags & LX_O_ACCMODE) == LX_O_RDONLY || (f->flags & LX_O_PATH)) return -LX_EBADF;
  if (f->kind == LX_FILE_PIPE_WRITE) return lx_pipe_write(t, f, buf, len);
  if (f->kind != LX_FILE_NODE) return -LX_EBADF;
  if (f->flags & LX_O_APPEND) f->pos = f->node->size;
  long n = node_write(t, f->node, buf, len, f->pos);
  if (n > 0 && (f->node->mode & LX_S_IFMT) == LX_S_IFREG) f->pos += (uint64_t)n;
  return n;
}

long lx_file_pread(struct lx_thread *t, struct lx_file *f, uintptr_t buf, size_t len, uint64_t pos,
                   bool write) {
  if (f->kind != LX_FILE_NODE) return -LX_ESPIPE;
  if ((f->flags & LX_O_ACCMODE) == (write ? LX_O_RDONLY : LX_O_WRONLY)) return -LX_EBADF;
  return write ? node_write(t, f->node, buf, len, pos) : node_read(t, f->node, buf, len, pos);
}
