// The kernel's signal observers (core/object/signals.c, port.c) are not under host
// test: objects and handle tables here never have any.
#include <stdlib.h>

#include "core/object/signals.h"

void object_drop_observers(struct kobject *obj) {
  (void)obj;
  abort();  // an observer in a host test would be a bug in the test
}

void object_handle_closed(struct kobject *obj, const void *table, zx_handle_t h) {
  (void)obj, (void)table, (void)h;
  abort();
}
