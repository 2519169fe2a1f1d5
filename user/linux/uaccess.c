// Copies between the personality and a Linux process's memory. The personality runs
// on the sibling's own threads in normal mode, where the Linux memory (the restricted
// half) is mapped too, so it could dereference Linux pointers; but a bad one would
// then fault the personality. So every copy goes through the kernel, which reaches
// user memory under a fault handler: zx_process_read_memory / _write_memory on the
// sibling (one syscall per copy; a partial copy means unmapped memory: -EFAULT).
// Only restricted-half addresses are accepted: the same calls would reach the shared
// window, the personality's own memory. Bulk file data goes straight between a VMO
// and Linux memory with zx_vmo_read/_write, which check the same way.
// One difference from Linux: these copies ignore page protections (a read() into a
// read-only page succeeds). With the lock held, which keeps the mapping list as it is,
// the _locked copies go straight through the normal-mode mapping of Linux memory when
// the list says the access cannot fault (pipes).
#include <string.h>

#include "linux.h"

bool lx_user_range(uintptr_t addr, size_t len) {
  return addr >= LX_PAGE && addr < LX_USER_END && len <= LX_USER_END - addr;
}

int lx_copy_in(struct lx_thread *t, void *dst, uintptr_t src, size_t len) {
  if (len == 0) return 0;
  if (!lx_user_range(src, len)) return -LX_EFAULT;
  size_t actual = 0;
  zx_status_t status = zx_process_read_memory(t->proc->proc, src, dst, len, &actual);
  return status == ZX_OK && actual == len ? 0 : -LX_EFAULT;
}

int lx_copy_out(struct lx_thread *t, uintptr_t dst, const void *src, size_t len) {
  if (len == 0) return 0;
  if (!lx_user_range(dst, len)) return -LX_EFAULT;
  size_t actual = 0;
  zx_status_t status = zx_process_write_memory(t->proc->proc, dst, src, len, &actual);
  return status == ZX_OK && actual == len ? 0 : -LX_EFAULT;
}

int lx_copy_in_locked(struct lx_thread *t, void *dst, uintptr_t src, size_t len) {
  if (len == 0 || !lx_user_range(src, len) ||
      !lx_mm_allows(&t->proc->mm, src, len, LX_PROT_READABLE))
    return lx_copy_in(t, dst, src, len);
  memcpy(dst, (const void *)src, len);
  return 0;
}

int lx_copy_out_locked(struct lx_thread *t, uintptr_t dst, const void *src, size_t len) {
  if (len == 0 || !lx_user_range(dst, len) || !lx_mm_allows(&t->proc->mm, dst, len, LX_PROT_WRITE))
    return lx_copy_out(t, dst, src, len);
  memcpy((void *)dst, src, len);
  return 0;
}

long lx_copy_string(struct lx_thread *t, char *dst, uintptr_t src, size_t max) {
  // In pieces that never cross a page: a string that ends just before an unmapped
  // page is still good.
  size_t done = 0;
  while (done < max) {
    size_t n = LX_PAGE - ((src + done) & (LX_PAGE - 1));
    if (n > max - done) n = max - done;
    if (n > 256) n = 256;
    if (lx_copy_in(t, dst + done, src + done, n) != 0) return -LX_EFAULT;
    char *nul = memchr(dst + done, 0, n);
    if (nul) return (long)(nul - dst);
    done += n;
  }
  return -LX_ENAMETOOLONG;
}
