// The file system: one tree of nodes in the window. At start it is filled from the
// read-only image (bootfs file "linux-root", tools/gen-linux-root.sh), whose files
// keep their bytes in the boot filesystem's VMO until first written (then they get a
// VMO of their own); everything made later (/tmp, new files anywhere) lives in VMOs
// too. Plus /dev's devices and /proc/self/exe.
#include <janus-user/bootfs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linux.h"

static struct lx_node *root;
static uint64_t next_ino = 1;

struct lx_node *lx_vfs_root(void) {
  return root;
}

struct lx_node *lx_node_new(uint32_t mode) {
  struct lx_node *n = calloc(1, sizeof *n);
  if (!n) return NULL;
  n->mode = mode;
  n->ino = next_ino++;
  n->vmo = ZX_HANDLE_INVALID;
  n->mtime = lx_now() + lx_realtime_offset();
  return n;
}

static void node_free_if_unused(struct lx_node *n) {
  if (n->nlink || n->refs || n == root) return;
  if (!n->image && n->vmo != ZX_HANDLE_INVALID) zx_handle_close(n->vmo);
  free(n->target);
  free(n);
}

void lx_node_put(struct lx_node *n) {
  if (n && --n->refs == 0) node_free_if_unused(n);
}

struct lx_dirent *lx_dir_find(struct lx_node *dir, const char *name) {
  for (struct lx_dirent *e = dir->entries; e; e = e->next)
    if (!strcmp(e->name, name)) return e;
  return NULL;
}

int lx_dir_link(struct lx_node *dir, const char *name, struct lx_node *n) {
  if (lx_dir_find(dir, name)) return -LX_EEXIST;
  struct lx_dirent *e = malloc(sizeof *e);
  if (!e || !(e->name = strdup(name))) {
    free(e);
    return -LX_ENOMEM;
  }
  e->node = n;
  // Appended: ls and readdir see the image's sorted order.
  e->next = NULL;
  struct lx_dirent **tail = &dir->entries;
  while (*tail) tail = &(*tail)->next;
  *tail = e;
  n->nlink++;
  if ((n->mode & LX_S_IFMT) == LX_S_IFDIR) {
    n->parent = dir;
    dir->nlink++;
  }
  dir->mtime = lx_now() + lx_realtime_offset();
  return 0;
}

int lx_dir_unlink(struct lx_node *dir, const char *name) {
  for (struct lx_dirent **link = &dir->entries; *link; link = &(*link)->next) {
    struct lx_dirent *e = *link;
    if (strcmp(e->name, name)) continue;
    *link = e->next;
    struct lx_node *n = e->node;
    free(e->name);
    free(e);
    n->nlink--;
    if ((n->mode & LX_S_IFMT) == LX_S_IFDIR) {
      dir->nlink--;
      n->nlink = 0;  // its "." link goes too
    }
    node_free_if_unused(n);
    return 0;
  }
  return -LX_ENOENT;
}

static struct lx_node *mkdir_p(struct lx_node *dir, const char *name) {
  struct lx_dirent *e = lx_dir_find(dir, name);
  if (e) return e->node;
  struct lx_node *n = lx_node_new(LX_S_IFDIR | 0755);
  if (n && lx_dir_link(dir, name, n) != 0) return NULL;
  n->nlink++;  // "."
  return n;
}

// Where the image's entry "a/b/c" goes: its folder, creating missing ones.
static struct lx_node *folder_of(char *path, char **last) {
  struct lx_node *dir = root;
  char *slash;
  while ((slash = strchr(path, '/'))) {
    *slash = 0;
    dir = mkdir_p(dir, path);
    if (!dir) return NULL;
    path = slash + 1;
  }
  *last = path;
  return dir;
}

struct image_entry {
  uint64_t path, data, size;
  uint32_t mode, pad;
};

static int load_image(zx_handle_t bootfs) {
  uint64_t base, size;
  if (janus_bootfs_find(bootfs, "linux-root", &base, &size) != ZX_OK) return 0;  // no image
  struct {
    char magic[8];
    uint64_t count;
  } head;
  if (size < sizeof head || zx_vmo_read(bootfs, &head, base, sizeof head) != ZX_OK ||
      memcmp(head.magic, "JLXROOT1", 8) ||
      head.count > (size - sizeof head) / sizeof(struct image_entry))
    return -LX_EINVAL;
  struct image_entry *ents = malloc(head.count * sizeof *ents + 1);
  if (!ents) return -LX_ENOMEM;
  zx_vmo_read(bootfs, ents, base + sizeof head, head.count * sizeof *ents);
  int err = 0;
  for (uint64_t i = 0; i < head.count && !err; i++) {
    struct image_entry *e = &ents[i];
    char path[LX_PATH_MAX];
    if (e->path >= size || e->data > size || e->size > size - e->data) {
      err = -LX_EINVAL;
      break;
    }
    size_t n = size - e->path < sizeof path - 1 ? size - e->path : sizeof path - 1;
    zx_vmo_read(bootfs, path, base + e->path, n);
    path[n] = 0;
    char *last;
    struct lx_node *dir = folder_of(path, &last);
    if (!dir) {
      err = -LX_ENOMEM;
      break;
    }
    uint32_t type = e->mode & LX_S_IFMT;
    if (type == LX_S_IFDIR) {
      struct lx_node *d = mkdir_p(dir, last);
      if (d) d->mode = e->mode;
      continue;
    }
    struct lx_node *node = lx_node_new(e->mode);
    if (!node) {
      err = -LX_ENOMEM;
      break;
    }
    if (type == LX_S_IFLNK) {
      node->target = calloc(1, e->size + 1);
      if (node->target) zx_vmo_read(bootfs, node->target, base + e->data, e->size);
    } else {
      node->vmo = bootfs;
      node->image = true;
      node->vmo_offset = base + e->data;
      node->size = e->size;
    }
    err = lx_dir_link(dir, last, node);
  }
  free(ents);
  return err;
}

static int add_device(struct lx_node *dev, const char *name, enum lx_dev which) {
  struct lx_node *n = lx_node_new(LX_S_IFCHR | 0666);
  if (!n) return -LX_ENOMEM;
  n->dev = which;
  return lx_dir_link(dev, name, n);
}

int lx_vfs_init(zx_handle_t bootfs) {
  root = lx_node_new(LX_S_IFDIR | 0755);
  if (!root) return -LX_ENOMEM;
  root->nlink = 2;
  root->parent = root;
  int err = load_image(bootfs);
  if (err) return err;
  struct lx_node *dev = mkdir_p(root, "dev"), *proc = mkdir_p(root, "proc");
  struct lx_node *self = proc ? mkdir_p(proc, "self") : NULL;
  struct lx_node *tmp = mkdir_p(root, "tmp");
  if (!dev || !self || !tmp) return -LX_ENOMEM;
  tmp->mode = LX_S_IFDIR | 01777;
  if ((err = add_device(dev, "null", LX_DEV_NULL)) ||
      (err = add_device(dev, "zero", LX_DEV_ZERO)) ||
      (err = add_device(dev, "urandom", LX_DEV_URANDOM)) ||
      (err = add_device(dev, "random", LX_DEV_URANDOM)) ||
      (err = add_device(dev, "console", LX_DEV_CONSOLE)) ||
      (err = add_device(dev, "tty", LX_DEV_CONSOLE)))
    return err;
  // /proc/self/exe: a link whose target is the asking process's program (resolve).
  struct lx_node *exe = lx_node_new(LX_S_IFLNK | 0777);
  if (!exe) return -LX_ENOMEM;
  exe->dev = LX_DEV_PROC_EXE;
  return lx_dir_link(self, "exe", exe);
}

const char *lx_link_target(struct lx_thread *t, struct lx_node *n) {
  if (n->dev == LX_DEV_PROC_EXE) return t->proc->exe;
  return n->target ? n->target : "";
}

// The folder a relative path starts from.
static int start_dir(struct lx_thread *t, int dirfd, struct lx_node **out) {
  if (dirfd == LX_AT_FDCWD) {
    *out = t->proc->cwd;
    return 0;
  }
  struct lx_file *f = lx_file_get(t, dirfd);
  if (!f) return -LX_EBADF;
  if (f->kind != LX_FILE_NODE || (f->node->mode & LX_S_IFMT) != LX_S_IFDIR) return -LX_ENOTDIR;
  *out = f->node;
  return 0;
}

int lx_resolve(struct lx_thread *t, int dirfd, const char *path, bool follow, struct lx_node **out,
               struct lx_node **parent_out, char *name_out) {
  if (!*path) return -LX_ENOENT;
  struct lx_node *cur;
  if (*path == '/') {
    cur = root;
  } else {
    int err = start_dir(t, dirfd, &cur);
    if (err) return err;
  }
  // The path still to walk; a link's target is put in front of the rest.
  char *work = malloc(2 * LX_PATH_MAX), *spare = work + LX_PATH_MAX;
  if (!work) return -LX_ENOMEM;
  strncpy(work, path, LX_PATH_MAX - 1);
  work[LX_PATH_MAX - 1] = 0;
  char *p = work;
  int links = 0, err = 0;
  *out = NULL;
  if (parent_out) *parent_out = NULL;
  for (;;) {
    while (*p == '/') p++;
    if (!*p) {
      *out = cur;
      break;
    }
    char *end = strchr(p, '/');
    size_t len = end ? (size_t)(end - p) : strlen(p);
    if (len > 255) {
      err = -LX_ENAMETOOLONG;
      break;
    }
    char name[256];
    memcpy(name, p, len);
    name[len] = 0;
    p += len;
    const char *rest = p;
    while (*rest == '/') rest++;
    bool last = !*rest;
    if ((cur->mode & LX_S_IFMT) != LX_S_IFDIR) {
      err = -LX_ENOTDIR;
      break;
    }
    if (!strcmp(name, ".")) continue;
    if (!strcmp(name, "..")) {
      cur = cur->parent ? cur->parent : root;
      continue;
    }
    struct lx_dirent *e = lx_dir_find(cur, name);
    if (!e) {
      if (last && parent_out) {
        *parent_out = cur;
        strcpy(name_out, name);
      } else {
        err = -LX_ENOENT;
      }
      break;
    }
    struct lx_node *n = e->node;
    bool trailing_slash = *p == '/';
    if ((n->mode & LX_S_IFMT) == LX_S_IFLNK && (!last || follow || trailing_slash)) {
      if (++links > 40) {
        err = -LX_ELOOP;
        break;
      }
      const char *target = lx_link_target(t, n);
      size_t tl = strlen(target);
      if (tl + 1 + strlen(p) >= LX_PATH_MAX) {
        err = -LX_ENAMETOOLONG;
        break;
      }
      memcpy(spare, target, tl);
      spare[tl] = '/';
      strcpy(spare + tl + 1, p);
      if (!last || trailing_slash) {
      } else {
        spare[tl] = 0;  // the link was the last component
      }
      char *swap = work;
      work = spare;
      spare = swap;
      p = work;
      if (*target == '/') cur = root;
      continue;
    }
    if (last) {
      if (parent_out) {
        *parent_out = cur;
        strcpy(name_out, name);
      }
      if (trailing_slash && (n->mode & LX_S_IFMT) != LX_S_IFDIR) {
        err = -LX_ENOTDIR;
        break;
      }
      *out = n;
      break;
    }
    cur = n;
  }
  free(work < spare ? work : spare);
  return err;
}

int lx_node_path(struct lx_node *n, char *buf, size_t size) {
  // Walks up to the root, writing names from the end of buf.
  if (size < 2) return -LX_ERANGE;
  size_t at = size - 1;
  buf[at] = 0;
  while (n != root) {
    struct lx_node *parent = n->parent;
    if (!parent) return -LX_ENOENT;
    struct lx_dirent *e = parent->entries;
    while (e && e->node != n) e = e->next;
    if (!e) return -LX_ENOENT;
    size_t len = strlen(e->name);
    if (len + 1 > at) return -LX_ERANGE;
    at -= len;
    memcpy(buf + at, e->name, len);
    buf[--at] = '/';
    n = parent;
  }
  if (at == size - 1) buf[--at] = '/';
  memmove(buf, buf + at, size - at);
  return 0;
}

// A file's bytes into personality memory: how many were read.
int lx_file_read_at(struct lx_node *n, void *buf, uint64_t off, size_t len) {
  if (off >= n->size) return 0;
  if (len > n->size - off) len = n->size - off;
  if (zx_vmo_read(n->vmo, buf, n->vmo_offset + off, len) != ZX_OK) return -LX_EIO;
  return (int)len;
}

// Before a write: a file of the image gets its own VMO, and any file room for size.
int lx_node_make_writable(struct lx_node *n, uint64_t size) {
  if (n->vmo == ZX_HANDLE_INVALID || n->image) {
    zx_handle_t vmo;
    uint64_t cap = size > n->size ? size : n->size;
    if (zx_vmo_create((cap + LX_PAGE - 1) & ~(LX_PAGE - 1), ZX_VMO_RESIZABLE, &vmo) != ZX_OK)
      return -LX_ENOSPC;
    char buf[4096];
    for (uint64_t done = 0; n->image && done < n->size;) {
      size_t k = n->size - done < sizeof buf ? n->size - done : sizeof buf;
      zx_vmo_read(n->vmo, buf, n->vmo_offset + done, k);
      zx_vmo_write(vmo, buf, done, k);
      done += k;
    }
    n->vmo = vmo;
    n->vmo_offset = 0;
    n->image = false;
  }
  uint64_t have = 0;
  zx_vmo_get_size(n->vmo, &have);
  if (size > have && zx_vmo_set_size(n->vmo, (size + 2 * LX_PAGE - 1) & ~(LX_PAGE - 1)) != ZX_OK)
    return -LX_ENOSPC;
  return 0;
}

int lx_node_truncate(struct lx_node *n, uint64_t size) {
  int err = lx_node_make_writable(n, size);
  if (err) return err;
  if (size < n->size) {
    // Bytes past the new end must read as zeros if the file grows again.
    static const char zeros[4096];
    for (uint64_t at = size; at < n->size;) {
      size_t k = n->size - at < sizeof zeros ? n->size - at : sizeof zeros;
      zx_vmo_write(n->vmo, zeros, at, k);
      at += k;
    }
  }
  n->size = size;
  return 0;
}

// The absolute path of the file path names, every link followed (/proc/self/exe).
int lx_real_path(struct lx_thread *t, const char *path, char *out, size_t size) {
  char *work = malloc(LX_PATH_MAX), name[256];
  if (!work) return -LX_ENOMEM;
  strncpy(work, path, LX_PATH_MAX - 1);
  work[LX_PATH_MAX - 1] = 0;
  int err = -LX_ELOOP;
  for (int links = 0; links < 40; links++) {
    struct lx_node *n, *dir;
    if ((err = lx_resolve(t, LX_AT_FDCWD, work, false, &n, &dir, name)) != 0) break;
    err = -LX_ENOENT;
    if (!n || !dir) break;
    if ((err = lx_node_path(dir, out, size)) != 0) break;
    if ((n->mode & LX_S_IFMT) != LX_S_IFLNK) {
      size_t len = strlen(out);
      if (len + strlen(name) + 2 > size) {
        err = -LX_ENAMETOOLONG;
        break;
      }
      if (len > 1) out[len++] = '/';
      strcpy(out + len, name);
      break;
    }
    const char *target = lx_link_target(t, n);
    if (*target == '/') {
      strncpy(work, target, LX_PATH_MAX - 1);
    } else if (strlen(out) + strlen(target) + 2 < LX_PATH_MAX) {
      snprintf(work, LX_PATH_MAX, "%s/%s", out, target);
    } else {
      err = -LX_ENAMETOOLONG;
      break;
    }
    err = -LX_ELOOP;
  }
  free(work);
  return err;
}
