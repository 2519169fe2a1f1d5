// Exceptions (Zircon's <zircon/syscalls/exception.h>, the parts Janus uses): the
// report restricted mode hands back to normal mode with ZX_RESTRICTED_REASON_EXCEPTION,
// and what exception channels carry.
#ifndef ZIRCON_SYSCALLS_EXCEPTION_H_
#define ZIRCON_SYSCALLS_EXCEPTION_H_

#include <stdint.h>

#define ZX_EXCP_SYNTH ((uint32_t)0x8000u)
#define ZX_EXCP_GENERAL ((uint32_t)0x008u)
#define ZX_EXCP_FATAL_PAGE_FAULT ((uint32_t)0x108u)
#define ZX_EXCP_UNDEFINED_INSTRUCTION ((uint32_t)0x208u)
#define ZX_EXCP_SW_BREAKPOINT ((uint32_t)0x308u)
#define ZX_EXCP_HW_BREAKPOINT ((uint32_t)0x408u)
#define ZX_EXCP_UNALIGNED_ACCESS ((uint32_t)0x508u)

typedef uint32_t zx_excp_type_t;

typedef struct zx_x86_64_exc_data {
  uint64_t vector;
  uint64_t err_code;
  uint64_t cr2;
} zx_x86_64_exc_data_t;

typedef struct zx_arm64_exc_data {
  uint32_t esr;
  uint8_t padding1[4];
  uint64_t far;
  uint8_t padding2[8];
} zx_arm64_exc_data_t;

typedef struct zx_riscv64_exc_data {
  uint64_t cause;
  uint64_t tval;
  uint8_t padding1[8];
} zx_riscv64_exc_data_t;

typedef struct zx_exception_context {
  struct {
    union {
      zx_x86_64_exc_data_t x86_64;
      zx_arm64_exc_data_t arm_64;
      zx_riscv64_exc_data_t riscv_64;
    } u;
  } arch;
  uint32_t synth_code;
  uint32_t synth_data;
} zx_exception_context_t;

typedef struct zx_exception_header {
  uint32_t size;  // of the whole report, this field included
  zx_excp_type_t type;
} zx_exception_header_t;

typedef struct zx_exception_report {
  zx_exception_header_t header;
  zx_exception_context_t context;
} zx_exception_report_t;

// zx_task_create_exception_channel options.
#define ZX_EXCEPTION_CHANNEL_DEBUGGER ((uint32_t)1u)

// ZX_PROP_EXCEPTION_STATE values.
#define ZX_EXCEPTION_STATE_TRY_NEXT ((uint32_t)0u)
#define ZX_EXCEPTION_STATE_HANDLED ((uint32_t)1u)
#define ZX_EXCEPTION_STATE_THREAD_EXIT ((uint32_t)2u)

// The bytes of an exception channel's message (its one handle is the exception).
typedef struct zx_exception_info {
  uint64_t pid;  // zx_koid_t
  uint64_t tid;
  zx_excp_type_t type;
  uint8_t padding1[4];
} zx_exception_info_t;

#endif  // ZIRCON_SYSCALLS_EXCEPTION_H_
