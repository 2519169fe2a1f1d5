// Zircon's basic ABI types, as in Zircon's <zircon/types.h> (subset grown per issue).
#ifndef ZIRCON_TYPES_H_
#define ZIRCON_TYPES_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/errors.h>

typedef int32_t zx_status_t;
typedef uint32_t zx_handle_t;
typedef uint32_t zx_rights_t;
typedef int64_t zx_time_t;       // monotonic nanoseconds
typedef int64_t zx_duration_t;
typedef uint64_t zx_koid_t;
typedef uint64_t zx_paddr_t;
typedef uintptr_t zx_vaddr_t;

#define ZX_HANDLE_INVALID ((zx_handle_t)0)
#define ZX_TIME_INFINITE INT64_MAX
#define ZX_MAX_NAME_LEN ((size_t)32u)

#endif  // ZIRCON_TYPES_H_
