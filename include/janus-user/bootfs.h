// The boot filesystem seen from user space (user/lib/bootfs.c): one read-only VMO
// laid out as janus_bootfs_header_t, entries and files (<zircon/syscalls/janus.h>).
// A program finds it in x4 at start (janus_bootfs()) when its starter gave it one: the
// kernel gives it to every program it runs, janus_launch_bootfs passes it on.
#ifndef JANUS_USER_BOOTFS_H_
#define JANUS_USER_BOOTFS_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/syscalls/janus.h>
#include <zircon/types.h>

#ifdef __cplusplus
extern "C" {
#endif

// This program's handle to the boot filesystem, or ZX_HANDLE_INVALID.
zx_handle_t janus_bootfs(void);

// Finds the file called name in the bootfs VMO: its bytes are *size bytes at *offset
// in the VMO. ZX_ERR_NOT_FOUND: no such file. ZX_ERR_INVALID_ARGS: name is NULL, or
// the VMO does not hold a well-formed bootfs. Handle errors are zx_vmo_read's
// (ZX_ERR_BAD_HANDLE, ZX_ERR_WRONG_TYPE, ZX_ERR_ACCESS_DENIED without ZX_RIGHT_READ).
zx_status_t janus_bootfs_find(zx_handle_t bootfs, const char *name, uint64_t *offset,
                              uint64_t *size);

// Copies the file called name into buf, which holds capacity bytes; *size (when not
// NULL) gets the file's length. ZX_ERR_BUFFER_TOO_SMALL: the file is longer (nothing
// copied, *size set). Other errors as janus_bootfs_find's.
zx_status_t janus_bootfs_read(zx_handle_t bootfs, const char *name, void *buf, size_t capacity,
                              size_t *size);

#ifdef __cplusplus
}
#endif

#endif  // JANUS_USER_BOOTFS_H_
