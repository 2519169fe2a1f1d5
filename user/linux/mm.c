// A Linux process's memory: its sibling's restricted VMAR, and the personality's list
// of what is mapped there (struct lx_vma, by address), which fork copies and
// mprotect/munmap split. Each mapping has a VMO of its own (a file mapping is a
// private copy of the file's bytes); MAP_SHARED anonymous memory keeps its VMO across
// fork, and so, read-only, do private mappings nobody may write (share_read_only).
// brk grows by mapping one more VMO above the previous break.
#include <stdlib.h>
#include <string.h>

#include "linux.h"

#define COPY_CHUNK (64u * 1024)

static zx_vm_option_t perms_of(uint32_t prot) {
  // Janus has no write-only or execute-only pages: both also read (as on arm64 Linux
  // without PAN, where PROT_WRITE pages are readable).
  zx_vm_option_t p = 0;
  if (prot & (LX_PROT_READ | LX_PROT_WRITE | LX_PROT_EXEC)) p |= ZX_VM_PERM_READ;
  if (prot & LX_PROT_WRITE) p |= ZX_VM_PERM_WRITE;
  if (prot & LX_PROT_EXEC) p |= ZX_VM_PERM_EXECUTE;
  return p;
}

static int errno_of(zx_status_t status) {
  switch (status) {
    case ZX_ERR_NO_MEMORY:
      return -LX_ENOMEM;
    case ZX_ERR_ACCESS_DENIED:
      return -LX_EACCES;
    default:
      return -LX_EINVAL;
  }
}

// A fresh anonymous VMO that may be mapped executable (mprotect can add PROT_EXEC).
static zx_status_t anon_vmo(size_t len, zx_handle_t *out) {
  zx_handle_t plain;
  zx_status_t status = zx_vmo_create(len, 0, &plain);
  if (status != ZX_OK) return status;
  return zx_vmo_replace_as_executable(plain, ZX_HANDLE_INVALID, out);
}

static void vma_free(struct lx_mm *mm, struct lx_vma *v) {
  if (mm->found == v) mm->found = NULL;
  zx_handle_close(v->vmo);
  free(v);
}

// No mapping straddles addr afterwards.
static int split_at(struct lx_mm *mm, uintptr_t addr) {
  for (struct lx_vma *v = mm->vmas; v; v = v->next) {
    if (addr <= v->start || addr >= v->end) continue;
    struct lx_vma *tail = malloc(sizeof *tail);
    if (!tail) return -LX_ENOMEM;
    *tail = *v;
    if (zx_handle_duplicate(v->vmo, ZX_RIGHT_SAME_RIGHTS, &tail->vmo) != ZX_OK) {
      free(tail);
      return -LX_ENOMEM;
    }
    tail->start = addr;
    tail->vmo_offset += addr - v->start;
    v->end = addr;
    v->next = tail;
    return 0;
  }
  return 0;
}

// Forgets the mappings inside [addr, end) (after split_at at both ends).
static void forget_range(struct lx_mm *mm, uintptr_t addr, uintptr_t end) {
  for (struct lx_vma **link = &mm->vmas; *link;) {
    struct lx_vma *v = *link;
    if (v->start >= addr && v->end <= end) {
      *link = v->next;
      vma_free(mm, v);
    } else {
      link = &v->next;
    }
  }
}

static void insert(struct lx_mm *mm, struct lx_vma *n) {
  struct lx_vma **link = &mm->vmas;
  while (*link && (*link)->start < n->start) link = &(*link)->next;
  n->next = *link;
  *link = n;
}

static bool range_free(const struct lx_mm *mm, uintptr_t addr, uintptr_t end) {
  for (const struct lx_vma *v = mm->vmas; v; v = v->next)
    if (v->start < end && addr < v->end) return false;
  return true;
}

int lx_mm_map(struct lx_mm *mm, uintptr_t addr, size_t len, uint32_t prot, uint32_t flags,
              zx_handle_t vmo, uint64_t vmo_offset, bool fixed, uintptr_t *out) {
  if (len == 0 || (addr & (LX_PAGE - 1)) || len > mm->len) return -LX_EINVAL;
  bool specific = fixed;
  if (addr && (addr < mm->base || addr - mm->base > mm->len - len)) {
    if (fixed) return -LX_ENOMEM;
    addr = 0;
  }
  if (!fixed && addr && range_free(mm, addr, addr + len)) specific = true;  // the hint
  zx_handle_t own = vmo;
  if (own == ZX_HANDLE_INVALID) {
    zx_status_t status = anon_vmo(len, &own);
    if (status != ZX_OK) return errno_of(status);
    vmo_offset = 0;
  }
  struct lx_vma *v = malloc(sizeof *v);
  if (!v) {
    if (own != vmo) zx_handle_close(own);
    return -LX_ENOMEM;
  }
  if (fixed && (split_at(mm, addr) != 0 || split_at(mm, addr + len) != 0)) {
    free(v);
    if (own != vmo) zx_handle_close(own);
    return -LX_ENOMEM;
  }
  zx_vaddr_t at = 0;
  zx_vm_option_t options = perms_of(prot) | (fixed      ? ZX_VM_SPECIFIC_OVERWRITE
                                             : specific ? ZX_VM_SPECIFIC
                                                        : 0);
  zx_status_t status =
      zx_vmar_map(mm->vmar, options, specific ? addr - mm->base : 0, own, vmo_offset, len, &at);
  if (status != ZX_OK) {
    free(v);
    if (own != vmo) zx_handle_close(own);
    return errno_of(status);
  }
  if (fixed) forget_range(mm, addr, addr + len);
  zx_info_handle_basic_t info = {0};
  if (flags & LX_MAP_SHARED)
    zx_object_get_info(own, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL);
  *v = (struct lx_vma){.start = at,
                       .end = at + len,
                       .prot = prot,
                       .flags = flags,
                       .vmo = own,
                       .vmo_offset = vmo_offset,
                       .futex_object = flags & LX_MAP_SHARED ? info.koid << 1 | 1 : 0,
                       .futex_delta = vmo_offset - at};
  insert(mm, v);
  *out = at;
  return 0;
}

int lx_mm_unmap(struct lx_mm *mm, uintptr_t addr, size_t len) {
  if ((addr & (LX_PAGE - 1)) || len == 0 || !lx_user_range(addr, len)) return -LX_EINVAL;
  uintptr_t end = addr + len;
  if (split_at(mm, addr) != 0 || split_at(mm, end) != 0) return -LX_ENOMEM;
  for (struct lx_vma *v = mm->vmas; v; v = v->next)
    if (v->start >= addr && v->end <= end) zx_vmar_unmap(mm->vmar, v->start, v->end - v->start);
  forget_range(mm, addr, end);
  return 0;
}

static int make_private(struct lx_mm *mm, struct lx_vma *v);
static int make_executable(struct lx_mm *mm, struct lx_vma *v);

int lx_mm_protect(struct lx_mm *mm, uintptr_t addr, size_t len, uint32_t prot) {
  uintptr_t end = addr + len;
  // Linux: ENOMEM when part of the range is not mapped.
  uintptr_t covered = addr;
  for (struct lx_vma *v = mm->vmas; v && covered < end; v = v->next)
    if (v->start <= covered && v->end > covered) covered = v->end;
  if (covered < end) return -LX_ENOMEM;
  if (split_at(mm, addr) != 0 || split_at(mm, end) != 0) return -LX_ENOMEM;
  if (prot & LX_PROT_WRITE)
    for (struct lx_vma *v = mm->vmas; v; v = v->next)
      if (v->start >= addr && v->end <= end && v->ro_shared) {
        int err = make_private(mm, v);
        if (err) return err;
      }
  if (prot & LX_PROT_EXEC)
    for (struct lx_vma *v = mm->vmas; v; v = v->next)
      if (v->start >= addr && v->end <= end && !(v->prot & LX_PROT_EXEC)) {
        int err = make_executable(mm, v);
        if (err) return err;
      }
  zx_status_t status = zx_vmar_protect(mm->vmar, perms_of(prot), addr, len);
  if (status != ZX_OK) return errno_of(status);
  for (struct lx_vma *v = mm->vmas; v; v = v->next)
    if (v->start >= addr && v->end <= end) v->prot = prot;
  return 0;
}

// Also on futex.c's way before the FP/SIMD save (hence the target). A futex's word is
// looked up on every call: the last mapping found is tried first.
__attribute__((target("general-regs-only"))) const struct lx_vma *lx_mm_find(struct lx_mm *mm,
                                                                             uintptr_t addr) {
  struct lx_vma *v = mm->found;
  if (v && v->start <= addr) {
    if (addr < v->end) return v;
    v = v->next;  // the list is sorted: the walk goes on from the last answer
  } else {
    v = mm->vmas;
  }
  for (; v && v->start <= addr; v = v->next)
    if (addr < v->end) return mm->found = v;
  return NULL;
}

void lx_mm_clear(struct lx_mm *mm) {
  if (mm->vmas) zx_vmar_unmap(mm->vmar, mm->base, mm->len);
  lx_mm_forget(mm);
}

void lx_mm_forget(struct lx_mm *mm) {
  while (mm->vmas) {
    struct lx_vma *v = mm->vmas;
    mm->vmas = v->next;
    vma_free(mm, v);
  }
  mm->brk_start = mm->brk = mm->brk_mapped = 0;
}

static bool all_zero(const uint64_t *p, size_t n) {
  for (size_t i = 0; i < n / 8; i++)
    if (p[i]) return false;
  return true;
}

// A private mapping's bytes for a child: a copy-on-write snapshot of its VMO range
// (zx_vmo_create_child); should that fail, an eager copy in which chunks that read as
// zeros are skipped, so untouched pages stay uncommitted. A snapshot cannot execute
// until made so: only an executable mapping's is at once (else make_executable).
static int private_copy(const struct lx_vma *v, zx_handle_t *out) {
  size_t len = v->end - v->start;
  zx_handle_t child, vmo;
  if (zx_vmo_create_child(v->vmo, ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE, v->vmo_offset, len,
                          &child) == ZX_OK) {
    if (!(v->prot & LX_PROT_EXEC)) *out = child;
    else if (zx_vmo_replace_as_executable(child, ZX_HANDLE_INVALID, out) != ZX_OK)
      return -LX_ENOMEM;
    return 0;
  }
  uint64_t *buf = malloc(COPY_CHUNK);
  if (!buf || anon_vmo(len, &vmo) != ZX_OK) {
    free(buf);
    return -LX_ENOMEM;
  }
  for (size_t done = 0; done < len; done += COPY_CHUNK) {
    size_t n = len - done < COPY_CHUNK ? len - done : COPY_CHUNK;
    if (zx_vmo_read(v->vmo, buf, v->vmo_offset + done, n) != ZX_OK) continue;  // beyond its end
    if (!all_zero(buf, n) && zx_vmo_write(vmo, buf, done, n) != ZX_OK) {
      zx_handle_close(vmo);
      free(buf);
      return -LX_ENOMEM;
    }
  }
  free(buf);
  *out = vmo;
  return 0;
}

// Puts v in place again through vmo (at vmo_offset) instead of its own VMO.
static int remap(struct lx_mm *mm, struct lx_vma *v, zx_handle_t vmo, uint64_t vmo_offset) {
  zx_vaddr_t at;
  if (zx_vmar_map(mm->vmar, perms_of(v->prot) | ZX_VM_SPECIFIC_OVERWRITE, v->start - mm->base, vmo,
                  vmo_offset, v->end - v->start, &at) != ZX_OK)
    return -LX_ENOMEM;
  zx_handle_close(v->vmo);
  v->vmo = vmo;
  v->vmo_offset = vmo_offset;
  return 0;
}

// A private mapping nobody may write (code, read-only data, PROT_NONE) needs no copy at
// fork: parent and child map the same VMO through handles without ZX_RIGHT_WRITE. So
// neither can change it, not even through the kernel's copies (a copy_out into it makes
// zx_process_write_memory give the writer's mapping a snapshot of its own, as Zircon's
// ForceWritable does); mprotect to writable first gives it its own (make_private). The
// parent's mapping is put back through such a handle once, at its first fork.
static int share_read_only(struct lx_mm *mm, struct lx_vma *v) {
  if (v->ro_shared) return 0;
  zx_info_handle_basic_t info;
  zx_handle_t ro;
  if (zx_object_get_info(v->vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) != ZX_OK ||
      zx_handle_duplicate(v->vmo, info.rights & ~ZX_RIGHT_WRITE, &ro) != ZX_OK)
    return -LX_ENOMEM;
  int err = remap(mm, v, ro, v->vmo_offset);
  if (err) zx_handle_close(ro);
  else v->ro_shared = true;
  return err;
}

// The other way: v (ro_shared) gets a snapshot of its own, which it may write.
static int make_private(struct lx_mm *mm, struct lx_vma *v) {
  zx_handle_t vmo;
  int err = private_copy(v, &vmo);
  if (!err && (err = remap(mm, v, vmo, 0)) != 0) zx_handle_close(vmo);
  if (!err) v->ro_shared = false;
  return err;
}

// mprotect to executable: v's VMO (a fork's snapshot) may lack ZX_RIGHT_EXECUTE; then
// v is put back through an executable handle to it.
static int make_executable(struct lx_mm *mm, struct lx_vma *v) {
  zx_info_handle_basic_t info;
  zx_handle_t dup, exe;
  if (zx_object_get_info(v->vmo, ZX_INFO_HANDLE_BASIC, &info, sizeof info, NULL, NULL) != ZX_OK)
    return -LX_ENOMEM;
  if (info.rights & ZX_RIGHT_EXECUTE) return 0;
  if (zx_handle_duplicate(v->vmo, ZX_RIGHT_SAME_RIGHTS, &dup) != ZX_OK ||
      zx_vmo_replace_as_executable(dup, ZX_HANDLE_INVALID, &exe) != ZX_OK)
    return -LX_ENOMEM;
  int err = remap(mm, v, exe, v->vmo_offset);
  if (err) zx_handle_close(exe);
  return err;
}

// fork: the child's mappings are the parent's, at the same places; private ones
// copy-on-write or shared read-only, MAP_SHARED ones the same VMO. The child's space is
// empty, so each goes straight in (ZX_VM_SPECIFIC) and its list is built in order.
int lx_mm_copy(struct lx_mm *dst, struct lx_mm *src) {
  int err = 0;
  struct lx_vma **tail = &dst->vmas;
  while (*tail) tail = &(*tail)->next;
  for (struct lx_vma *v = src->vmas; v && !err; v = v->next) {
    zx_handle_t vmo;
    uint64_t offset = v->vmo_offset;
    bool read_only = !(v->flags & LX_MAP_SHARED) && !(v->prot & LX_PROT_WRITE);
    if (read_only) err = share_read_only(src, v);
    if (err) break;
    if ((v->flags & LX_MAP_SHARED) || read_only) {
      if (zx_handle_duplicate(v->vmo, ZX_RIGHT_SAME_RIGHTS, &vmo) != ZX_OK) err = -LX_ENOMEM;
    } else {
      err = private_copy(v, &vmo);
      offset = 0;
    }
    if (err) break;
    struct lx_vma *n = malloc(sizeof *n);
    zx_vaddr_t at;
    if (!n || zx_vmar_map(dst->vmar, perms_of(v->prot) | ZX_VM_SPECIFIC, v->start - dst->base, vmo,
                          offset, v->end - v->start, &at) != ZX_OK) {
      free(n);
      zx_handle_close(vmo);
      err = -LX_ENOMEM;
      break;
    }
    *n = *v;  // the same VMO's futex key for MAP_SHARED
    n->vmo = vmo;
    n->vmo_offset = offset;
    n->ro_shared = read_only;
    n->next = NULL;
    *tail = n;
    tail = &n->next;
  }
  dst->brk_start = src->brk_start;
  dst->brk = src->brk;
  dst->brk_mapped = src->brk_mapped;
  return err;
}

int lx_mm_brk_init(struct lx_mm *mm, uintptr_t start) {
  mm->brk_start = mm->brk = mm->brk_mapped = (start + LX_PAGE - 1) & ~(LX_PAGE - 1);
  return 0;
}

#define BRK_MAX (1ul << 30)

long lx_sys_brk_impl(struct lx_thread *t, const uint64_t *a) {
  struct lx_mm *mm = &t->proc->mm;
  uintptr_t want = a[0];
  if (want < mm->brk_start || want - mm->brk_start > BRK_MAX) return (long)mm->brk;
  uintptr_t top = (want + LX_PAGE - 1) & ~(LX_PAGE - 1);
  if (top > mm->brk_mapped) {
    uintptr_t at;
    if (!range_free(mm, mm->brk_mapped, top)) return (long)mm->brk;
    if (lx_mm_map(mm, mm->brk_mapped, top - mm->brk_mapped, LX_PROT_READ | LX_PROT_WRITE,
                  LX_MAP_PRIVATE, ZX_HANDLE_INVALID, 0, true, &at) != 0)
      return (long)mm->brk;
    mm->brk_mapped = top;
  } else if (top < mm->brk_mapped) {
    lx_mm_unmap(mm, top, mm->brk_mapped - top);
    mm->brk_mapped = top;
  }
  mm->brk = want;
  return (long)want;
}
