// void capture_registers(struct trap_frame *frame);
// Fills frame as if an exception had been taken at the return address: panic()
// prints it in the same form as a crash report. x0/x1 hold their values on entry.
#include <arch/asm.h>
#include <asm_offsets.h>

FUNCTION capture_registers
  stp x0, x1, [x0, #16 * 0]
  stp x2, x3, [x0, #16 * 1]
  stp x4, x5, [x0, #16 * 2]
  stp x6, x7, [x0, #16 * 3]
  stp x8, x9, [x0, #16 * 4]
  stp x10, x11, [x0, #16 * 5]
  stp x12, x13, [x0, #16 * 6]
  stp x14, x15, [x0, #16 * 7]
  stp x16, x17, [x0, #16 * 8]
  stp x18, x19, [x0, #16 * 9]
  stp x20, x21, [x0, #16 * 10]
  stp x22, x23, [x0, #16 * 11]
  stp x24, x25, [x0, #16 * 12]
  stp x26, x27, [x0, #16 * 13]
  stp x28, x29, [x0, #16 * 14]
  mov x1, sp
  stp x30, x1, [x0, #FRAME_X30]
  mrs x1, nzcv
  mrs x2, daif
  orr x1, x1, x2
  mov x2, #5                            // EL1h, as an exception from here would show
  orr x1, x1, x2
  stp x30, x1, [x0, #FRAME_ELR]
  ret
END capture_registers
