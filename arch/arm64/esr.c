// ESR_ELx decoding for crash reports: names for the exception classes of
// ARMv8.0-8.5 and one-line descriptions of the syndrome. Only integer
// conversions are used, since the kernel's printf is newlib's nano printf.
#include "esr.h"

#include <stdarg.h>
#include <stdio.h>

bool esr_is_data_abort(uint64_t esr) {
  unsigned ec = esr_ec(esr);
  return ec == ESR_EC_DABT_LOWER || ec == ESR_EC_DABT_SAME;
}

bool esr_is_instruction_abort(uint64_t esr) {
  unsigned ec = esr_ec(esr);
  return ec == ESR_EC_IABT_LOWER || ec == ESR_EC_IABT_SAME;
}

static const char *const class_names[64] = {
  [0x00] = "Unknown reason",
  [0x01] = "Trapped WFI/WFE",
  [0x03] = "Trapped MCR/MRC (coproc 15) from AArch32",
  [0x04] = "Trapped MCRR/MRRC (coproc 15) from AArch32",
  [0x05] = "Trapped MCR/MRC (coproc 14) from AArch32",
  [0x06] = "Trapped LDC/STC from AArch32",
  [0x07] = "Trapped FP/SIMD access",
  [0x08] = "Trapped VMRS from AArch32",
  [0x09] = "Trapped pointer authentication instruction",
  [0x0c] = "Trapped MRRC (coproc 14) from AArch32",
  [0x0d] = "Branch Target Exception",
  [0x0e] = "Illegal Execution state",
  [0x11] = "SVC from AArch32",
  [0x12] = "HVC from AArch32",
  [0x13] = "SMC from AArch32",
  [0x15] = "SVC from AArch64",
  [0x16] = "HVC from AArch64",
  [0x17] = "SMC from AArch64",
  [0x18] = "Trapped MSR/MRS/system instruction",
  [0x19] = "Trapped SVE access",
  [0x1a] = "Trapped ERET/ERETAA/ERETAB",
  [0x1c] = "Pointer authentication failure",
  [0x1f] = "IMPLEMENTATION DEFINED exception to EL3",
  [0x20] = "Instruction Abort from a lower EL",
  [0x21] = "Instruction Abort without a change in EL",
  [0x22] = "PC alignment fault",
  [0x24] = "Data Abort from a lower EL",
  [0x25] = "Data Abort without a change in EL",
  [0x26] = "SP alignment fault",
  [0x28] = "Trapped FP exception from AArch32",
  [0x2c] = "Trapped FP exception from AArch64",
  [0x2f] = "SError",
  [0x30] = "Breakpoint from a lower EL",
  [0x31] = "Breakpoint without a change in EL",
  [0x32] = "Software Step from a lower EL",
  [0x33] = "Software Step without a change in EL",
  [0x34] = "Watchpoint from a lower EL",
  [0x35] = "Watchpoint without a change in EL",
  [0x38] = "BKPT instruction from AArch32",
  [0x3a] = "Vector Catch from AArch32",
  [0x3c] = "BRK instruction",
};

const char *esr_class_name(unsigned ec) {
  if (ec < 64 && class_names[ec]) return class_names[ec];
  return "reserved/unknown exception class";
}

// Appends to a bounded buffer; once full, further output is dropped.
struct out {
  char *buf;
  size_t size;
  size_t len;
};

__attribute__((format(printf, 2, 3))) static void put(struct out *o, const char *fmt, ...) {
  if (o->len + 1 >= o->size) return;  // full, or size 0
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(o->buf + o->len, o->size - o->len, fmt, ap);
  va_end(ap);
  if (n < 0) return;
  size_t room = o->size - o->len - 1;
  o->len += (size_t)n < room ? (size_t)n : room;
}

// The fault status codes (DFSC/IFSC) that come in a level 0-3 group of four.
static const char *fsc_level_group(unsigned group) {
  switch (group) {
    case 0x0: return "address size fault";
    case 0x1: return "translation fault";
    case 0x2: return "access flag fault";
    case 0x3: return "permission fault";
    case 0x5: return "synchronous external abort on translation table walk";
    case 0x7: return "synchronous parity/ECC error on translation table walk";
    default: return NULL;
  }
}

static void put_fsc(struct out *o, unsigned fsc) {
  const char *name = fsc_level_group(fsc >> 2);
  if (fsc < 0x20 && name) {
    put(o, "%s, level %u", name, fsc & 3);
    return;
  }
  switch (fsc) {
    case 0x10: name = "synchronous external abort"; break;
    case 0x11: name = "synchronous tag check fault"; break;
    case 0x18: name = "synchronous parity/ECC error"; break;
    case 0x21: name = "alignment fault"; break;
    case 0x22: name = "debug exception"; break;
    case 0x30: name = "TLB conflict abort"; break;
    case 0x31: name = "unsupported atomic hardware update fault"; break;
    case 0x34: name = "IMPLEMENTATION DEFINED fault (lockdown)"; break;
    case 0x35: name = "IMPLEMENTATION DEFINED fault (unsupported exclusive/atomic)"; break;
    default: name = NULL; break;
  }
  if (name)
    put(o, "%s", name);
  else
    put(o, "fault status 0x%x", fsc);
}

static void put_abort(struct out *o, uint32_t iss, bool data) {
  put_fsc(o, iss & ESR_ABT_FSC_MASK);
  if (data) {
    put(o, ", %s", (iss & ESR_ABT_WNR) ? "write" : "read");
    // ISV: the access was a single general-purpose register load/store.
    if (iss & ESR_ABT_ISV) {
      unsigned sas = (iss >> 22) & 3, srt = (iss >> 16) & 31;
      put(o, ", %u-byte access via %c%u", 1u << sas, (iss & (1u << 15)) ? 'x' : 'w', srt);
    }
    if (iss & ESR_ABT_CM) put(o, ", cache maintenance");
  }
  if (iss & ESR_ABT_S1PTW) put(o, ", on stage 1 table walk");
}

// Prints the trapped instruction in assembler syntax: Rt 31 is the zero register.
static void put_sys(struct out *o, uint32_t iss) {
  unsigned op0 = (iss >> 20) & 3, op2 = (iss >> 17) & 7, op1 = (iss >> 14) & 7;
  unsigned crn = (iss >> 10) & 15, rt = (iss >> 5) & 31, crm = (iss >> 1) & 15;
  bool read = iss & 1;
  char reg[8];
  if (rt == 31)
    snprintf(reg, sizeof reg, "xzr");
  else
    snprintf(reg, sizeof reg, "x%u", rt);
  if (op0 == 1 && read)
    put(o, "SYSL %s, #%u, C%u, C%u, #%u", reg, op1, crn, crm, op2);
  else if (op0 == 1)
    put(o, "SYS #%u, C%u, C%u, #%u, %s", op1, crn, crm, op2, reg);
  else if (read)
    put(o, "MRS %s, S%u_%u_C%u_C%u_%u", reg, op0, op1, crn, crm, op2);
  else
    put(o, "MSR S%u_%u_C%u_C%u_%u, %s", op0, op1, crn, crm, op2, reg);
}

// SError ISS: AET (error state) is defined only when IDS is 0 and DFSC says
// "asynchronous SError interrupt" (RAS extension).
static void put_serror(struct out *o, uint32_t iss) {
  static const char *const aet[8] = {
    [0] = "uncontainable", [1] = "unrecoverable", [2] = "restartable",
    [3] = "recoverable", [6] = "corrected",
  };
  unsigned state = (iss >> 10) & 7;
  bool ids = iss & (1u << 24);
  if (!ids && (iss & ESR_ABT_FSC_MASK) == 0x11 && aet[state])
    put(o, "%s error, ISS 0x%x", aet[state], (unsigned)iss);
  else
    put(o, "ISS 0x%x", (unsigned)iss);
}

// FAR_ELx holds a fault address only for these classes; otherwise it is UNKNOWN.
static bool far_is_valid(unsigned ec, uint32_t iss) {
  switch (ec) {
    case ESR_EC_IABT_LOWER:
    case ESR_EC_IABT_SAME:
    case ESR_EC_DABT_LOWER:
    case ESR_EC_DABT_SAME:
      return !(iss & ESR_ABT_FNV);
    case ESR_EC_PC_ALIGN:
    case ESR_EC_WATCHPT_LOWER:
    case ESR_EC_WATCHPT_SAME:
      return true;
    default:
      return false;
  }
}

size_t esr_describe(uint64_t esr, uint64_t far, char *buf, size_t size) {
  struct out o = {buf, size, 0};
  if (size == 0) return 0;
  buf[0] = '\0';
  unsigned ec = esr_ec(esr);
  uint32_t iss = esr_iss(esr);
  put(&o, "EC 0x%02x %s: ", ec, esr_class_name(ec));
  switch (ec) {
    case ESR_EC_DABT_LOWER:
    case ESR_EC_DABT_SAME:
      put_abort(&o, iss, true);
      break;
    case ESR_EC_IABT_LOWER:
    case ESR_EC_IABT_SAME:
      put_abort(&o, iss, false);
      break;
    case ESR_EC_WFX:
      put(&o, "%s", (iss & 1) ? "WFE" : "WFI");
      break;
    case 0x11: case 0x12:  // SVC/HVC from AArch32 (SMC32 has no immediate)
    case ESR_EC_SVC64: case ESR_EC_HVC64: case ESR_EC_SMC64: {
      static const char *const insn[3] = {"SVC", "HVC", "SMC"};
      put(&o, "%s #%u", insn[(ec & 3) - 1], (unsigned)(iss & 0xffff));
      break;
    }
    case ESR_EC_BRK64:
      put(&o, "BRK #%u", (unsigned)(iss & 0xffff));
      break;
    case 0x38:  // BKPT from AArch32
      put(&o, "BKPT #%u", (unsigned)(iss & 0xffff));
      break;
    case ESR_EC_SYS64:
      put_sys(&o, iss);
      break;
    case ESR_EC_SERROR:
      put_serror(&o, iss);
      break;
    default:
      put(&o, "ISS 0x%x", (unsigned)iss);
      break;
  }
  if (far_is_valid(ec, iss))
    put(&o, ", FAR 0x%lx", (unsigned long)far);
  else if (esr_is_data_abort(esr) || esr_is_instruction_abort(esr))
    put(&o, ", FAR not valid");
  return o.len;
}
