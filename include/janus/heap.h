// The kernel heap: newlib's malloc over pages mapped on demand in the heap window.
#ifndef JANUS_HEAP_H_
#define JANUS_HEAP_H_

#include <stddef.h>

void heap_init(void);
size_t heap_mapped_bytes(void);

#endif  // JANUS_HEAP_H_
