// In-kernel symbolization for backtraces. The kernel is linked at address 0 and
// relocated at boot, so the table holds image offsets and string offsets, never
// pointers: it needs no relocations. tools/gen-ksyms.sh generates it at build time.
#ifndef CORE_KSYMS_H_
#define CORE_KSYMS_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ksym {
  uint64_t offset;  // start, as an offset into the kernel image
  uint32_t size;    // bytes; 0 when unknown (the symbol runs to the next one)
  uint32_t name;    // offset of the NUL-terminated name in ksyms_names
};

// The generated table, sorted by offset with one entry per offset. Hidden, so a
// position-independent kernel reaches it PC-relative rather than through the GOT.
#define KSYMS_HIDDEN __attribute__((visibility("hidden")))
extern KSYMS_HIDDEN const struct ksym ksyms_table[];
extern KSYMS_HIDDEN const uint64_t ksyms_count;
extern KSYMS_HIDDEN const char ksyms_names[];

// Finds the function containing image_offset (an address minus the image's load
// address). On success sets *name and *offset_in_symbol (either may be NULL).
// A size-0 last symbol has no end: callers check the address is in the image.
bool ksyms_lookup(uint64_t image_offset, const char **name, uint64_t *offset_in_symbol);

// The same search over a given table, for tests and other tables.
bool ksyms_lookup_in(const struct ksym *table, size_t count, const char *names,
                     uint64_t image_offset, const char **name, uint64_t *offset_in_symbol);

#endif  // CORE_KSYMS_H_
