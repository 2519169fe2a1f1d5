// Lookup in the boot file system (see bootfs.h and tools/gen-bootfs.sh).
#include "bootfs.h"

#include <stdint.h>
#include <string.h>

struct bootfs_entry {
  uint64_t name;  // offsets from bootfs_base
  uint64_t data;
  uint64_t size;
};

// Generated symbols; hidden (the force-included pragma), so reached PC-relative.
extern const char bootfs_base[];
extern const uint64_t bootfs_entry_count;
extern const struct bootfs_entry bootfs_entries[];

size_t bootfs_count(void) { return bootfs_entry_count; }

const char *bootfs_name(size_t i) {
  return i < bootfs_entry_count ? bootfs_base + bootfs_entries[i].name : NULL;
}

bool bootfs_find(const char *name, const void **data, size_t *size) {
  for (size_t i = 0; i < bootfs_entry_count; i++) {
    const struct bootfs_entry *e = &bootfs_entries[i];
    if (strcmp(bootfs_base + e->name, name) == 0) {
      if (data) *data = bootfs_base + e->data;
      if (size) *size = e->size;
      return true;
    }
  }
  return false;
}
