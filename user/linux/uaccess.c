// Copies between the personality and a Linux process's memory. The personality runs
// on the sibling's own threads in normal mode, where the Linux memory (the restricted
// half) is mapped too, so it could dereference Linux pointers; but a bad one would
// then fault the personality. So a copy first checks the range as Linux does: only
// restricted-half addresses (access_ok), and mappings of the process's list (mm.c)
// that allow the access cover it all (a read() into a read-only page is -EFAULT, as
// Linux's copy_to_user fault). The lock keeps the list as it is meanwhile. Then the
// kernel copies under a fault handler: zx_process_read_memory / _write_memory on the
// sibling (a partial copy means the memory could not be had: -EFAULT). The _locked
// copies go straight through the normal-mode mapping (pipes), which the same check
// makes safe. Bulk file data goes between a VMO and Linux memory with
// zx_vmo_read/_write after the same check (file.c).
#include <string.h>

#include "linux.h"

bool lx_user_range(uintptr_t addr, size_t len) {
  return addr >= LX_PAGE && addr < LX_USER_END && len <= LX_USER_END - addr;
}

bool lx_user_access_ok(struct lx_thread *t, uintptr_t addr, size_t len, uint32_t prot) {
  return len == 0 || (lx_user_range(addr, len) && lx_mm_allows(&t->proc->mm, addr, len, prot));
}

int lx_copy_in(struct lx_thread *t, void *dst, uintptr_t src, size_t len) {
  if (len == 0) return 0;
  if (!lx_user_access_ok(t, src, len, LX_PROT_READABLE)) return -LX_EFAULT;
  size_t actual = 0;
  zx_status_t status = zx_process_read_memory(t->proc->proc, src, dst, len, &actual);
  return status == ZX_OK && actual == len ? 0 : -LX_EFAULT;
}

int lx_copy_out(struct lx_thread *t, uintptr_t dst, const void *src, size_t len) {
  if (len == 0) return 0;
  if (!lx_user_access_ok(t, dst, len, LX_PROT_WRITE)) return -LX_EFAULT;
  size_t actual = 0;
  zx_status_t status = zx_process_write_memory(t->proc->proc, dst, src, len, &actual);
  return status == ZX_OK && actual == len ? 0 : -LX_EFAULT;
}

int lx_copy_in_locked(struct lx_thread *t, void *dst, uintptr_t src, size_t len) {
  if (!lx_user_access_ok(t, src, len, LX_PROT_READABLE)) return -LX_EFAULT;
  memcpy(dst, (const void *)src, len);
  return 0;
}

int lx_copy_out_locked(struct lx_thread *t, uintptr_t dst, const void *src, size_t len) {
  if (!lx_user_access_ok(t, dst, len, LX_PROT_WRITE)) return -LX_EFAULT;
  memcpy((void *)dst, src, len);
  return 0;
}

// The LX_LOCKLESS handlers run without the lock: they take it for the check and copy.
int lx_copy_in_lockless(struct lx_thread *t, void *dst, uintptr_t src, size_t len) {
  lx_lock();
  int err = lx_copy_in(t, dst, src, len);
  lx_unlock();
  return err;
}

int lx_copy_out_lockless(struct lx_thread *t, uintptr_t dst, const void *src, size_t len) {
  lx_lock();
  int err = lx_copy_out(t, dst, src, len);
  lx_unlock();
  return err;
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
