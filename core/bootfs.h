// The boot file system: the user programs built into the kernel image, by name.
// tools/gen-bootfs.sh generates the table (format described there).
#ifndef CORE_BOOTFS_H_
#define CORE_BOOTFS_H_

#include <stdbool.h>
#include <stddef.h>

// Finds a file by its exact name; *data and *size (either may be NULL) get its bytes
// in the image.
bool bootfs_find(const char *name, const void **data, size_t *size);

// Iteration: files 0 .. bootfs_count() - 1, in the order they were given.
size_t bootfs_count(void);
const char *bootfs_name(size_t i);

#endif  // CORE_BOOTFS_H_
