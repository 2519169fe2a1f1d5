// The kernel heap: newlib's malloc over pages mapped on demand in the heap window.
#ifndef JANUS_HEAP_H_
#define JANUS_HEAP_H_

#include <stddef.h>

#include <stddef.h>

// Moves the heap's end by increment bytes (never down); returns the old end, or
// (void *)-1 when out of memory or window, as sbrk does.
void *heap_extend(ptrdiff_t increment);
// Pages the heap holds (it never gives them back): for leak accounting.
size_t heap_mapped_pages(void);
// Maps the heap window's first page, once at boot (before any process exists).
void heap_init(void);

#endif  // JANUS_HEAP_H_
