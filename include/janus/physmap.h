// The kernel reaches all physical memory through the physmap, a linear map in the
// TTBR1 half: kva = pa + physmap offset. The kernel image itself runs inside it.
#ifndef JANUS_PHYSMAP_H_
#define JANUS_PHYSMAP_H_

#include <arch/memory_map.h>  // PAGE_SIZE and the physmap's base
#include <stdint.h>

typedef uint64_t paddr_t;

#ifdef JANUS_HOST
// Host tests point this at a buffer that stands for physical memory.
extern uintptr_t physmap_offset;
#define PHYSMAP_OFFSET physmap_offset
#else
#define PHYSMAP_OFFSET KERNEL_PHYSMAP_BASE
#endif

static inline void *paddr_to_kva(paddr_t pa) { return (void *)(uintptr_t)(pa + PHYSMAP_OFFSET); }
static inline paddr_t kva_to_paddr(const void *kva) { return (uintptr_t)kva - PHYSMAP_OFFSET; }

#endif  // JANUS_PHYSMAP_H_
