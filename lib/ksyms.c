// Symbol lookup by binary search over the build-time table (see ksyms.h).
#include "ksyms.h"

bool ksyms_lookup_in(const struct ksym *table, size_t count, const char *names,
                     uint64_t image_offset, const char **name, uint64_t *offset_in_symbol) {
  // Find the last entry starting at or before image_offset.
  size_t lo = 0, hi = count;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (table[mid].offset <= image_offset)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo == 0) return false;  // before the first symbol (or empty table)
  const struct ksym *sym = &table[lo - 1];
  uint64_t delta = image_offset - sym->offset;
  // Without a size the symbol runs up to the next one, which starts past
  // image_offset by construction of lo.
  if (sym->size != 0 && delta >= sym->size) return false;
  if (name) *name = names + sym->name;
  if (offset_in_symbol) *offset_in_symbol = delta;
  return true;
}

bool ksyms_lookup(uint64_t image_offset, const char **name, uint64_t *offset_in_symbol) {
  return ksyms_lookup_in(ksyms_table, (size_t)ksyms_count, ksyms_names, image_offset, name,
                         offset_in_symbol);
}
