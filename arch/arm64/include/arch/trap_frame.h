// Registers saved on exception entry; assembly gets the offsets from asm_offsets.c.
#ifndef ARCH_TRAP_FRAME_H_
#define ARCH_TRAP_FRAME_H_

#include <stdint.h>

struct trap_frame {
  uint64_t x[31];
  uint64_t sp;
  uint64_t elr;
  uint64_t spsr;
};

void exception_sync_kernel(struct trap_frame *frame);
void exception_irq(struct trap_frame *frame);
void exception_unexpected(struct trap_frame *frame, unsigned vector);

#endif  // ARCH_TRAP_FRAME_H_
