// System register access: the only way C code in arch/ reads or writes them.
#ifndef ARCH_SYSREG_H_
#define ARCH_SYSREG_H_

#include <arch/sysreg_bits.h>
#include <stdint.h>

#define read_sysreg(reg)                                  \
  ({                                                      \
    uint64_t val_;                                        \
    __asm__ volatile("mrs %0, " #reg : "=r"(val_));       \
    val_;                                                 \
  })
#define write_sysreg(reg, val) \
  __asm__ volatile("msr " #reg ", %0" ::"r"((uint64_t)(val)) : "memory")

#define isb() __asm__ volatile("isb" ::: "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt ::: "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt ::: "memory")

#endif  // ARCH_SYSREG_H_
