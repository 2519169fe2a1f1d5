// File system calls: fds, paths, metadata. Paths are copied in whole (PATH_MAX) and
// resolved by vfs.c; file data moves in file.c.
#include <stdlib.h>
#include <string.h>

#include "linux.h"

#define ARG_PATH(var, user)                               \
  char var[LX_PATH_MAX];                                  \
  do {                                                    \
    long _n = lx_copy_string(t, var, (user), sizeof var); \
    if (_n < 0) return _n;                                \
  } while (0)

static int fd_arg(uint64_t a) { return (int)(int32_t)a; }

long lx_sys_openat(struct lx_thread *t, const uint64_t *a) {
  ARG_PATH(path, a[1]);
  uint32_t flags = (uint32_t)a[2], mode = (uint32_t)a[3];
  struct lx_node *n, *dir;
  char name[256];
  int err = lx_resolve(t, fd_arg(a[0]), path, !(flags & LX_O_NOFOLLOW), &n, &dir, name);
  if (err) return err;
  if (n && (flags & LX_O_CREAT) && (flags & LX_O_EXCL)) return -LX_EEXIST;
  if (!n) {
    if (!(flags & LX_O_CREAT)) return -LX_ENOENT;
    n = lx_node_new(LX_S_IFREG | (mode & 07777 & ~t->proc->umask));
    if (!n) return -LX_ENOMEM;
    if ((err = lx_dir_link(dir, name, n)) != 0) {
      lx_node_put(n);
      return err;
    }
  }
  uint32_t type = n->mode & LX_S_IFMT;
  if (type == LX_S_IFLNK && (flags & LX_O_NOFOLLOW) && !(flags & LX_O_PATH)) return -LX_ELOOP;
  if ((flags & LX_O_DIRECTORY) && type != LX_S_IFDIR) return -LX_ENOTDIR;
  if (type == LX_S_IFDIR && (flags & LX_O_ACCMODE) != LX_O_RDONLY) return -LX_EISDIR;
  if ((flags & LX_O_TRUNC) && type == LX_S_IFREG && (flags & LX_O_ACCMODE) != LX_O_RDONLY &&
      (err = lx_node_truncate(n, 0)) != 0)
    return err;
  struct lx_file *f =
      lx_file_open_node(n, flags & ~(LX_O_CREAT | LX_O_EXCL | LX_O_TRUNC | LX_O_CLOEXEC));
  if (!f) return -LX_ENOMEM;
  int fd = lx_fd_install(t->proc->files, f, 0, flags & LX_O_CLOEXEC);
  if (fd < 0) lx_file_put(f);
  return fd;
}

long lx_sys_close(struct lx_thread *t, const uint64_t *a) {
  int fd = fd_arg(a[0]);
  struct lx_file *f = lx_file_get(t, fd);
  if (!f) return -LX_EBADF;
  t->proc->files->fd[fd] = NULL;
  lx_file_put(f);
  return 0;
}

long lx_sys_read(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  f->refs++;  // it may sleep: a close meanwhile must not free it
  long n = lx_file_read(t, f, a[1], a[2]);
  lx_file_put(f);
  return n;
}

long lx_sys_write(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  f->refs++;
  long n = lx_file_write(t, f, a[1], a[2]);
  lx_file_put(f);
  return n;
}

static long vector_io(struct lx_thread *t, const uint64_t *a, bool write, bool at, uint64_t pos) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  int count = (int)a[2];
  if (count < 0 || count > 1024) return -LX_EINVAL;
  struct lx_iovec iov[16];
  long total = 0;
  f->refs++;
  for (int i = 0; i < count; i++) {
    if (i % 16 == 0) {
      int k = count - i < 16 ? count - i : 16;
      if (lx_copy_in(t, iov, a[1] + (uint64_t)i * sizeof iov[0], (size_t)k * sizeof iov[0]) != 0) {
        total = total ? total : -LX_EFAULT;
        break;
      }
    }
    struct lx_iovec *v = &iov[i % 16];
    if (v->len == 0) continue;
    long n = at      ? lx_file_pread(t, f, v->base, v->len, pos + (uint64_t)total, write)
             : write ? lx_file_write(t, f, v->base, v->len)
                     : lx_file_read(t, f, v->base, v->len);
    if (n < 0) {
      total = total ? total : n;
      break;
    }
    total += n;
    if ((uint64_t)n < v->len) break;
  }
  lx_file_put(f);
  return total;
}

long lx_sys_readv(struct lx_thread *t, const uint64_t *a) {
  return vector_io(t, a, false, false, 0);
}
long lx_sys_writev(struct lx_thread *t, const uint64_t *a) {
  return vector_io(t, a, true, false, 0);
}

long lx_sys_pread64(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  if ((int64_t)a[3] < 0) return -LX_EINVAL;
  return lx_file_pread(t, f, a[1], a[2], a[3], false);
}

long lx_sys_pwrite64(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  if ((int64_t)a[3] < 0) return -LX_EINVAL;
  return lx_file_pread(t, f, a[1], a[2], a[3], true);
}

// a[3] is the offset; a[4], its high half on 32-bit ABIs, is unused (Linux's pos_from_hilo).
long lx_sys_preadv(struct lx_thread *t, const uint64_t *a) {
  if ((int64_t)a[3] < 0) return -LX_EINVAL;
  return vector_io(t, a, false, true, a[3]);
}

long lx_sys_pwritev(struct lx_thread *t, const uint64_t *a) {
  if ((int64_t)a[3] < 0) return -LX_EINVAL;
  return vector_io(t, a, true, true, a[3]);
}

long lx_sys_lseek(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  if (f->kind != LX_FILE_NODE) return -LX_ESPIPE;
  if ((f->node->mode & LX_S_IFMT) == LX_S_IFCHR) return 0;
  int64_t off = (int64_t)a[1], base;
  switch (a[2]) {
    case LX_SEEK_SET:
      base = 0;
      break;
    case LX_SEEK_CUR:
      base = (int64_t)f->pos;
      break;
    case LX_SEEK_END:
      base = (int64_t)f->node->size;
      break;
    default:
      return -LX_EINVAL;
  }
  if (base + off < 0) return -LX_EINVAL;
  f->pos = (uint64_t)(base + off);
  return (long)f->pos;
}

static uint8_t dtype(uint32_t mode) {
  switch (mode & LX_S_IFMT) {
    case LX_S_IFDIR:
      return LX_DT_DIR;
    case LX_S_IFLNK:
      return LX_DT_LNK;
    case LX_S_IFCHR:
      return LX_DT_CHR;
    case LX_S_IFIFO:
      return LX_DT_FIFO;
    default:
      return LX_DT_REG;
  }
}

// A folder's position counts entries: 0 ".", 1 "..", then its entries in order.
long lx_sys_getdents64(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  if (f->kind != LX_FILE_NODE || (f->node->mode & LX_S_IFMT) != LX_S_IFDIR) return -LX_ENOTDIR;
  struct lx_node *dir = f->node;
  uintptr_t buf = a[1];
  size_t size = a[2], used = 0;
  struct lx_dirent *e = dir->entries;
  for (uint64_t i = 2; e && i < f->pos; i++) e = e->next;
  for (;;) {
    const char *name;
    struct lx_node *n;
    if (f->pos == 0) name = ".", n = dir;
    else if (f->pos == 1) name = "..", n = dir->parent ? dir->parent : dir;
    else if (e) name = e->name, n = e->node;
    else break;
    size_t len = strlen(name);
    size_t reclen = (sizeof(struct lx_dirent64_head) + len + 1 + 7) & ~7ul;
    if (used + reclen > size) {
      if (used == 0) return -LX_EINVAL;
      break;
    }
    char rec[sizeof(struct lx_dirent64_head) + 264];
    struct lx_dirent64_head *h = (struct lx_dirent64_head *)rec;
    memset(rec, 0, reclen);
    h->d_ino = n->ino;
    h->d_off = (int64_t)f->pos + 1;
    h->d_reclen = (uint16_t)reclen;
    h->d_type = dtype(n->mode);
    memcpy(rec + __builtin_offsetof(struct lx_dirent64_head, d_type) + 1, name, len);
    if (lx_copy_out(t, buf + used, rec, reclen) != 0) return -LX_EFAULT;
    used += reclen;
    if (f->pos >= 2) e = e->next;
    f->pos++;
  }
  return (long)used;
}

static void fill_stat(struct lx_node *n, struct lx_stat *st) {
  memset(st, 0, sizeof *st);
  st->st_dev = 1;
  st->st_ino = n->ino;
  st->st_mode = n->mode;
  st->st_nlink = n->nlink ? n->nlink : 1;
  st->st_rdev = n->dev ? (1u << 8) | n->dev : 0;
  st->st_size = (n->mode & LX_S_IFMT) == LX_S_IFLNK ? (int64_t)strlen(n->target ? n->target : "")
                                                    : (int64_t)n->size;
  st->st_blksize = 4096;
  st->st_blocks = (st->st_size + 511) / 512;
  st->st_atime_sec = st->st_mtime_sec = st->st_ctime_sec = n->mtime / 1000000000;
  st->st_atime_nsec = st->st_mtime_nsec = st->st_ctime_nsec = n->mtime % 1000000000;
}

// The node a *at call names: path (or, with AT_EMPTY_PATH and "", dirfd itself).
static int node_at(struct lx_thread *t, int dirfd, uintptr_t upath, int flags,
                   struct lx_node **out) {
  char path[LX_PATH_MAX];
  long len = lx_copy_string(t, path, upath, sizeof path);
  if (len < 0) return (int)len;
  if (len == 0 && (flags & LX_AT_EMPTY_PATH)) {
    struct lx_file *f = lx_file_get(t, dirfd);
    if (!f && dirfd == LX_AT_FDCWD) {
      *out = t->proc->cwd;
      return 0;
    }
    if (!f) return -LX_EBADF;
    if (f->kind != LX_FILE_NODE) return -LX_EINVAL;  // pipes: fstat handles them
    *out = f->node;
    return 0;
  }
  return lx_resolve(t, dirfd, path, !(flags & LX_AT_SYMLINK_NOFOLLOW), out, NULL, NULL);
}

static void pipe_stat(struct lx_file *f, struct lx_stat *st) {
  memset(st, 0, sizeof *st);
  st->st_mode = LX_S_IFIFO | 0600;
  st->st_nlink = 1;
  st->st_ino = (uint64_t)(uintptr_t)f->pipe;
  st->st_blksize = 4096;
}

long lx_sys_fstat(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  struct lx_stat st;
  if (f->kind == LX_FILE_NODE) fill_stat(f->node, &st);
  else pipe_stat(f, &st);
  return lx_copy_out(t, a[1], &st, sizeof st);
}

long lx_sys_newfstatat(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  int dirfd = fd_arg(a[0]), flags = (int)a[3];
  struct lx_file *f = lx_file_get(t, dirfd);
  struct lx_stat st;
  if ((flags & LX_AT_EMPTY_PATH) && f && f->kind != LX_FILE_NODE) {
    pipe_stat(f, &st);
    return lx_copy_out(t, a[2], &st, sizeof st);
  }
  int err = node_at(t, dirfd, a[1], flags, &n);
  if (err) return err;
  fill_stat(n, &st);
  return lx_copy_out(t, a[2], &st, sizeof st);
}

long lx_sys_statx(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  int dirfd = fd_arg(a[0]), flags = (int)a[2];
  struct lx_file *f = lx_file_get(t, dirfd);
  struct lx_stat st;
  if ((flags & LX_AT_EMPTY_PATH) && f && f->kind != LX_FILE_NODE) {
    pipe_stat(f, &st);
  } else {
    int err = node_at(t, dirfd, a[1], flags, &n);
    if (err) return err;
    fill_stat(n, &st);
  }
  struct lx_statx sx;
  memset(&sx, 0, sizeof sx);
  sx.stx_mask = LX_STATX_BASIC_STATS;
  sx.stx_blksize = (uint32_t)st.st_blksize;
  sx.stx_nlink = st.st_nlink;
  sx.stx_mode = (uint16_t)st.st_mode;
  sx.stx_ino = st.st_ino;
  sx.stx_size = (uint64_t)st.st_size;
  sx.stx_blocks = (uint64_t)st.st_blocks;
  sx.stx_atime.tv_sec = sx.stx_mtime.tv_sec = sx.stx_ctime.tv_sec = st.st_mtime_sec;
  sx.stx_atime.tv_nsec = sx.stx_mtime.tv_nsec = sx.stx_ctime.tv_nsec = (uint32_t)st.st_mtime_nsec;
  sx.stx_rdev_major = (uint32_t)(st.st_rdev >> 8);
  sx.stx_rdev_minor = (uint32_t)(st.st_rdev & 0xff);
  sx.stx_dev_minor = 1;
  return lx_copy_out(t, a[4], &sx, sizeof sx);
}

long lx_sys_readlinkat(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  int err = node_at(t, fd_arg(a[0]), a[1], LX_AT_SYMLINK_NOFOLLOW, &n);
  if (err) return err;
  if ((n->mode & LX_S_IFMT) != LX_S_IFLNK) return -LX_EINVAL;
  if ((int64_t)a[3] <= 0) return -LX_EINVAL;
  const char *target = lx_link_target(t, n);
  size_t len = strlen(target);
  if (len > a[3]) len = a[3];
  if (lx_copy_out(t, a[2], target, len) != 0) return -LX_EFAULT;
  return (long)len;
}

long lx_sys_faccessat(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  int err = node_at(t, fd_arg(a[0]), a[1], 0, &n);
  if (err) return err;
  // Everyone is root; execute needs some x bit, as for root on Linux.
  if ((a[2] & 1) && (n->mode & LX_S_IFMT) == LX_S_IFREG && !(n->mode & 0111)) return -LX_EACCES;
  return 0;
}

long lx_sys_faccessat2(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  int err = node_at(t, fd_arg(a[0]), a[1], (int)a[3], &n);
  if (err) return err;
  if ((a[2] & 1) && (n->mode & LX_S_IFMT) == LX_S_IFREG && !(n->mode & 0111)) return -LX_EACCES;
  return 0;
}

long lx_sys_mkdirat(struct lx_thread *t, const uint64_t *a) {
  ARG_PATH(path, a[1]);
  struct lx_node *n, *dir;
  char name[256];
  int err = lx_resolve(t, fd_arg(a[0]), path, false, &n, &dir, name);
  if (err) return err;
  if (n) return -LX_EEXIST;
  n = lx_node_new(LX_S_IFDIR | ((uint32_t)a[2] & 07777 & ~t->proc->umask));
  if (!n) return -LX_ENOMEM;
  n->nlink = 1;  // "."
  return lx_dir_link(dir, name, n);
}

long lx_sys_mknodat(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return -LX_EPERM;
}

long lx_sys_unlinkat(struct lx_thread *t, const uint64_t *a) {
  ARG_PATH(path, a[1]);
  struct lx_node *n, *dir;
  char name[256];
  int err = lx_resolve(t, fd_arg(a[0]), path, false, &n, &dir, name);
  if (err) return err;
  if (!n) return -LX_ENOENT;
  if (!dir) return -LX_EBUSY;  // the root, or a path ending in "." / ".."
  bool is_dir = (n->mode & LX_S_IFMT) == LX_S_IFDIR;
  if (a[2] & LX_AT_REMOVEDIR) {
    if (!is_dir) return -LX_ENOTDIR;
    if (n->entries) return -LX_ENOTEMPTY;
    if (n == t->proc->cwd || n == lx_vfs_root()) return -LX_EBUSY;
  } else if (is_dir) {
    return -LX_EISDIR;
  }
  return lx_dir_unlink(dir, name);
}

long lx_sys_symlinkat(struct lx_thread *t, const uint64_t *a) {
  ARG_PATH(target, a[0]);
  ARG_PATH(path, a[2]);
  struct lx_node *n, *dir;
  char name[256];
  int err = lx_resolve(t, fd_arg(a[1]), path, false, &n, &dir, name);
  if (err) return err;
  if (n) return -LX_EEXIST;
  n = lx_node_new(LX_S_IFLNK | 0777);
  if (!n || !(n->target = strdup(target))) {
    free(n);
    return -LX_ENOMEM;
  }
  return lx_dir_link(dir, name, n);
}

long lx_sys_linkat(struct lx_thread *t, const uint64_t *a) {
  ARG_PATH(old, a[1]);
  ARG_PATH(path, a[3]);
  struct lx_node *src, *n, *dir;
  char name[256];
  int err = lx_resolve(t, fd_arg(a[0]), old, (a[4] & 0x400) != 0, &src, NULL, NULL);
  if (err) return err;
  if ((src->mode & LX_S_IFMT) == LX_S_IFDIR) return -LX_EPERM;
  if ((err = lx_resolve(t, fd_arg(a[2]), path, false, &n, &dir, name)) != 0) return err;
  if (n) return -LX_EEXIST;
  return lx_dir_link(dir, name, src);
}

static bool is_under(struct lx_node *n, struct lx_node *dir) {
  for (int i = 0; i < 4096 && n; i++) {
    if (n == dir) return true;
    if (n == lx_vfs_root()) return false;
    n = n->parent;
  }
  return false;
}

long lx_sys_renameat2(struct lx_thread *t, const uint64_t *a) {
  ARG_PATH(old, a[1]);
  ARG_PATH(path, a[3]);
  if (a[4] & ~1ull) return -LX_EINVAL;  // RENAME_NOREPLACE only
  struct lx_node *src, *sdir, *dst, *ddir;
  char sname[256], dname[256];
  int err = lx_resolve(t, fd_arg(a[0]), old, false, &src, &sdir, sname);
  if (err) return err;
  if (!src) return -LX_ENOENT;
  if (!sdir) return -LX_EBUSY;
  if ((err = lx_resolve(t, fd_arg(a[2]), path, false, &dst, &ddir, dname)) != 0) return err;
  if (!ddir) return -LX_EBUSY;
  if (dst == src) return 0;
  if (dst && (a[4] & 1)) return -LX_EEXIST;
  bool src_dir = (src->mode & LX_S_IFMT) == LX_S_IFDIR;
  if (src_dir && is_under(ddir, src)) return -LX_EINVAL;
  if (dst) {
    bool dst_dir = (dst->mode & LX_S_IFMT) == LX_S_IFDIR;
    if (src_dir && !dst_dir) return -LX_ENOTDIR;
    if (!src_dir && dst_dir) return -LX_EISDIR;
    if (dst_dir && dst->entries) return -LX_ENOTEMPTY;
    lx_dir_unlink(ddir, dname);
  }
  src->refs++;  // kept while it moves
  lx_dir_unlink(sdir, sname);
  if (src_dir) src->nlink++;  // unlink took its "." too
  err = lx_dir_link(ddir, dname, src);
  lx_node_put(src);
  return err;
}

long lx_sys_renameat(struct lx_thread *t, const uint64_t *a) {
  uint64_t args[5] = {a[0], a[1], a[2], a[3], 0};
  return lx_sys_renameat2(t, args);
}

long lx_sys_ftruncate(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  if (f->kind != LX_FILE_NODE || (f->node->mode & LX_S_IFMT) != LX_S_IFREG) return -LX_EINVAL;
  if ((f->flags & LX_O_ACCMODE) == LX_O_RDONLY) return -LX_EINVAL;
  if ((int64_t)a[1] < 0) return -LX_EINVAL;
  return lx_node_truncate(f->node, a[1]);
}

long lx_sys_fcntl(struct lx_thread *t, const uint64_t *a) {
  int fd = fd_arg(a[0]);
  struct lx_file *f = lx_file_get(t, fd);
  if (!f) return -LX_EBADF;
  struct lx_fdtable *ft = t->proc->files;
  switch (a[1]) {
    case LX_F_DUPFD:
    case LX_F_DUPFD_CLOEXEC: {
      if ((int64_t)a[2] < 0 || a[2] >= LX_MAX_FDS) return -LX_EINVAL;
      int nfd = lx_fd_install(ft, f, (int)a[2], a[1] == LX_F_DUPFD_CLOEXEC);
      if (nfd >= 0) f->refs++;
      return nfd;
    }
    case LX_F_GETFD:
      return ft->cloexec[fd] ? LX_FD_CLOEXEC : 0;
    case LX_F_SETFD:
      ft->cloexec[fd] = a[2] & LX_FD_CLOEXEC;
      return 0;
    case LX_F_GETFL:
      return f->flags;
    case LX_F_SETFL:
      f->flags = (f->flags & ~(uint32_t)(LX_O_APPEND | LX_O_NONBLOCK)) |
                 ((uint32_t)a[2] & (LX_O_APPEND | LX_O_NONBLOCK));
      return 0;
    case LX_F_GETLK:
    case LX_F_SETLK:
    case LX_F_SETLKW: {
      // One user, no contention: locks are always granted (GETLK: F_UNLCK, nobody
      // holds one). struct flock is 32 bytes, l_type its first short.
      uint8_t lock[32];
      if (lx_copy_in(t, lock, a[2], sizeof lock) != 0) return -LX_EFAULT;
      if (a[1] != LX_F_GETLK) return 0;
      int16_t unlocked = 2;
      return lx_copy_out(t, a[2], &unlocked, sizeof unlocked);
    }
    default:
      return -LX_EINVAL;
  }
}

long lx_sys_dup(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  int fd = lx_fd_install(t->proc->files, f, 0, false);
  if (fd >= 0) f->refs++;
  return fd;
}

long lx_sys_dup3(struct lx_thread *t, const uint64_t *a) {
  int oldfd = fd_arg(a[0]), newfd = fd_arg(a[1]);
  struct lx_file *f = lx_file_get(t, oldfd);
  if (!f) return -LX_EBADF;
  if (newfd < 0 || newfd >= LX_MAX_FDS) return -LX_EBADF;
  if (oldfd == newfd || (a[2] & ~(uint64_t)LX_O_CLOEXEC)) return -LX_EINVAL;
  struct lx_fdtable *ft = t->proc->files;
  f->refs++;
  lx_file_put(ft->fd[newfd]);
  lx_fd_set(ft, newfd, f, a[2] & LX_O_CLOEXEC);
  return newfd;
}

long lx_sys_pipe2(struct lx_thread *t, const uint64_t *a) {
  if (a[1] & ~(uint64_t)(LX_O_CLOEXEC | LX_O_NONBLOCK)) return -LX_EINVAL;
  struct lx_file *r, *w;
  int err = lx_pipe_new(&r, &w);
  if (err) return err;
  r->flags |= (uint32_t)a[1] & LX_O_NONBLOCK;
  w->flags |= (uint32_t)a[1] & LX_O_NONBLOCK;
  bool cloexec = a[1] & LX_O_CLOEXEC;
  int fds[2] = {lx_fd_install(t->proc->files, r, 0, cloexec), -1};
  if (fds[0] >= 0) fds[1] = lx_fd_install(t->proc->files, w, 0, cloexec);
  if (fds[1] < 0 || lx_copy_out(t, a[0], fds, sizeof fds) != 0) {
    if (fds[0] >= 0) t->proc->files->fd[fds[0]] = NULL;
    if (fds[1] >= 0) t->proc->files->fd[fds[1]] = NULL;
    lx_file_put(r);
    lx_file_put(w);
    return fds[1] < 0 && fds[0] >= 0 ? -LX_EMFILE : fds[0] < 0 ? fds[0] : -LX_EFAULT;
  }
  return 0;
}

long lx_sys_ioctl(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  uint32_t req = (uint32_t)a[1];
  if (f->kind == LX_FILE_PIPE_READ && req == LX_FIONREAD) {
    int n = (int)lx_pipe_available(f);
    return lx_copy_out(t, a[2], &n, sizeof n);
  }
  if (f->kind != LX_FILE_NODE || f->node->dev != LX_DEV_CONSOLE) return -LX_ENOTTY;
  return lx_console_ioctl(t, req, a[2]);
}

long lx_sys_getcwd(struct lx_thread *t, const uint64_t *a) {
  char path[LX_PATH_MAX];
  if (lx_node_path(t->proc->cwd, path, sizeof path) != 0) return -LX_ENOENT;
  size_t len = strlen(path) + 1;
  if (len > a[1]) return -LX_ERANGE;
  if (lx_copy_out(t, a[0], path, len) != 0) return -LX_EFAULT;
  return (long)len;
}

static long change_dir(struct lx_thread *t, struct lx_node *n) {
  if ((n->mode & LX_S_IFMT) != LX_S_IFDIR) return -LX_ENOTDIR;
  n->refs++;
  lx_node_put(t->proc->cwd);
  t->proc->cwd = n;
  return 0;
}

long lx_sys_chdir(struct lx_thread *t, const uint64_t *a) {
  ARG_PATH(path, a[0]);
  struct lx_node *n;
  int err = lx_resolve(t, LX_AT_FDCWD, path, true, &n, NULL, NULL);
  return err ? err : change_dir(t, n);
}

long lx_sys_fchdir(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  if (f->kind != LX_FILE_NODE) return -LX_ENOTDIR;
  return change_dir(t, f->node);
}

long lx_sys_umask(struct lx_thread *t, const uint64_t *a) {
  uint32_t old = t->proc->umask;
  t->proc->umask = (uint32_t)a[0] & 0777;
  return old;
}

long lx_sys_fchmodat(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  int err = node_at(t, fd_arg(a[0]), a[1], 0, &n);
  if (err) return err;
  n->mode = (n->mode & LX_S_IFMT) | ((uint32_t)a[2] & 07777);
  return 0;
}

long lx_sys_fchmod(struct lx_thread *t, const uint64_t *a) {
  struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
  if (!f) return -LX_EBADF;
  if (f->kind == LX_FILE_NODE)
    f->node->mode = (f->node->mode & LX_S_IFMT) | ((uint32_t)a[1] & 07777);
  return 0;
}

// One user (root): ownership changes are accepted and forgotten.
long lx_sys_fchownat(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  return node_at(t, fd_arg(a[0]), a[1], (int)a[4], &n);
}
long lx_sys_fchown(struct lx_thread *t, const uint64_t *a) {
  return lx_file_get(t, fd_arg(a[0])) ? 0 : -LX_EBADF;
}
long lx_sys_fsync(struct lx_thread *t, const uint64_t *a) {
  return lx_file_get(t, fd_arg(a[0])) ? 0 : -LX_EBADF;
}
long lx_sys_fdatasync(struct lx_thread *t, const uint64_t *a) { return lx_sys_fsync(t, a); }
long lx_sys_sync(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return 0;
}
long lx_sys_syncfs(struct lx_thread *t, const uint64_t *a) { return lx_sys_fsync(t, a); }

long lx_sys_utimensat(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  int err;
  if (a[1] == 0) {
    struct lx_file *f = lx_file_get(t, fd_arg(a[0]));
    if (!f) return -LX_EBADF;
    if (f->kind != LX_FILE_NODE) return 0;
    n = f->node;
  } else if ((err = node_at(t, fd_arg(a[0]), a[1], (int)a[3], &n)) != 0) {
    return err;
  }
  n->mtime = lx_now() + lx_realtime_offset();
  return 0;
}

long lx_sys_sendfile(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return -LX_EINVAL;  // callers (cat, cp) fall back to read and write
}

static long statfs_out(struct lx_thread *t, uintptr_t buf) {
  uint64_t st[15] = {0x01021994 /* tmpfs */, 4096, 65536, 32768, 32768, 65536, 32768, 0, 255, 4096};
  return lx_copy_out(t, buf, st, sizeof st);
}
long lx_sys_statfs(struct lx_thread *t, const uint64_t *a) {
  struct lx_node *n;
  int err = node_at(t, LX_AT_FDCWD, a[0], 0, &n);
  return err ? err : statfs_out(t, a[1]);
}
long lx_sys_fstatfs(struct lx_thread *t, const uint64_t *a) {
  if (!lx_file_get(t, fd_arg(a[0]))) return -LX_EBADF;
  return statfs_out(t, a[1]);
}

// poll and select: files are always ready, except an empty pipe with writers and the
// console without input, which are waited for by sleeping in short steps.
struct lx_pollfd {
  int32_t fd;
  int16_t events, revents;
};
#define LX_POLLIN 1
#define LX_POLLOUT 4
#define LX_POLLHUP 0x10
#define LX_POLLNVAL 0x20

static int16_t poll_one(struct lx_thread *t, int fd, int16_t events) {
  struct lx_file *f = lx_file_get(t, fd);
  if (!f) return LX_POLLNVAL;
  int16_t ready = 0;
  if (f->kind == LX_FILE_PIPE_READ) {
    if (lx_pipe_available(f)) ready |= LX_POLLIN;
    else if (f->pipe && !lx_pipe_has_writers(f)) ready |= LX_POLLHUP;
  } else if (f->kind == LX_FILE_NODE && f->node->dev == LX_DEV_CONSOLE) {
    if (lx_console_readable()) ready |= LX_POLLIN;
    ready |= LX_POLLOUT;
  } else {
    ready |= LX_POLLIN | LX_POLLOUT;
  }
  return ready & (events | LX_POLLHUP | LX_POLLNVAL);
}

static zx_time_t deadline_of(struct lx_thread *t, uintptr_t uts) {
  if (!uts) return ZX_TIME_INFINITE;
  struct lx_timespec ts;
  if (lx_copy_in(t, &ts, uts, sizeof ts) != 0) return -1;
  return lx_now() + ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

long lx_sys_ppoll(struct lx_thread *t, const uint64_t *a) {
  size_t n = a[1];
  if (n > LX_MAX_FDS) return -LX_EINVAL;
  struct lx_pollfd *fds = calloc(n + 1, sizeof *fds);
  if (!fds) return -LX_ENOMEM;
  long ret = lx_copy_in(t, fds, a[0], n * sizeof *fds);
  zx_time_t deadline = deadline_of(t, a[2]);
  if (deadline < 0) ret = -LX_EFAULT;
  while (ret == 0) {
    int ready = 0;
    for (size_t i = 0; i < n; i++) {
      fds[i].revents = fds[i].fd < 0 ? 0 : poll_one(t, fds[i].fd, fds[i].events);
      if (fds[i].revents) ready++;
    }
    if (ready) {
      ret = lx_copy_out(t, a[0], fds, n * sizeof *fds);
      if (!ret) ret = ready;
      break;
    }
    zx_time_t step = lx_now() + 10000000;  // 10 ms
    int err = lx_sleep(t, NULL, step < deadline ? step : deadline);
    if (err == -LX_EINTR) ret = err;
    else if (lx_now() >= deadline) break;
  }
  free(fds);
  return ret;
}

long lx_sys_pselect6(struct lx_thread *t, const uint64_t *a) {
  int n = (int)a[0];
  if (n < 0 || n > LX_MAX_FDS) return -LX_EINVAL;
  uint64_t in[LX_MAX_FDS / 64] = {0}, out[LX_MAX_FDS / 64] = {0};
  size_t bytes = (size_t)(n + 63) / 64 * 8;
  if (a[1] && lx_copy_in(t, in, a[1], bytes) != 0) return -LX_EFAULT;
  if (a[2] && lx_copy_in(t, out, a[2], bytes) != 0) return -LX_EFAULT;
  zx_time_t deadline = deadline_of(t, a[4]);
  if (deadline < 0) return -LX_EFAULT;
  for (;;) {
    uint64_t rin[LX_MAX_FDS / 64] = {0}, rout[LX_MAX_FDS / 64] = {0};
    int ready = 0;
    for (int fd = 0; fd < n; fd++) {
      bool want_in = in[fd / 64] >> (fd % 64) & 1, want_out = out[fd / 64] >> (fd % 64) & 1;
      if (!want_in && !want_out) continue;
      int16_t r =
          poll_one(t, fd, (int16_t)((want_in ? LX_POLLIN : 0) | (want_out ? LX_POLLOUT : 0)));
      if (r & LX_POLLNVAL) return -LX_EBADF;
      if (want_in && (r & (LX_POLLIN | LX_POLLHUP))) rin[fd / 64] |= 1ull << (fd % 64), ready++;
      if (want_out && (r & LX_POLLOUT)) rout[fd / 64] |= 1ull << (fd % 64), ready++;
    }
    if (ready || lx_now() >= deadline) {
      if (a[1] && lx_copy_out(t, a[1], rin, bytes) != 0) return -LX_EFAULT;
      if (a[2] && lx_copy_out(t, a[2], rout, bytes) != 0) return -LX_EFAULT;
      return ready;
    }
    zx_time_t step = lx_now() + 10000000;
    if (lx_sleep(t, NULL, step < deadline ? step : deadline) == -LX_EINTR) return -LX_EINTR;
  }
}
