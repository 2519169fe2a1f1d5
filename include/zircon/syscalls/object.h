// zx_object_get_info topics and records, and object properties: the names, values
// and layouts of Zircon's <zircon/syscalls/object.h> (the subset Janus serves).
#ifndef ZIRCON_SYSCALLS_OBJECT_H_
#define ZIRCON_SYSCALLS_OBJECT_H_

#include <zircon/types.h>

// A topic's top 4 bits are its version: a changed record layout gets a new topic
// value, so old binaries keep getting the layout they were built for.
#define __ZX_INFO_TOPIC(t, v) ((zx_object_info_topic_t)((t) | ((v) << 28)))

typedef uint32_t zx_object_info_topic_t;
#define ZX_INFO_NONE ((zx_object_info_topic_t)0u)
#define ZX_INFO_HANDLE_VALID ((zx_object_info_topic_t)1u)
#define ZX_INFO_HANDLE_BASIC ((zx_object_info_topic_t)2u)   // zx_info_handle_basic_t[1]
#define ZX_INFO_PROCESS __ZX_INFO_TOPIC(3u, 1u)              // zx_info_process_t[1]
#define ZX_INFO_PROCESS_THREADS ((zx_object_info_topic_t)4u) // zx_koid_t[n]
#define ZX_INFO_VMAR ((zx_object_info_topic_t)7u)            // zx_info_vmar_t[1]
#define ZX_INFO_JOB_CHILDREN ((zx_object_info_topic_t)8u)    // zx_koid_t[n]
#define ZX_INFO_JOB_PROCESSES ((zx_object_info_topic_t)9u)   // zx_koid_t[n]
#define ZX_INFO_THREAD ((zx_object_info_topic_t)10u)         // zx_info_thread_t[1]
#define ZX_INFO_TASK_STATS ((zx_object_info_topic_t)12u)     // zx_info_task_stats_t[1]
#define ZX_INFO_KMEM_STATS ((zx_object_info_topic_t)17u)     // zx_info_kmem_stats_t[1]
#define ZX_INFO_PROCESS_MAPS_V1 __ZX_INFO_TOPIC(13u, 0u)     // zx_info_maps_v1_t[n]
#define ZX_INFO_PROCESS_MAPS __ZX_INFO_TOPIC(13u, 1u)        // zx_info_maps_t[n]
#define ZX_INFO_HANDLE_COUNT ((zx_object_info_topic_t)19u)   // zx_info_handle_count_t[1]
#define ZX_INFO_VMAR_MAPS ((zx_object_info_topic_t)36u)      // zx_info_maps_t[n]

// Return codes of killed tasks.
#define ZX_TASK_RETCODE_SYSCALL_KILL ((int64_t)-1024)
#define ZX_TASK_RETCODE_OOM_KILL ((int64_t)-1025)
#define ZX_TASK_RETCODE_POLICY_KILL ((int64_t)-1026)
#define ZX_TASK_RETCODE_VDSO_KILL ((int64_t)-1027)
#define ZX_TASK_RETCODE_EXCEPTION_KILL ((int64_t)-1028)
#define ZX_TASK_RETCODE_CRITICAL_PROCESS_KILL ((int64_t)-1029)

typedef struct zx_info_handle_basic {
  zx_koid_t koid;
  zx_rights_t rights;
  zx_obj_type_t type;
  zx_koid_t related_koid;  // e.g. a channel's peer or a job's parent; else 0
  uint32_t reserved;
  uint8_t padding1[4];
} zx_info_handle_basic_t;

typedef struct zx_info_handle_count {
  uint32_t handle_count;
} zx_info_handle_count_t;

typedef uint32_t zx_info_process_flags_t;
#define ZX_INFO_PROCESS_FLAG_STARTED ((zx_info_process_flags_t)(1u << 0))
#define ZX_INFO_PROCESS_FLAG_EXITED ((zx_info_process_flags_t)(1u << 1))
#define ZX_INFO_PROCESS_FLAG_DEBUGGER_ATTACHED ((zx_info_process_flags_t)(1u << 2))

typedef struct zx_info_process {
  int64_t return_code;   // valid once ZX_INFO_PROCESS_FLAG_EXITED is set
  zx_time_t start_time;  // valid once ZX_INFO_PROCESS_FLAG_STARTED is set
  zx_info_process_flags_t flags;
  uint8_t padding1[4];
} zx_info_process_t;

// zx_info_thread_t.state: the basic states, and BLOCKED's refinements (Zircon's values).
#define ZX_THREAD_STATE_NEW ((uint32_t)0x0000u)
#define ZX_THREAD_STATE_RUNNING ((uint32_t)0x0001u)
#define ZX_THREAD_STATE_SUSPENDED ((uint32_t)0x0002u)
#define ZX_THREAD_STATE_BLOCKED ((uint32_t)0x0003u)
#define ZX_THREAD_STATE_DYING ((uint32_t)0x0004u)
#define ZX_THREAD_STATE_DEAD ((uint32_t)0x0005u)
#define ZX_THREAD_STATE_BLOCKED_EXCEPTION ((uint32_t)0x0103u)
#define ZX_THREAD_STATE_BLOCKED_SLEEPING ((uint32_t)0x0203u)
#define ZX_THREAD_STATE_BLOCKED_FUTEX ((uint32_t)0x0303u)
#define ZX_THREAD_STATE_BLOCKED_PORT ((uint32_t)0x0403u)
#define ZX_THREAD_STATE_BLOCKED_CHANNEL ((uint32_t)0x0503u)
#define ZX_THREAD_STATE_BLOCKED_WAIT_ONE ((uint32_t)0x0603u)
#define ZX_THREAD_STATE_BLOCKED_WAIT_MANY ((uint32_t)0x0703u)
#define ZX_THREAD_STATE_BLOCKED_INTERRUPT ((uint32_t)0x0803u)
#define ZX_THREAD_STATE_BLOCKED_PAGER ((uint32_t)0x0903u)
#define ZX_THREAD_STATE_BASIC(n) ((n) & 0xffu)

#define ZX_CPU_SET_MAX_CPUS 512
#define ZX_CPU_SET_BITS_PER_WORD 64
typedef struct zx_cpu_set {
  uint64_t mask[ZX_CPU_SET_MAX_CPUS / ZX_CPU_SET_BITS_PER_WORD];
} zx_cpu_set_t;

typedef struct zx_info_thread {
  uint32_t state;                        // ZX_THREAD_STATE_*
  uint32_t wait_exception_channel_type;  // ZX_EXCEPTION_CHANNEL_TYPE_*
  zx_cpu_set_t cpu_affinity_mask;
} zx_info_thread_t;

typedef struct zx_info_task_stats {
  size_t mem_mapped_bytes;
  size_t mem_private_bytes;         // committed, mapped only into this task
  size_t mem_shared_bytes;          // committed, mapped into this and another task
  size_t mem_scaled_shared_bytes;   // mem_shared_bytes, each byte / its sharers
} zx_info_task_stats_t;

typedef struct zx_info_kmem_stats {
  uint64_t total_bytes;
  uint64_t free_bytes;
  uint64_t wired_bytes;
  uint64_t total_heap_bytes;
  uint64_t free_heap_bytes;
  uint64_t vmo_bytes;
  uint64_t mmu_overhead_bytes;
  uint64_t other_bytes;
} zx_info_kmem_stats_t;

typedef struct zx_info_vmar {
  uintptr_t base;
  size_t len;
} zx_info_vmar_t;

// ZX_INFO_PROCESS_MAPS: the process's address space as a depth-first pre-order walk.
typedef struct zx_info_maps_mapping {
  zx_vm_option_t mmu_flags;  // ZX_VM_PERM_* bits
  uint8_t padding1[4];
  zx_koid_t vmo_koid;
  uint64_t vmo_offset;
  size_t committed_pages;
  size_t populated_pages;
} zx_info_maps_mapping_t;

typedef struct zx_info_maps_mapping_v1 {
  zx_vm_option_t mmu_flags;
  uint8_t padding1[4];
  zx_koid_t vmo_koid;
  uint64_t vmo_offset;
  size_t committed_pages;
} zx_info_maps_mapping_v1_t;

typedef uint32_t zx_info_maps_type_t;
#define ZX_INFO_MAPS_TYPE_NONE ((zx_info_maps_type_t)0u)
#define ZX_INFO_MAPS_TYPE_ASPACE ((zx_info_maps_type_t)1u)
#define ZX_INFO_MAPS_TYPE_VMAR ((zx_info_maps_type_t)2u)
#define ZX_INFO_MAPS_TYPE_MAPPING ((zx_info_maps_type_t)3u)

typedef struct zx_info_maps {
  char name[ZX_MAX_NAME_LEN];
  zx_vaddr_t base;
  size_t size;
  size_t depth;
  zx_info_maps_type_t type;  // says which member of u is valid
  uint8_t padding1[4];
  union {
    zx_info_maps_mapping_t mapping;
  } u;
} zx_info_maps_t;

typedef struct zx_info_maps_v1 {
  char name[ZX_MAX_NAME_LEN];
  zx_vaddr_t base;
  size_t size;
  size_t depth;
  zx_info_maps_type_t type;
  uint8_t padding1[4];
  union {
    zx_info_maps_mapping_v1_t mapping;
  } u;
} zx_info_maps_v1_t;

// Object properties (zx_object_get/set_property).
#define ZX_PROP_NAME ((uint32_t)3u)  // char[ZX_MAX_NAME_LEN]
#define ZX_PROP_PROCESS_DEBUG_ADDR ((uint32_t)5u)
#define ZX_PROP_PROCESS_VDSO_BASE_ADDRESS ((uint32_t)6u)
#define ZX_PROP_PROCESS_BREAK_ON_LOAD ((uint32_t)7u)
#define ZX_PROP_EXCEPTION_STATE ((uint32_t)16u)  // uint32_t: ZX_EXCEPTION_STATE_*
#define ZX_PROP_VMO_CONTENT_SIZE 17u  // uint64_t

#endif  // ZIRCON_SYSCALLS_OBJECT_H_
