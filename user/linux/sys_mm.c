// Memory system calls (the bookkeeping is mm.c). A file mapping is a private copy of
// the file's bytes, also for MAP_SHARED (writes never reach the file).
#include <stdlib.h>

#include "linux.h"

#define PAGE_UP(x) (((x) + LX_PAGE - 1) & ~(LX_PAGE - 1))

long lx_sys_mmap(struct lx_thread *t, const uint64_t *a) {
  uintptr_t addr = a[0];
  size_t len = a[1];
  uint32_t prot = (uint32_t)a[2], flags = (uint32_t)a[3];
  int fd = (int)(int32_t)a[4];
  uint64_t off = a[5];
  if (len == 0 || PAGE_UP(len) < len || (off & (LX_PAGE - 1)) || (addr & (LX_PAGE - 1)))
    return -LX_EINVAL;
  uint32_t type = flags & 3;
  if (type != LX_MAP_SHARED && type != LX_MAP_PRIVATE) return -LX_EINVAL;
  len = PAGE_UP(len);
  bool fixed = flags & (LX_MAP_FIXED | LX_MAP_FIXED_NOREPLACE);
  zx_handle_t vmo = ZX_HANDLE_INVALID;
  if (!(flags & LX_MAP_ANONYMOUS)) {
    struct lx_file *f = lx_file_get(t, fd);
    if (!f) return -LX_EBADF;
    if (f->kind != LX_FILE_NODE) return -LX_EACCES;
    struct lx_node *n = f->node;
    if ((n->mode & LX_S_IFMT) == LX_S_IFCHR && n->dev == LX_DEV_ZERO) {
      // /dev/zero: anonymous memory
    } else if ((n->mode & LX_S_IFMT) != LX_S_IFREG) {
      return -LX_ENODEV;
    } else {
      zx_handle_t plain;
      if (zx_vmo_create(len, 0, &plain) != ZX_OK) return -LX_ENOMEM;
      if (zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, &vmo) != ZX_OK) return -LX_ENOMEM;
      char *buf = malloc(16384);
      if (!buf) {
        zx_handle_close(vmo);
        return -LX_ENOMEM;
      }
      for (size_t done = 0; done < len;) {
        int k = lx_file_read_at(n, buf, off + done, len - done < 16384 ? len - done : 16384);
        if (k <= 0) break;
        zx_vmo_write(vmo, buf, done, (size_t)k);
        done += (size_t)k;
      }
      free(buf);
    }
  }
  if ((flags & LX_MAP_FIXED_NOREPLACE) && !(flags & LX_MAP_FIXED)) {
    for (struct lx_vma *v = t->proc->mm.vmas; v; v = v->next)
      if (v->start < addr + len && addr < v->end) {
        if (vmo != ZX_HANDLE_INVALID) zx_handle_close(vmo);
        return -LX_EEXIST;
      }
  }
  uintptr_t at;
  int err = lx_mm_map(&t->proc->mm, addr, len, prot, type, vmo, 0, fixed, &at);
  if (err && vmo != ZX_HANDLE_INVALID) zx_handle_close(vmo);
  return err ? err : (long)at;
}

long lx_sys_munmap(struct lx_thread *t, const uint64_t *a) {
  if (a[1] == 0) return -LX_EINVAL;
  return lx_mm_unmap(&t->proc->mm, a[0], PAGE_UP(a[1]));
}

long lx_sys_mprotect(struct lx_thread *t, const uint64_t *a) {
  if (a[0] & (LX_PAGE - 1)) return -LX_EINVAL;
  if (a[1] == 0) return 0;
  if (!lx_user_range(a[0], PAGE_UP(a[1]))) return -LX_ENOMEM;
  return lx_mm_protect(&t->proc->mm, a[0], PAGE_UP(a[1]), (uint32_t)a[2]);
}

long lx_sys_madvise(struct lx_thread *t, const uint64_t *a) {
  (void)t;
  return (a[0] & (LX_PAGE - 1)) ? -LX_EINVAL : 0;  // advice taken, and ignored
}

long lx_sys_msync(struct lx_thread *t, const uint64_t *a) {
  (void)t, (void)a;
  return 0;
}

#define LX_MREMAP_MAYMOVE 1
#define LX_MREMAP_FIXED 2
#define LX_MREMAP_DONTUNMAP 4

// mremap shrinks a mapping in place (its tail is unmapped) or keeps its size; it never
// grows or moves one: -ENOMEM, as Linux says when it cannot, and glibc's realloc then
// copies. The old range must lie in one mapping (else -EFAULT, as on Linux).
long lx_sys_mremap(struct lx_thread *t, const uint64_t *a) {
  uintptr_t old = a[0];
  size_t old_len = PAGE_UP(a[1]), new_len = PAGE_UP(a[2]);
  uint64_t flags = a[3];
  if ((old & (LX_PAGE - 1)) || old_len < a[1] || new_len < a[2] || old_len == 0 || new_len == 0 ||
      (flags & ~(uint64_t)(LX_MREMAP_MAYMOVE | LX_MREMAP_FIXED | LX_MREMAP_DONTUNMAP)) ||
      ((flags & (LX_MREMAP_FIXED | LX_MREMAP_DONTUNMAP)) && !(flags & LX_MREMAP_MAYMOVE)))
    return -LX_EINVAL;
  const struct lx_vma *v = t->proc->mm.vmas;
  while (v && !(v->start <= old && old < v->end)) v = v->next;
  if (!v || old_len > v->end - old) return -LX_EFAULT;
  if (flags & (LX_MREMAP_FIXED | LX_MREMAP_DONTUNMAP) || new_len > old_len) return -LX_ENOMEM;
  if (new_len < old_len) {
    int err = lx_mm_unmap(&t->proc->mm, old + new_len, old_len - new_len);
    if (err) return err;
  }
  return (long)old;
}

long lx_sys_brk(struct lx_thread *t, const uint64_t *a) { return lx_sys_brk_impl(t, a); }
