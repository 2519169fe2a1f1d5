// The kernel command line (the device tree's /chosen/bootargs): space-separated words,
// each "key" or "key=value". Portable, so the host tests check it.
#ifndef LIB_BOOTARGS_H_
#define LIB_BOOTARGS_H_

#include <stdbool.h>
#include <stddef.h>

// Finds the word key or key=value (a whole word: "xkey=1" is not key). True if present;
// then *value is what follows '=' (or "" for a bare key) and *len its length.
bool bootarg_find(const char *bootargs, const char *key, const char **value, size_t *len);

// A boolean option, as Zircon reads them: absent is dflt; a bare key, "true", "on" or
// "1" is true; "false", "off" or "0" is false; anything else is dflt and *bad is set.
bool bootarg_bool(const char *bootargs, const char *key, bool dflt, bool *bad);

#endif  // LIB_BOOTARGS_H_
