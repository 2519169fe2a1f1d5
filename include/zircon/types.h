// Zircon's basic ABI types, as in Zircon's <zircon/types.h> (subset grown per issue).
#ifndef ZIRCON_TYPES_H_
#define ZIRCON_TYPES_H_

#include <stddef.h>
#include <stdint.h>
#include <zircon/errors.h>
#include <zircon/rights.h>  // zx_rights_t and ZX_RIGHT_*, as Zircon's types.h does

typedef int32_t zx_status_t;
typedef uint32_t zx_handle_t;
typedef int64_t zx_time_t;       // monotonic nanoseconds
typedef int64_t zx_duration_t;
typedef int64_t zx_ticks_t;      // the system counter (zx_ticks_get)
typedef uint64_t zx_koid_t;
typedef uint64_t zx_paddr_t;
typedef uintptr_t zx_vaddr_t;
typedef uint64_t zx_off_t;

#define ZX_HANDLE_INVALID ((zx_handle_t)0)
#define ZX_HANDLE_FIXED_BITS_MASK ((zx_handle_t)0x3)  // valid handles have both set
#define ZX_TIME_INFINITE INT64_MAX
#define ZX_TIME_INFINITE_PAST INT64_MIN
typedef int64_t zx_instant_mono_t;  // zx_time_t on the monotonic timeline
typedef int64_t zx_instant_boot_t;  // zx_time_t on the boot timeline
// zx_cprng_draw_once's largest request (zx_cprng_draw loops over it).
#define ZX_CPRNG_DRAW_MAX_LEN 256u
#define ZX_MAX_NAME_LEN ((size_t)32u)

#define ZX_KOID_INVALID ((uint64_t)0)
#define ZX_KOID_KERNEL ((uint64_t)1)
#define ZX_KOID_FIRST ((uint64_t)1024)  // the first 1024 are reserved

// Clock ids.
typedef uint32_t zx_clock_t;
#define ZX_CLOCK_MONOTONIC ((zx_clock_t)0)
#define ZX_CLOCK_BOOT ((zx_clock_t)1)

// Signals: bits 0-23 belong to the object's type, 24-31 to the user.
typedef uint32_t zx_signals_t;
#define ZX_SIGNAL_NONE ((zx_signals_t)0u)
#define ZX_USER_SIGNAL_ALL ((zx_signals_t)0xff000000u)
#define __ZX_OBJECT_SIGNAL_ALL ((zx_signals_t)0x00ffffffu)
#define __ZX_OBJECT_READABLE ((zx_signals_t)1u << 0)
#define __ZX_OBJECT_WRITABLE ((zx_signals_t)1u << 1)
#define __ZX_OBJECT_PEER_CLOSED ((zx_signals_t)1u << 2)
#define __ZX_OBJECT_SIGNALED ((zx_signals_t)1u << 3)
#define __ZX_OBJECT_SIGNAL_4 ((zx_signals_t)1u << 4)
#define __ZX_OBJECT_SIGNAL_5 ((zx_signals_t)1u << 5)
#define __ZX_OBJECT_HANDLE_CLOSED ((zx_signals_t)1u << 23)
#define ZX_USER_SIGNAL_0 ((zx_signals_t)1u << 24)
#define ZX_USER_SIGNAL_1 ((zx_signals_t)1u << 25)
#define ZX_USER_SIGNAL_2 ((zx_signals_t)1u << 26)
#define ZX_USER_SIGNAL_3 ((zx_signals_t)1u << 27)
#define ZX_USER_SIGNAL_4 ((zx_signals_t)1u << 28)
#define ZX_USER_SIGNAL_5 ((zx_signals_t)1u << 29)
#define ZX_USER_SIGNAL_6 ((zx_signals_t)1u << 30)
#define ZX_USER_SIGNAL_7 ((zx_signals_t)1u << 31)

#define ZX_SIGNAL_HANDLE_CLOSED __ZX_OBJECT_HANDLE_CLOSED
#define ZX_EVENT_SIGNALED __ZX_OBJECT_SIGNALED
#define ZX_EVENT_SIGNAL_MASK (ZX_USER_SIGNAL_ALL | __ZX_OBJECT_SIGNALED)
#define ZX_CHANNEL_READABLE __ZX_OBJECT_READABLE
#define ZX_CHANNEL_WRITABLE __ZX_OBJECT_WRITABLE
#define ZX_CHANNEL_PEER_CLOSED __ZX_OBJECT_PEER_CLOSED
#define ZX_TASK_TERMINATED __ZX_OBJECT_SIGNALED
#define ZX_JOB_TERMINATED __ZX_OBJECT_SIGNALED
#define ZX_JOB_NO_JOBS __ZX_OBJECT_SIGNAL_4
#define ZX_JOB_NO_PROCESSES __ZX_OBJECT_SIGNAL_5
#define ZX_PROCESS_TERMINATED __ZX_OBJECT_SIGNALED
#define ZX_THREAD_TERMINATED __ZX_OBJECT_SIGNALED
#define ZX_THREAD_RUNNING __ZX_OBJECT_SIGNAL_4
#define ZX_THREAD_SUSPENDED __ZX_OBJECT_SIGNAL_5
#define ZX_VMO_ZERO_CHILDREN __ZX_OBJECT_SIGNALED
#define ZX_EVENTPAIR_SIGNALED __ZX_OBJECT_SIGNALED
#define ZX_EVENTPAIR_PEER_CLOSED __ZX_OBJECT_PEER_CLOSED
#define ZX_EVENTPAIR_SIGNAL_MASK (ZX_USER_SIGNAL_ALL | __ZX_OBJECT_SIGNALED)
#define ZX_TIMER_SIGNALED __ZX_OBJECT_SIGNALED

// Object types (zx_info_handle_basic_t.type); the gaps are retired types.
typedef uint32_t zx_obj_type_t;
#define ZX_OBJ_TYPE_NONE ((zx_obj_type_t)0u)
#define ZX_OBJ_TYPE_PROCESS ((zx_obj_type_t)1u)
#define ZX_OBJ_TYPE_THREAD ((zx_obj_type_t)2u)
#define ZX_OBJ_TYPE_VMO ((zx_obj_type_t)3u)
#define ZX_OBJ_TYPE_CHANNEL ((zx_obj_type_t)4u)
#define ZX_OBJ_TYPE_EVENT ((zx_obj_type_t)5u)
#define ZX_OBJ_TYPE_PORT ((zx_obj_type_t)6u)
#define ZX_OBJ_TYPE_INTERRUPT ((zx_obj_type_t)9u)
#define ZX_OBJ_TYPE_PCI_DEVICE ((zx_obj_type_t)11u)
#define ZX_OBJ_TYPE_DEBUGLOG ((zx_obj_type_t)12u)
#define ZX_OBJ_TYPE_SOCKET ((zx_obj_type_t)14u)
#define ZX_OBJ_TYPE_RESOURCE ((zx_obj_type_t)15u)
#define ZX_OBJ_TYPE_EVENTPAIR ((zx_obj_type_t)16u)
#define ZX_OBJ_TYPE_JOB ((zx_obj_type_t)17u)
#define ZX_OBJ_TYPE_VMAR ((zx_obj_type_t)18u)
#define ZX_OBJ_TYPE_FIFO ((zx_obj_type_t)19u)
#define ZX_OBJ_TYPE_GUEST ((zx_obj_type_t)20u)
#define ZX_OBJ_TYPE_VCPU ((zx_obj_type_t)21u)
#define ZX_OBJ_TYPE_TIMER ((zx_obj_type_t)22u)
#define ZX_OBJ_TYPE_IOMMU ((zx_obj_type_t)23u)
#define ZX_OBJ_TYPE_BTI ((zx_obj_type_t)24u)
#define ZX_OBJ_TYPE_PROFILE ((zx_obj_type_t)25u)
#define ZX_OBJ_TYPE_PMT ((zx_obj_type_t)26u)
#define ZX_OBJ_TYPE_SUSPEND_TOKEN ((zx_obj_type_t)27u)
#define ZX_OBJ_TYPE_PAGER ((zx_obj_type_t)28u)
#define ZX_OBJ_TYPE_EXCEPTION ((zx_obj_type_t)29u)
#define ZX_OBJ_TYPE_CLOCK ((zx_obj_type_t)30u)
#define ZX_OBJ_TYPE_STREAM ((zx_obj_type_t)31u)
#define ZX_OBJ_TYPE_MSI ((zx_obj_type_t)32u)
#define ZX_OBJ_TYPE_IOB ((zx_obj_type_t)33u)
#define ZX_OBJ_TYPE_COUNTER ((zx_obj_type_t)34u)
#define ZX_OBJ_TYPE_UPPER_BOUND ((zx_obj_type_t)64u)  // an ABI promise

// VMO creation options.
#define ZX_VMO_RESIZABLE ((uint32_t)1u << 1)
#define ZX_VMO_DISCARDABLE ((uint32_t)1u << 2)

// zx_vmo_create_child options: one child type, then modifiers.
#define ZX_VMO_CHILD_SNAPSHOT ((uint32_t)1u << 0)
#define ZX_VMO_CHILD_RESIZABLE ((uint32_t)1u << 2)
#define ZX_VMO_CHILD_SLICE ((uint32_t)1u << 3)
#define ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE ((uint32_t)1u << 4)
#define ZX_VMO_CHILD_COPY_ON_WRITE ZX_VMO_CHILD_SNAPSHOT_AT_LEAST_ON_WRITE  // Zircon's alias
#define ZX_VMO_CHILD_NO_WRITE ((uint32_t)1u << 5)

// zx_vmo_op_range operations.
#define ZX_VMO_OP_COMMIT ((uint32_t)1u)
#define ZX_VMO_OP_DECOMMIT ((uint32_t)2u)
#define ZX_VMO_OP_LOCK ((uint32_t)3u)
#define ZX_VMO_OP_UNLOCK ((uint32_t)4u)
#define ZX_VMO_OP_CACHE_SYNC ((uint32_t)6u)
#define ZX_VMO_OP_CACHE_INVALIDATE ((uint32_t)7u)
#define ZX_VMO_OP_CACHE_CLEAN ((uint32_t)8u)
#define ZX_VMO_OP_CACHE_CLEAN_INVALIDATE ((uint32_t)9u)
#define ZX_VMO_OP_ZERO ((uint32_t)10u)
#define ZX_VMO_OP_TRY_LOCK ((uint32_t)11u)
#define ZX_VMO_OP_DONT_NEED ((uint32_t)12u)
#define ZX_VMO_OP_ALWAYS_NEED ((uint32_t)13u)

// Options of zx_vmar_allocate/map/protect.
typedef uint32_t zx_vm_option_t;
#define ZX_VM_PERM_READ ((zx_vm_option_t)(1u << 0))
#define ZX_VM_PERM_WRITE ((zx_vm_option_t)(1u << 1))
#define ZX_VM_PERM_EXECUTE ((zx_vm_option_t)(1u << 2))
#define ZX_VM_COMPACT ((zx_vm_option_t)(1u << 3))
#define ZX_VM_SPECIFIC ((zx_vm_option_t)(1u << 4))
#define ZX_VM_SPECIFIC_OVERWRITE ((zx_vm_option_t)(1u << 5))
#define ZX_VM_CAN_MAP_SPECIFIC ((zx_vm_option_t)(1u << 6))
#define ZX_VM_CAN_MAP_READ ((zx_vm_option_t)(1u << 7))
#define ZX_VM_CAN_MAP_WRITE ((zx_vm_option_t)(1u << 8))
#define ZX_VM_CAN_MAP_EXECUTE ((zx_vm_option_t)(1u << 9))
#define ZX_VM_MAP_RANGE ((zx_vm_option_t)(1u << 10))
#define ZX_VM_REQUIRE_NON_RESIZABLE ((zx_vm_option_t)(1u << 11))
#define ZX_VM_ALLOW_FAULTS ((zx_vm_option_t)(1u << 12))
#define ZX_VM_OFFSET_IS_UPPER_LIMIT ((zx_vm_option_t)(1u << 13))
#define ZX_VM_PERM_READ_IF_XOM_UNSUPPORTED ((zx_vm_option_t)(1u << 14))
#define ZX_VM_FAULT_BEYOND_STREAM_SIZE ((zx_vm_option_t)(1u << 15))
// Bits 24-28 hold log2 of the wanted alignment.
#define ZX_VM_ALIGN_BASE 24
#define ZX_VM_ALIGN_1KB ((zx_vm_option_t)(10u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2KB ((zx_vm_option_t)(11u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4KB ((zx_vm_option_t)(12u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_8KB ((zx_vm_option_t)(13u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_16KB ((zx_vm_option_t)(14u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_32KB ((zx_vm_option_t)(15u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_64KB ((zx_vm_option_t)(16u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_128KB ((zx_vm_option_t)(17u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_256KB ((zx_vm_option_t)(18u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_512KB ((zx_vm_option_t)(19u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_1MB ((zx_vm_option_t)(20u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2MB ((zx_vm_option_t)(21u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4MB ((zx_vm_option_t)(22u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_8MB ((zx_vm_option_t)(23u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_16MB ((zx_vm_option_t)(24u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_32MB ((zx_vm_option_t)(25u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_64MB ((zx_vm_option_t)(26u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_128MB ((zx_vm_option_t)(27u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_256MB ((zx_vm_option_t)(28u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_512MB ((zx_vm_option_t)(29u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_1GB ((zx_vm_option_t)(30u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_2GB ((zx_vm_option_t)(31u << ZX_VM_ALIGN_BASE))
#define ZX_VM_ALIGN_4GB ((zx_vm_option_t)(32u << ZX_VM_ALIGN_BASE))

// Zircon's user C headers make this atomic_int; plain int has the same layout and
// lets the kernel and the syscall list share one type.
typedef int zx_futex_t;

// Channels: Zircon's limits, zx_channel_read options, and the types of the _etc and
// call forms.
#define ZX_CHANNEL_MAX_MSG_BYTES ((uint32_t)65536u)
#define ZX_CHANNEL_MAX_MSG_HANDLES ((uint32_t)64u)
#define ZX_CHANNEL_READ_MAY_DISCARD ((uint32_t)1u)

typedef uint32_t zx_handle_op_t;
#define ZX_HANDLE_OP_MOVE ((zx_handle_op_t)0u)
#define ZX_HANDLE_OP_DUPLICATE ((zx_handle_op_t)1u)

typedef struct zx_handle_disposition {
  zx_handle_op_t operation;
  zx_handle_t handle;
  zx_obj_type_t type;
  zx_rights_t rights;
  zx_status_t result;
} zx_handle_disposition_t;

typedef struct zx_handle_info {
  zx_handle_t handle;
  zx_obj_type_t type;
  zx_rights_t rights;
  uint32_t unused;
} zx_handle_info_t;

typedef uint32_t zx_txid_t;

typedef struct zx_channel_call_args {
  const void* wr_bytes;
  const zx_handle_t* wr_handles;
  void* rd_bytes;
  zx_handle_t* rd_handles;
  uint32_t wr_num_bytes;
  uint32_t wr_num_handles;
  uint32_t rd_num_bytes;
  uint32_t rd_num_handles;
} zx_channel_call_args_t;

// zx_object_wait_many.
#define ZX_WAIT_MANY_MAX_ITEMS ((size_t)64u)
typedef struct zx_wait_item {
  zx_handle_t handle;
  zx_signals_t waitfor;
  zx_signals_t pending;
} zx_wait_item_t;

// zx_object_wait_async options.
#define ZX_WAIT_ASYNC_ONCE ((uint32_t)0u)
#define ZX_WAIT_ASYNC_TIMESTAMP ((uint32_t)1u)
#define ZX_WAIT_ASYNC_EDGE ((uint32_t)2u)
#define ZX_WAIT_ASYNC_BOOT_TIMESTAMP ((uint32_t)4u)

// zx_port_create options.
#define ZX_PORT_BIND_TO_INTERRUPT ((uint32_t)1u << 0)

// zx_timer_create options: the slack modes.
#define ZX_TIMER_SLACK_CENTER ((uint32_t)0u)
#define ZX_TIMER_SLACK_EARLY ((uint32_t)1u)
#define ZX_TIMER_SLACK_LATE ((uint32_t)2u)

// zx_process_create options.
#define ZX_PROCESS_SHARED ((uint32_t)1u << 0)

#endif  // ZIRCON_TYPES_H_
