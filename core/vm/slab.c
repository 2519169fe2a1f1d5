// Slab caches (core/vm/slab.h). Lists are doubly linked through the slab headers;
// every list and counter of a cache is under its lock, and the page allocator is
// called with it held (its own lock nests inside).
#include "core/vm/slab.h"

#include <janus/physmap.h>
#include <string.h>

#include <janus/pmm.h>

// Test builds and host tests also catch double frees (a walk of the slab's free list).
#if defined(JANUS_HOST) || KCONFIG_SELFTEST
#define SLAB_CHECK_DOUBLE_FREE 1
#else
#define SLAB_CHECK_DOUBLE_FREE 0
#endif

#define SLAB_ALIGN 16u

struct slab {
  struct slab *prev, *next;
  struct slab_cache *cache;
  void *free;       // first free object; each free object's first word is the next
  uint32_t in_use;  // objects handed out
};

#define SLAB_HEADER ((sizeof(struct slab) + SLAB_ALIGN - 1) & ~(size_t)(SLAB_ALIGN - 1))

static uint64_t pages_held;   // every cache's slabs, in pages (atomic)
static uint64_t empty_pages;  // the part of it in empty slabs (atomic)

uint64_t slab_pages(void) { return __atomic_load_n(&pages_held, __ATOMIC_RELAXED); }
uint64_t slab_empty_pages(void) { return __atomic_load_n(&empty_pages, __ATOMIC_RELAXED); }

static size_t slab_bytes(unsigned order) { return (size_t)PAGE_SIZE << order; }

// The smallest order that wastes at most 1/8 of a slab, else the one wasting least:
// small objects get single pages, page-sized ones 32 KiB slabs.
static void layout(struct slab_cache *c) {
  size_t align = c->align > SLAB_ALIGN ? c->align : SLAB_ALIGN;
  c->stride = (c->obj_size + align - 1) & ~(align - 1);
  if (c->stride < sizeof(void *)) c->stride = SLAB_ALIGN;
  c->first = (SLAB_HEADER + align - 1) & ~(align - 1);
  size_t best_waste = SIZE_MAX;
  for (unsigned order = 0; order <= SLAB_MAX_ORDER; order++) {
    size_t bytes = slab_bytes(order);
    if (bytes < c->first + c->stride) continue;
    size_t n = (bytes - c->first) / c->stride;
    size_t waste = (bytes - n * c->stride) * 1000 / bytes;  // per mille: orders compare by share
    if (waste < best_waste) {
      best_waste = waste;
      c->order = (uint8_t)order;
      c->per_slab = (uint32_t)n;
    }
    if (waste <= 125) break;
  }
}

#ifdef JANUS_HOST
void slab_reset_for_test(void) { pages_held = empty_pages = 0; }
#endif

static void list_push(struct slab **head, struct slab *s) {
  s->prev = NULL;
  s->next = *head;
  if (*head) (*head)->prev = s;
  *head = s;
}

static void list_remove(struct slab **head, struct slab *s) {
  if (s->prev) s->prev->next = s->next;
  else *head = s->next;
  if (s->next) s->next->prev = s->prev;
  s->prev = s->next = NULL;
}

static struct slab *slab_new_locked(struct slab_cache *c) {
  paddr_t pa;
  if (pmm_alloc(c->order, &pa) != ZX_OK) return NULL;
  struct slab *s = paddr_to_kva(pa);
  *s = (struct slab){.cache = c};
  uint8_t *first = (uint8_t *)s + c->first;
  // Thread the free list in address order.
  for (uint32_t i = c->per_slab; i-- > 0;) {
    void *obj = first + (size_t)i * c->stride;
    *(void **)obj = s->free;
    s->free = obj;
  }
  c->slabs++;
  __atomic_fetch_add(&pages_held, (uint64_t)1 << c->order, __ATOMIC_RELAXED);
  return s;
}

static void slab_release_locked(struct slab_cache *c, struct slab *s) {
  c->slabs--;
  __atomic_fetch_sub(&pages_held, (uint64_t)1 << c->order, __ATOMIC_RELAXED);
  pmm_free(kva_to_paddr(s), c->order);
}

void *slab_alloc(struct slab_cache *c) {
  irq_state_t irq = spin_lock_irqsave(&c->lock);
  if (!c->stride) layout(c);
  struct slab *s = c->partial;
  if (!s && c->empty) {
    s = c->empty;
    list_remove(&c->empty, s);
    __atomic_fetch_sub(&empty_pages, (uint64_t)1 << c->order, __ATOMIC_RELAXED);
    list_push(&c->partial, s);
  }
  if (!s) {
    s = slab_new_locked(c);
    if (!s) {
      spin_unlock_irqrestore(&c->lock, irq);
      return NULL;
    }
    list_push(&c->partial, s);
  }
  void *obj = s->free;
  s->free = *(void **)obj;
  s->in_use++;
  c->live++;
  if (!s->free) {
    list_remove(&c->partial, s);
    list_push(&c->full, s);
  }
  spin_unlock_irqrestore(&c->lock, irq);
  memset(obj, 0, c->obj_size);
  return obj;
}

// The slab obj belongs to, if obj is the start of an object slot of c.
static struct slab *slab_of(struct slab_cache *c, void *obj) {
  if (!c->stride) return NULL;  // nothing was ever allocated
  struct slab *s = (struct slab *)((uintptr_t)obj & ~(uintptr_t)(slab_bytes(c->order) - 1));
  uintptr_t offset = (uintptr_t)obj - (uintptr_t)s;
  if (offset < c->first || (offset - c->first) % c->stride ||
      (offset - c->first) / c->stride >= c->per_slab)
    return NULL;
  return s;
}

static bool is_free_locked(const struct slab *s, const void *obj) {
  for (void *f = s->free; f; f = *(void **)f)
    if (f == obj) return true;
  return false;
}

void slab_free(struct slab_cache *c, void *obj) {
  if (!obj) return;
  irq_state_t irq = spin_lock_irqsave(&c->lock);
  struct slab *s = slab_of(c, obj);
  if (!s || s->cache != c || s->in_use == 0 || (SLAB_CHECK_DOUBLE_FREE && is_free_locked(s, obj))) {
    spin_unlock_irqrestore(&c->lock, irq);
    slab_corruption(c, obj);
    return;
  }
  bool was_full = !s->free;
  *(void **)obj = s->free;
  s->free = obj;
  s->in_use--;
  c->live--;
  if (was_full) {
    list_remove(&c->full, s);
    list_push(&c->partial, s);
  }
  if (s->in_use == 0) {
    list_remove(&c->partial, s);
    if (c->empty) slab_release_locked(c, s);  // one spare is enough
    else {
      list_push(&c->empty, s);
      __atomic_fetch_add(&empty_pages, (uint64_t)1 << c->order, __ATOMIC_RELAXED);
    }
  }
  spin_unlock_irqrestore(&c->lock, irq);
}
