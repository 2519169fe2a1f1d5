// Reading the kernel command line (lib/bootargs.h).
#include "lib/bootargs.h"

#include <string.h>

bool bootarg_find(const char *bootargs, const char *key, const char **value, size_t *len) {
  size_t key_len = strlen(key);
  for (const char *p = bootargs; p && *p;) {
    p += strspn(p, " ");
    size_t word = strcspn(p, " ");
    if (word >= key_len && !strncmp(p, key, key_len) && (word == key_len || p[key_len] == '=')) {
      *value = word == key_len ? p + word : p + key_len + 1;
      *len = word == key_len ? 0 : word - key_len - 1;
      return true;
    }
    p += word;
  }
  return false;
}

static bool is(const char *value, size_t len, const char *word) {
  return strlen(word) == len && !strncmp(value, word, len);
}

bool bootarg_bool(const char *bootargs, const char *key, bool dflt, bool *bad) {
  const char *value;
  size_t len;
  *bad = false;
  if (!bootarg_find(bootargs, key, &value, &len)) return dflt;
  if (len == 0 || is(value, len, "true") || is(value, len, "on") || is(value, len, "1"))
    return true;
  if (is(value, len, "false") || is(value, len, "off") || is(value, len, "0")) return false;
  *bad = true;
  return dflt;
}
