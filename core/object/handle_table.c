// Handle tables. Slots live in fixed-size chunks that never move, allocated outside
// the lock; object references are dropped outside it too, since destroy may run.
#include "handle_table.h"
#include <janus/testing.h>

#include <stdbool.h>

#include <zircon/rights.h>

#include <janus/object.h>
#include "lib/hash.h"
#include "signals.h"

#define FIXED_BITS 0x3u
#define SLOT_BITS 16u
#define GEN_MASK 0x3fffu  // 32 - 2 fixed bits - 16 slot bits
#define NO_SLOT UINT32_MAX

_Static_assert(HANDLE_TABLE_MAX <= (1u << SLOT_BITS), "slot index must fit its field");

struct handle_entry {
  struct kobject *obj;  // NULL when free
  union {
    zx_rights_t rights;  // live
    uint32_t next_free;  // free: the next slot in the FIFO
  };
  uint16_t gen;
};

_Static_assert(HANDLE_TABLE_CHUNK * sizeof(struct handle_entry) == HANDLE_TABLE_CHUNK_BYTES,
               "a chunk is what handle_chunk_alloc returns");

void handle_table_init(struct handle_table *ht, uint64_t seed) {
  *ht = (struct handle_table){.lock = SPINLOCK_INIT, .free_head = NO_SLOT, .free_tail = NO_SLOT};
  ht->secret = (uint32_t)hash_splitmix64(seed) & ~FIXED_BITS;
}

static struct handle_entry *entry_at(struct handle_table *ht, uint32_t slot) {
  return &ht->chunks[slot / HANDLE_TABLE_CHUNK][slot % HANDLE_TABLE_CHUNK];
}

static zx_handle_t encode(const struct handle_table *ht, uint32_t slot, uint16_t gen) {
  return ((((uint32_t)gen << SLOT_BITS | slot) << 2) | FIXED_BITS) ^ ht->secret;
}

// The live entry h names (its slot in *slot), or NULL for anything else: 0, wrong
// fixed bits, stale generation, free or never-allocated slot.
static struct handle_entry *lookup_locked(struct handle_table *ht, zx_handle_t h, uint32_t *slot) {
  if ((h & FIXED_BITS) != FIXED_BITS) return NULL;
  uint32_t payload = (h ^ ht->secret) >> 2;
  *slot = payload & ((1u << SLOT_BITS) - 1);
  if (*slot >= ht->chunk_count * HANDLE_TABLE_CHUNK) return NULL;
  struct handle_entry *e = entry_at(ht, *slot);
  if (!e->obj || e->gen != (payload >> SLOT_BITS)) return NULL;
  return e;
}

static void push_free_locked(struct handle_table *ht, uint32_t slot) {
  struct handle_entry *e = entry_at(ht, slot);
  e->obj = NULL;
  e->next_free = NO_SLOT;
  if (ht->free_tail == NO_SLOT) ht->free_head = slot;
  else entry_at(ht, ht->free_tail)->next_free = slot;
  ht->free_tail = slot;
}

// Frees e's slot; its generation moves on so the old value goes stale.
static void release_locked(struct handle_table *ht, uint32_t slot) {
  struct handle_entry *e = entry_at(ht, slot);
  e->gen = (uint16_t)((e->gen + 1) & GEN_MASK);
  push_free_locked(ht, slot);
  ht->count--;
}

// Takes a free slot, installing *spare as a new chunk if none is left.
// ZX_ERR_SHOULD_WAIT: the caller must allocate a spare (unlocked) and retry.
static zx_status_t take_slot_locked(struct handle_table *ht, struct handle_entry **spare,
                                    uint32_t *out) {
  if (ht->free_head == NO_SLOT) {
    if (ht->chunk_count == HANDLE_TABLE_CHUNKS) return ZX_ERR_NO_RESOURCES;
    if (!*spare) return ZX_ERR_SHOULD_WAIT;
    uint32_t first = ht->chunk_count * HANDLE_TABLE_CHUNK;
    ht->chunks[ht->chunk_count++] = *spare;
    *spare = NULL;
    for (uint32_t i = 0; i < HANDLE_TABLE_CHUNK; i++) {
      entry_at(ht, first + i)->gen = 0;
      push_free_locked(ht, first + i);
    }
  }
  uint32_t slot = ht->free_head;
  ht->free_head = entry_at(ht, slot)->next_free;
  if (ht->free_head == NO_SLOT) ht->free_tail = NO_SLOT;
  *out = slot;
  return ZX_OK;
}

// Adds a handle; when source is non-zero, it is a duplicate of source instead of obj.
static zx_status_t add_handle(struct handle_table *ht, zx_handle_t source, struct kobject *obj,
                              zx_rights_t rights, zx_handle_t *out) {
  struct handle_entry *spare = NULL;
  zx_status_t status;
  for (;;) {
    irq_state_t irq = spin_lock_irqsave(&ht->lock);
    if (source != ZX_HANDLE_INVALID) {
      uint32_t src_slot;
      struct handle_entry *src = lookup_locked(ht, source, &src_slot);
      if (!src) status = ZX_ERR_BAD_HANDLE;
      else if (!(src->rights & ZX_RIGHT_DUPLICATE)) status = ZX_ERR_ACCESS_DENIED;
      else if (rights != ZX_RIGHT_SAME_RIGHTS && (src->rights & rights) != rights)
        status = ZX_ERR_INVALID_ARGS;
      else status = ZX_OK;
      if (status == ZX_OK) {
        obj = src->obj;
        if (rights == ZX_RIGHT_SAME_RIGHTS) rights = src->rights;
      }
    } else {
      status = ZX_OK;
    }
    // Its owner died while we were on the way.
    if (status == ZX_OK && ht->closed) status = ZX_ERR_BAD_STATE;
    uint32_t slot;
    if (status == ZX_OK) status = take_slot_locked(ht, &spare, &slot);
    if (status == ZX_OK) {
      struct handle_entry *e = entry_at(ht, slot);
      kobject_ref(obj);  // safe under the lock: it cannot drop the count to zero
      e->obj = obj;
      e->rights = rights;
      ht->count++;
      *out = encode(ht, slot, e->gen);
    }
    spin_unlock_irqrestore(&ht->lock, irq);
    if (status != ZX_ERR_SHOULD_WAIT) break;
    spare = handle_chunk_alloc();
    if (!spare) return ZX_ERR_NO_MEMORY;
  }
  if (spare) handle_chunk_free(spare);  // another caller grew the table first, or we failed
  return status;
}

zx_status_t handle_table_add(struct handle_table *ht, struct kobject *obj, zx_rights_t rights,
                             zx_handle_t *out) {
  return add_handle(ht, ZX_HANDLE_INVALID, obj, rights, out);
}

zx_status_t handle_table_duplicate(struct handle_table *ht, zx_handle_t h, zx_rights_t rights,
                                   zx_handle_t *out) {
  // 0 means "no source" to add_handle, and it is never a valid handle anyway.
  if (h == ZX_HANDLE_INVALID) return ZX_ERR_BAD_HANDLE;
  return add_handle(ht, h, NULL, rights, out);
}

zx_status_t handle_table_get(struct handle_table *ht, zx_handle_t h, zx_obj_type_t expected_type,
                             zx_rights_t required, struct kobject **out,
                             zx_rights_t *out_rights) {
  zx_status_t status = ZX_OK;
  irq_state_t irq = spin_lock_irqsave(&ht->lock);
  uint32_t slot;
  struct handle_entry *e = lookup_locked(ht, h, &slot);
  if (!e) status = ZX_ERR_BAD_HANDLE;
  else if (expected_type && e->obj->type != expected_type) status = ZX_ERR_WRONG_TYPE;
  else if ((e->rights & required) != required) status = ZX_ERR_ACCESS_DENIED;
  if (status == ZX_OK) {
    if (out) {
      kobject_ref(e->obj);
      *out = e->obj;
    }
    if (out_rights) *out_rights = e->rights;
  }
  spin_unlock_irqrestore(&ht->lock, irq);
  return status;
}

zx_status_t handle_table_remove(struct handle_table *ht, zx_handle_t h, struct kobject **out,
                                zx_rights_t *out_rights) {
  irq_state_t irq = spin_lock_irqsave(&ht->lock);
  uint32_t slot;
  struct handle_entry *e = lookup_locked(ht, h, &slot);
  if (e) {
    *out = e->obj;
    if (out_rights) *out_rights = e->rights;
    release_locked(ht, slot);
  }
  spin_unlock_irqrestore(&ht->lock, irq);
  return e ? ZX_OK : ZX_ERR_BAD_HANDLE;
}

// A closed handle (not one moved elsewhere) ends the async waits made through it.
static void drop_closed(struct handle_table *ht, zx_handle_t h, struct kobject *obj) {
  if (__atomic_load_n(&obj->observers, __ATOMIC_RELAXED)) object_handle_closed(obj, ht, h);
  kobject_unref(obj);
}

zx_status_t handle_table_close(struct handle_table *ht, zx_handle_t h) {
  struct kobject *obj;
  zx_status_t status = handle_table_remove(ht, h, &obj, NULL);
  if (status == ZX_OK) drop_closed(ht, h, obj);
  return status;
}

zx_status_t handle_table_replace(struct handle_table *ht, zx_handle_t h, zx_rights_t rights,
                                 zx_handle_t *out) {
  struct kobject *closed = NULL;
  zx_status_t status = ZX_OK;
  irq_state_t irq = spin_lock_irqsave(&ht->lock);
  uint32_t slot;
  struct handle_entry *e = lookup_locked(ht, h, &slot);
  if (!e) {
    status = ZX_ERR_BAD_HANDLE;
  } else if (rights != ZX_RIGHT_SAME_RIGHTS && (e->rights & rights) != rights) {
    // Zircon invalidates the handle even here.
    closed = e->obj;
    release_locked(ht, slot);
    status = ZX_ERR_INVALID_ARGS;
  } else {
    // Same slot, next generation: the old value goes stale and the reference moves.
    if (rights != ZX_RIGHT_SAME_RIGHTS) e->rights = rights;
    e->gen = (uint16_t)((e->gen + 1) & GEN_MASK);
    *out = encode(ht, slot, e->gen);
  }
  spin_unlock_irqrestore(&ht->lock, irq);
  if (closed) kobject_unref(closed);
  return status;
}

// Closes every handle, one per lock hold, so interrupts stay masked only briefly and
// each reference is dropped unlocked. The cursor keeps this linear.
static void close_all(struct handle_table *ht) {
  uint32_t cursor = 0;
  for (;;) {
    struct kobject *obj = NULL;
    zx_handle_t h = ZX_HANDLE_INVALID;
    irq_state_t irq = spin_lock_irqsave(&ht->lock);
    uint32_t end = ht->chunk_count * HANDLE_TABLE_CHUNK;
    for (; cursor < end && !obj; cursor++) {
      struct handle_entry *e = entry_at(ht, cursor);
      if (e->obj) {
        obj = e->obj;
        h = encode(ht, cursor, e->gen);
        release_locked(ht, cursor);
      }
    }
    spin_unlock_irqrestore(&ht->lock, irq);
    if (!obj) break;
    drop_closed(ht, h, obj);
  }
}

uint32_t handle_table_count(struct handle_table *ht) {
  irq_state_t irq = spin_lock_irqsave(&ht->lock);
  uint32_t count = ht->count;
  spin_unlock_irqrestore(&ht->lock, irq);
  return count;
}

void handle_table_destroy(struct handle_table *ht) {
  irq_state_t irq = spin_lock_irqsave(&ht->lock);
  ht->closed = true;  // from here on nothing is added, so close_all empties the table
  spin_unlock_irqrestore(&ht->lock, irq);
  close_all(ht);
  irq = spin_lock_irqsave(&ht->lock);
  ht->free_head = ht->free_tail = NO_SLOT;
  spin_unlock_irqrestore(&ht->lock, irq);
  // Chunks go one at a time, each unlinked (chunk_count bounds every lookup) before
  // it is freed outside the lock.
  for (;;) {
    irq = spin_lock_irqsave(&ht->lock);
    struct handle_entry *chunk = ht->chunk_count ? ht->chunks[--ht->chunk_count] : NULL;
    spin_unlock_irqrestore(&ht->lock, irq);
    if (!chunk) break;
    handle_chunk_free(chunk);
  }
}
