// The boot file system: the user programs built into the kernel image, by name.
// tools/gen-bootfs.sh generates the table; its layout is janus_bootfs_header_t and
// janus_bootfs_entry_t (<zircon/syscalls/janus.h>).
#ifndef CORE_BOOTFS_H_
#define CORE_BOOTFS_H_

#include <stdbool.h>
#include <stddef.h>
#include <zircon/rights.h>
#include <zircon/types.h>

struct process;
struct vmo;

// Finds a file by its exact name; *data and *size (either may be NULL) get its bytes
// in the image.
bool bootfs_find(const char *name, const void **data, size_t *size);

// Iteration: files 0 .. bootfs_count() - 1, in the order they were given.
size_t bootfs_count(void);
const char *bootfs_name(size_t i);

// The whole boot file system as one VMO named "bootfs" (its bytes exactly as in the
// image), made on first use and kept for good; NULL when memory ran out. Make it
// before counting resources: it never goes away.
struct vmo *bootfs_vmo(void);
// What user space may do with it: read and map it, never change it (nor signal it:
// every program shares the one object).
#define BOOTFS_RIGHTS \
  (ZX_DEFAULT_VMO_RIGHTS & ~(ZX_RIGHT_WRITE | ZX_RIGHT_SET_PROPERTY | ZX_RIGHT_SIGNAL))
// Where a file's bytes (data from bootfs_find) start in that VMO.
uint64_t bootfs_vmo_offset(const void *data);
// A handle to it in p's table, with BOOTFS_RIGHTS. ZX_ERR_NO_MEMORY, ZX_ERR_NO_RESOURCES.
zx_status_t bootfs_handle_for(struct process *p, zx_handle_t *out);

#endif  // CORE_BOOTFS_H_
