// Bench group membership (group.h).
#include "group.h"

#include <zircon/syscalls.h>

static bool parse_unsigned(const char **p, unsigned *out) {
  if (**p < '0' || **p > '9') return false;
  unsigned v = 0;
  while (**p >= '0' && **p <= '9') v = v * 10 + (unsigned)(*(*p)++ - '0');
  *out = v;
  return true;
}

bool bench_group_join(unsigned *index, unsigned *count) {
  char name[ZX_MAX_NAME_LEN] = {0};
  if (zx_object_get_property(zx_process_self(), ZX_PROP_NAME, name, sizeof name) != ZX_OK)
    return false;
  const char *p = name;
  while (*p && *p != ' ') p++;
  if (*p++ != ' ' || !parse_unsigned(&p, index) || *p++ != '/' || !parse_unsigned(&p, count) || *p)
    return false;
  return *index < *count && bench_group()->magic == BENCH_GROUP_MAGIC && bench_group()->count == *count;
}
