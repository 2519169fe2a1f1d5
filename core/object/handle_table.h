// A process's handle table (later shared by a group of processes): maps handle values
// to (object, rights) pairs, each holding one reference to its object.
//
// A value is ((gen << 16 | slot) << 2 | 3) ^ secret: the low two bits are always set
// (Zircon's ZX_HANDLE_FIXED_BITS_MASK), so no value is ever ZX_HANDLE_INVALID; the
// 14-bit generation advances each time a slot is freed, so a closed value stays
// invalid until that slot has been reused 16384 times; the per-table secret keeps
// values from being guessed or compared across tables. Freed slots are reused in
// FIFO order, which stretches that further.
#ifndef CORE_HANDLE_TABLE_H_
#define CORE_HANDLE_TABLE_H_

#include <stdbool.h>
#include <stdint.h>
#include <janus/spinlock.h>
#include <zircon/types.h>

struct kobject;

#define HANDLE_TABLE_MAX 65536u          // handles per table; more is NO_RESOURCES
#define HANDLE_TABLE_CHUNK 256u          // slots allocated at a time
#define HANDLE_TABLE_CHUNKS (HANDLE_TABLE_MAX / HANDLE_TABLE_CHUNK)

struct handle_entry;

struct handle_table {
  spinlock_t lock;
  uint32_t secret;      // XORed into values; low two bits clear
  uint32_t count;       // live handles
  uint32_t chunk_count;
  uint32_t free_head, free_tail;  // FIFO of free slots, linked through the entries
  bool closed;          // destroyed: adds fail, lookups find nothing
  struct handle_entry *chunks[HANDLE_TABLE_CHUNKS];
};

// A chunk of HANDLE_TABLE_CHUNK slots is exactly one page. Where chunks come from is
// the kernel's (core/object/handle_chunk.c: the page allocator) or a host test's:
// zeroing is not needed; NULL means no memory.
#define HANDLE_TABLE_CHUNK_BYTES 4096u
void *handle_chunk_alloc(void);
void handle_chunk_free(void *chunk);
uint64_t handle_chunk_pages(void);  // chunks held by every table (kernel memory statistics)

// seed: any 64-bit value that differs between tables (e.g. a cycle counter mixed
// with the owner's koid); it is hashed into the secret.
void handle_table_init(struct handle_table *ht, uint64_t seed);
// Closes every handle and frees the table's memory. Callers that still reach the
// struct (zx_process_start moving handles into a process being killed) may race it:
// afterwards every add fails with ZX_ERR_BAD_STATE and every lookup finds nothing.
void handle_table_destroy(struct handle_table *ht);

// Adds a handle to obj with rights; takes a new reference to obj.
// ZX_ERR_NO_RESOURCES at HANDLE_TABLE_MAX handles, ZX_ERR_NO_MEMORY,
// ZX_ERR_BAD_STATE once the table is destroyed (its owner died).
zx_status_t handle_table_add(struct handle_table *ht, struct kobject *obj, zx_rights_t rights,
                             zx_handle_t *out);

// Looks h up, checking in Zircon's order: ZX_ERR_BAD_HANDLE (invalid or stale),
// ZX_ERR_WRONG_TYPE (expected_type is not ZX_OBJ_TYPE_NONE and differs),
// ZX_ERR_ACCESS_DENIED (some of required missing). On ZX_OK *out (if non-NULL)
// holds a new reference the caller must drop; out_rights may be NULL.
zx_status_t handle_table_get(struct handle_table *ht, zx_handle_t h, zx_obj_type_t expected_type,
                             zx_rights_t required, struct kobject **out,
                             zx_rights_t *out_rights);

// Removes h and hands its reference to the caller (*out); out_rights may be NULL.
// ZX_ERR_BAD_HANDLE if h is not valid.
zx_status_t handle_table_remove(struct handle_table *ht, zx_handle_t h, struct kobject **out,
                                zx_rights_t *out_rights);
// Remove and drop the reference: zx_handle_close.
zx_status_t handle_table_close(struct handle_table *ht, zx_handle_t h);

// zx_handle_duplicate: a new handle to h's object. rights is ZX_RIGHT_SAME_RIGHTS or
// a subset of h's rights. ZX_ERR_BAD_HANDLE, ZX_ERR_ACCESS_DENIED (h lacks
// ZX_RIGHT_DUPLICATE), ZX_ERR_INVALID_ARGS (not a subset), ZX_ERR_NO_RESOURCES,
// ZX_ERR_NO_MEMORY.
zx_status_t handle_table_duplicate(struct handle_table *ht, zx_handle_t h, zx_rights_t rights,
                                   zx_handle_t *out);

// zx_handle_replace: h is always invalidated when it was valid; on ZX_OK *out
// replaces it with rights (ZX_RIGHT_SAME_RIGHTS or a subset). ZX_ERR_BAD_HANDLE
// (nothing closed), ZX_ERR_INVALID_ARGS (not a subset; h is closed). Never fails
// for lack of memory: the replacement reuses h's slot with a new generation.
zx_status_t handle_table_replace(struct handle_table *ht, zx_handle_t h, zx_rights_t rights,
                                 zx_handle_t *out);


#endif  // CORE_HANDLE_TABLE_H_
