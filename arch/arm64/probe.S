// zx_status_t arch_probe_read64(uintptr_t addr, uint64_t *out);
// Reads addr; a fault there resumes at 1: (exception.c honours cpu->fault_resume)
// and returns ZX_ERR_INVALID_ARGS instead of crashing the kernel.
#include <arch/asm.h>
#include <asm_offsets.h>

FUNCTION arch_probe_read64
  mrs x3, tpidr_el1
  adr x2, 1f
  str x2, [x3, #CPU_FAULT_RESUME]
  ldr x2, [x0]
  str xzr, [x3, #CPU_FAULT_RESUME]
  str x2, [x1]
  mov x0, #0
  ret
1:str xzr, [x3, #CPU_FAULT_RESUME]
  mov x0, #-10                          // ZX_ERR_INVALID_ARGS
  ret
END arch_probe_read64
