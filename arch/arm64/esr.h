// Decoding of ESR_ELx (the Exception Syndrome Register) for dispatch and crash
// reports. Pure functions of the register values: nothing here reads a system
// register, so the host tests can run it. Encodings: ARM ARM, "ESR_EL1".
#ifndef ARCH_ARM64_ESR_H_
#define ARCH_ARM64_ESR_H_

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

// Exception classes (ESR[31:26]) the kernel dispatches on.
#define ESR_EC_UNKNOWN 0x00u     // unknown reason (e.g. undefined instruction)
#define ESR_EC_WFX 0x01u         // trapped WFI/WFE
#define ESR_EC_FP_ASIMD 0x07u    // FP/SIMD (or SVE) access trapped by CPACR_EL1.FPEN
#define ESR_EC_BTI 0x0du         // branch target exception
#define ESR_EC_ILLEGAL 0x0eu     // illegal execution state
#define ESR_EC_SVC32 0x11u
#define ESR_EC_SVC64 0x15u
#define ESR_EC_HVC64 0x16u
#define ESR_EC_SMC64 0x17u
#define ESR_EC_SYS64 0x18u       // trapped MSR/MRS/system instruction
#define ESR_EC_SVE 0x19u
#define ESR_EC_PAC_FAIL 0x1cu    // pointer authentication failure
#define ESR_EC_IABT_LOWER 0x20u
#define ESR_EC_IABT_SAME 0x21u
#define ESR_EC_PC_ALIGN 0x22u
#define ESR_EC_DABT_LOWER 0x24u
#define ESR_EC_DABT_SAME 0x25u
#define ESR_EC_SP_ALIGN 0x26u
#define ESR_EC_FP_EXC64 0x2cu
#define ESR_EC_SERROR 0x2fu
#define ESR_EC_BREAKPT_LOWER 0x30u
#define ESR_EC_BREAKPT_SAME 0x31u
#define ESR_EC_STEP_LOWER 0x32u
#define ESR_EC_STEP_SAME 0x33u
#define ESR_EC_WATCHPT_LOWER 0x34u
#define ESR_EC_WATCHPT_SAME 0x35u
#define ESR_EC_BRK64 0x3cu

// Field layout.
#define ESR_EC_SHIFT 26
#define ESR_IL (1u << 25)             // 32-bit instruction (not 16-bit T32)
#define ESR_ISS_MASK 0x1ffffffu
// Data/instruction abort ISS bits.
#define ESR_ABT_ISV (1u << 24)        // SAS/SSE/SRT/SF/AR are valid
#define ESR_ABT_FNV (1u << 10)        // FAR not valid
#define ESR_ABT_EA (1u << 9)
#define ESR_ABT_CM (1u << 8)          // cache maintenance instruction
#define ESR_ABT_S1PTW (1u << 7)       // fault on a stage 1 table walk (stage 2 fault)
#define ESR_ABT_WNR (1u << 6)         // write, not read
#define ESR_ABT_FSC_MASK 0x3fu        // DFSC / IFSC
#define ESR_FSC_TRANSLATION 0x04u     // translation fault, levels 0-3 (low two bits)
#define ESR_FSC_PERMISSION 0x0cu      // permission fault, levels 0-3
#define ESR_FSC_LEVEL_MASK 0x3u
#define ESR_FSC_ALIGNMENT 0x21u       // alignment fault

// A translation fault at any level: the page is not mapped (demand paging's case).
static inline bool esr_fsc_is_translation(uint32_t iss) {
  return (iss & ESR_ABT_FSC_MASK & ~ESR_FSC_LEVEL_MASK) == ESR_FSC_TRANSLATION;
}
// A permission fault at any level (a write to a page shared copy-on-write).
static inline bool esr_fsc_is_permission(uint32_t iss) {
  return (iss & ESR_ABT_FSC_MASK & ~ESR_FSC_LEVEL_MASK) == ESR_FSC_PERMISSION;
}

static inline unsigned esr_ec(uint64_t esr) {
  return (unsigned)(esr >> ESR_EC_SHIFT) & 0x3fu;
}
static inline uint32_t esr_iss(uint64_t esr) { return (uint32_t)esr & ESR_ISS_MASK; }

bool esr_is_data_abort(uint64_t esr);
bool esr_is_instruction_abort(uint64_t esr);

// A readable name for exception class ec, or a fixed "reserved" string.
const char *esr_class_name(unsigned ec);

// Writes one line describing the exception, e.g.
// "EC 0x25 Data Abort without a change in EL: translation fault, level 3, write, FAR 0x10".
// far is printed only for classes where the architecture defines it. Truncates to
// fit, NUL-terminates when size > 0, and returns strlen(buf).
size_t esr_describe(uint64_t esr, uint64_t far, char *buf, size_t size);

#endif  // ARCH_ARM64_ESR_H_
