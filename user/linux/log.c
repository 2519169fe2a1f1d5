// The personality's own messages (not Linux output): one line at a time to the debug
// console, prefixed "linux: ".
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "linux.h"

void lx_console_write(const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    size_t n = len < 4096 ? len : 4096;
    if (zx_debug_write(p, n) != ZX_OK) return;
    p += n;
    len -= n;
  }
}

void lx_log(const char *fmt, ...) {
  char line[256] = "linux: ";
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(line + 7, sizeof line - 8, fmt, ap);
  va_end(ap);
  size_t n = strlen(line);
  line[n++] = '\n';
  lx_console_write(line, n);
}
