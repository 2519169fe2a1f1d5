// The user heap (malloc's sbrk, user/lib/newlib_glue.c): how far it may grow.
#ifndef JANUS_USER_HEAP_H_
#define JANUS_USER_HEAP_H_

#include <stddef.h>

// The most address space the heap takes, committed as malloc asks for it; within it,
// malloc returns NULL only when the machine is out of memory. 64 GiB, the largest
// VMO (more than any Pi 4 has). Override in a program with a definition of its own:
//   size_t janus_heap_limit = 256u << 20;  // 256 MiB
#define JANUS_HEAP_LIMIT_DEFAULT ((size_t)64 << 30)
extern size_t janus_heap_limit;

#endif  // JANUS_USER_HEAP_H_
