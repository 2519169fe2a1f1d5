// Slab caches: fixed-size kernel objects carved out of blocks from the page allocator,
// one cache per object type. Each cache keeps its slabs on three lists (partial, full,
// empty); free objects are threaded through their first word; a slab that becomes
// empty goes straight back to the page allocator, except one per cache kept to damp
// alloc/free flapping at a slab boundary. So memory that kernel objects held comes
// back when they die (the kernel heap, by contrast, only grows and trims its top).
//
// A slab is a naturally aligned block of 2^order pages (order <= SLAB_MAX_ORDER, the
// smallest that wastes at most 1/8) with its header first, so an object finds its slab by
// masking its address. Objects are 16-byte aligned and come back zeroed.
#ifndef CORE_VM_SLAB_H_
#define CORE_VM_SLAB_H_

#include <janus/spinlock.h>
#include <stddef.h>
#include <stdint.h>

#define SLAB_MAX_ORDER 3u  // 32 KiB: a 4 KiB object wastes 1/8

struct slab;

struct slab_cache {
  const char *name;
  uint32_t obj_size;  // as asked; rounded to 16 internally
  uint32_t align;     // 0: 16; else a power of two up to a page (SLAB_CACHE_ALIGNED)
  spinlock_t lock;
  // Filled in on first use (under lock):
  uint32_t stride, per_slab;
  uint32_t first;  // offset of the first object: the header, rounded up to the alignment
  uint8_t order;
  struct slab *partial, *full, *empty;
  uint64_t slabs;  // slabs held (any list)
  uint64_t live;   // objects handed out
};

// A cache of objects of size bytes: static struct slab_cache c = SLAB_CACHE(name, size);
#define SLAB_CACHE(name_, size_) \
  { .name = (name_), .obj_size = (size_), .lock = SPINLOCK_INIT }
// The same with objects aligned to align_ bytes (e.g. hardware tables).
#define SLAB_CACHE_ALIGNED(name_, size_, align_) \
  { .name = (name_), .obj_size = (size_), .align = (align_), .lock = SPINLOCK_INIT }

// A zeroed object, or NULL when the page allocator has no block for a new slab.
void *slab_alloc(struct slab_cache *c);
// Gives obj back to c. An address that is not a live object of c is reported to
// slab_corruption and ignored.
void slab_free(struct slab_cache *c, void *obj);

// Pages that all slab caches hold, used or not (kernel memory statistics).
uint64_t slab_pages(void);
// The part of it in empty slabs (one per cache at most): free for accounting.
uint64_t slab_empty_pages(void);

#ifdef JANUS_HOST
// Forgets the page counts (the page allocator under the caches was reset).
void slab_reset_for_test(void);
#endif

// Called (outside the cache lock) when obj is not a live object of c: a kernel bug.
// The kernel panics; host tests record it.
void slab_corruption(const struct slab_cache *c, const void *obj);

#endif  // CORE_VM_SLAB_H_
