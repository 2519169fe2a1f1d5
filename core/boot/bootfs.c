// Lookup in the boot file system (see bootfs.h and tools/gen-bootfs.sh), and the
// read-only VMO that shows it to user space.
#include "bootfs.h"

#include "core/object/process.h"
#include <stdint.h>
#include <string.h>
#include <zircon/rights.h>
#include <zircon/syscalls/janus.h>

#include "core/vm/vmo.h"

// Generated symbols; hidden (the force-included pragma), so reached PC-relative.
extern const char bootfs_base[], bootfs_end[];
extern const uint64_t bootfs_entry_count;
extern const janus_bootfs_entry_t bootfs_entries[];

size_t bootfs_count(void) { return bootfs_entry_count; }

const char *bootfs_name(size_t i) {
  return i < bootfs_entry_count ? bootfs_base + bootfs_entries[i].name_offset : NULL;
}

bool bootfs_find(const char *name, const void **data, size_t *size) {
  for (size_t i = 0; i < bootfs_entry_count; i++) {
    const janus_bootfs_entry_t *e = &bootfs_entries[i];
    if (strcmp(bootfs_base + e->name_offset, name) == 0) {
      if (data) *data = bootfs_base + e->data_offset;
      if (size) *size = e->size;
      return true;
    }
  }
  return false;
}

// A copy, not the image's own pages: the kernel keeps reading its bootfs, and the VMO's
// pages are ordinary ones, which slices and snapshots share.
static struct vmo *the_vmo;

struct vmo *bootfs_vmo(void) {
  struct vmo *vmo = __atomic_load_n(&the_vmo, __ATOMIC_ACQUIRE);
  if (vmo) return vmo;
  size_t size = (size_t)(bootfs_end - bootfs_base);
  if (vmo_create(size, 0, &vmo) != ZX_OK) return NULL;
  memcpy(vmo->name, "bootfs", 7);
  if (vmo_write(vmo, bootfs_base, 0, size) != ZX_OK) {
    kobject_unref(&vmo->obj);
    return NULL;
  }
  struct vmo *expected = NULL;
  if (!__atomic_compare_exchange_n(&the_vmo, &expected, vmo, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    kobject_unref(&vmo->obj);  // another CPU made it first
    return expected;
  }
  return vmo;  // the_vmo's reference: kept for good
}

uint64_t bootfs_vmo_offset(const void *data) { return (uint64_t)((const char *)data - bootfs_base); }

zx_status_t bootfs_handle_for(struct process *p, zx_handle_t *out) {
  struct vmo *vmo = bootfs_vmo();
  if (!vmo) return ZX_ERR_NO_MEMORY;
  return handle_table_add(p->handles, &vmo->obj, BOOTFS_RIGHTS, out);
}
