// Tests of ESR_EL1 decoding against syndromes a real CPU reports.
#include <stdlib.h>
#include <string.h>

#include "../../arch/arm64/esr.h"
#include "test.h"

#define RESERVED "reserved/unknown exception class"

struct esr_case {
  int line;
  uint64_t esr, far;
  const char *want[4];  // substrings the description must contain
  const char *reject;   // a substring it must not contain, or NULL
};

static const struct esr_case cases[] = {
  {__LINE__, 0x96000045, 0x1000,
   {"EC 0x25 Data Abort without a change in EL: ", "translation fault, level 1", ", write",
    ", FAR 0x1000"}, "read"},
  {__LINE__, 0x92000007, 0xdead,
   {"EC 0x24 Data Abort from a lower EL", "translation fault, level 3", ", read", "FAR 0xdead"},
   "write"},
  {__LINE__, 0x96000004, 0, {"translation fault, level 0", "read"}, NULL},
  {__LINE__, 0x96000001, 0, {"address size fault, level 1"}, NULL},
  {__LINE__, 0x9600000b, 0, {"access flag fault, level 3"}, NULL},
  {__LINE__, 0x9600004f, 0, {"permission fault, level 3", "write"}, NULL},
  {__LINE__, 0x96000010, 0x42, {"synchronous external abort, read", "FAR 0x42"}, "walk"},
  {__LINE__, 0x96000015, 0, {"synchronous external abort on translation table walk, level 1"},
   NULL},
  {__LINE__, 0x96000018, 0, {"synchronous parity/ECC error"}, "walk"},
  {__LINE__, 0x9600001e, 0, {"parity/ECC error on translation table walk, level 2"}, NULL},
  {__LINE__, 0x96000021, 0, {"alignment fault"}, NULL},
  {__LINE__, 0x96000030, 0, {"TLB conflict abort"}, NULL},
  {__LINE__, 0x96000031, 0, {"unsupported atomic hardware update"}, NULL},
  {__LINE__, 0x9600003f, 0, {"fault status 0x3f"}, NULL},
  // FnV: the FAR holds no address, so do not print it.
  {__LINE__, 0x96000410, 0x1234, {"synchronous external abort", "FAR not valid"}, "0x1234"},
  // ISV: an 8-byte store from x3.
  {__LINE__, 0x93c38047, 0, {"translation fault, level 3, write, 8-byte access via x3"}, NULL},
  {__LINE__, 0x93830007, 0, {"translation fault, level 3, read, 4-byte access via w3"}, NULL},
  {__LINE__, 0x96000144, 0, {"translation fault, level 0, write, cache maintenance"}, NULL},
  {__LINE__, 0x92000087, 0, {"on stage 1 table walk"}, NULL},
  {__LINE__, 0x8600000f, 0xffff800000001234,
   {"EC 0x21 Instruction Abort without a change in EL: permission fault, level 3",
    "FAR 0xffff800000001234"}, "read"},
  {__LINE__, 0x82000006, 0x400, {"Instruction Abort from a lower EL", "translation fault, level 2"},
   "write"},
  {__LINE__, 0x56000000, 0x77, {"EC 0x15 SVC from AArch64: SVC #0"}, "FAR"},
  {__LINE__, 0x5600ffff, 0, {"SVC #65535"}, NULL},
  {__LINE__, 0x5a000001, 0, {"HVC from AArch64: HVC #1"}, NULL},
  {__LINE__, 0x5e000000, 0, {"SMC from AArch64: SMC #0"}, NULL},
  {__LINE__, 0x46000005, 0, {"SVC from AArch32: SVC #5"}, NULL},
  {__LINE__, 0xf2000000 | 0x3e8, 0, {"EC 0x3c BRK instruction: BRK #1000"}, "FAR"},
  {__LINE__, 0x02000000, 0x99, {"EC 0x00 Unknown reason: ISS 0x0"}, "FAR"},
  // MRS x0, CTR_EL0 from EL0 with SCTLR_EL1.UCT clear.
  {__LINE__, 0x6232c001, 0, {"Trapped MSR/MRS/system instruction: MRS x0, S3_3_C0_C0_1"}, NULL},
  // MSR DAIF, x5 from EL0 with SCTLR_EL1.UMA clear.
  {__LINE__, 0x6232d0a4, 0, {"MSR S3_3_C4_C2_1, x5"}, NULL},
  {__LINE__, 0x623003e1, 0, {"MRS xzr, S3_0_C0_C0_0"}, NULL},
  // DC ZVA, x2 with SCTLR_EL1.DZE clear.
  {__LINE__, 0x6212dc48, 0, {"SYS #3, C7, C4, #1, x2"}, NULL},
  {__LINE__, 0x8a000000, 0x1001, {"EC 0x22 PC alignment fault", "FAR 0x1001"}, NULL},
  {__LINE__, 0x9a000000, 0x1001, {"EC 0x26 SP alignment fault"}, "FAR"},
  {__LINE__, 0x1fe00000, 0, {"EC 0x07 Trapped FP/SIMD access: ISS 0x1e00000"}, NULL},
  {__LINE__, 0xbe000000, 0, {"EC 0x2f SError: ISS 0x0"}, "FAR"},
  {__LINE__, 0xbe000411, 0, {"SError: unrecoverable error, ISS 0x411"}, NULL},
  {__LINE__, 0x04000000, 0, {"Trapped WFI/WFE: WFI"}, NULL},
  {__LINE__, 0x06000001, 0, {"WFE"}, NULL},
  {__LINE__, 0xd6000022, 0x5000, {"Watchpoint without a change in EL", "FAR 0x5000"}, NULL},
  {__LINE__, 0x3a000000, 0, {"Illegal Execution state"}, NULL},
  {__LINE__, 0x0a000123, 0x5, {"EC 0x02 " RESERVED ": ISS 0x123"}, "FAR"},
  // Bits above 31 (ISS2, RES0 before ARMv8.7) do not change the class.
  {__LINE__, 0xffffffff00000000 | 0x56000000, 0, {"SVC #0"}, NULL},
};

static void check_case(const struct esr_case *c) {
  char buf[256], what[512];
  size_t n = esr_describe(c->esr, c->far, buf, sizeof buf);
  if (n != strlen(buf)) test_fail(__FILE__, c->line, "return value == strlen(buf)");
  for (int i = 0; i < 4 && c->want[i]; i++) {
    if (strstr(buf, c->want[i])) continue;
    snprintf(what, sizeof what, "\"%s\" in \"%s\"", c->want[i], buf);
    test_fail(__FILE__, c->line, what);
  }
  if (c->reject && strstr(buf, c->reject)) {
    snprintf(what, sizeof what, "no \"%s\" in \"%s\"", c->reject, buf);
    test_fail(__FILE__, c->line, what);
  }
}

TEST(esr_describe_real_syndromes) {
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) check_case(&cases[i]);
}

TEST(esr_class_predicates) {
  EXPECT_EQ(esr_ec(0x96000045), ESR_EC_DABT_SAME);
  EXPECT_EQ(esr_ec(0xffffffff92000007), ESR_EC_DABT_LOWER);
  EXPECT_EQ(esr_ec(0xf20003e8), ESR_EC_BRK64);
  EXPECT(esr_is_data_abort(0x96000045));
  EXPECT(esr_is_data_abort(0x92000007));
  EXPECT(!esr_is_data_abort(0x86000004));
  EXPECT(esr_is_instruction_abort(0x86000004));
  EXPECT(esr_is_instruction_abort(0x82000006));
  EXPECT(!esr_is_instruction_abort(0x56000000));
  EXPECT(!esr_is_data_abort(0x56000000));
}

TEST(esr_class_names) {
  static const unsigned defined[] = {
    0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0c, 0x0d, 0x0e, 0x11, 0x12,
    0x13, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1c, 0x1f, 0x20, 0x21, 0x22, 0x24, 0x25,
    0x26, 0x28, 0x2c, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x38, 0x3a, 0x3c,
  };
  unsigned named = 0;
  for (unsigned ec = 0; ec < 64; ec++) {
    const char *name = esr_class_name(ec);
    ASSERT(name && name[0]);
    if (strcmp(name, RESERVED) != 0) named++;
  }
  EXPECT_EQ(named, sizeof defined / sizeof defined[0]);
  for (size_t i = 0; i < sizeof defined / sizeof defined[0]; i++)
    EXPECT(strcmp(esr_class_name(defined[i]), RESERVED) != 0);
  EXPECT(strcmp(esr_class_name(0x02), RESERVED) == 0);
  EXPECT(strcmp(esr_class_name(0x3f), RESERVED) == 0);
  EXPECT(strcmp(esr_class_name(64), RESERVED) == 0);
  EXPECT(strcmp(esr_class_name(~0u), RESERVED) == 0);
  EXPECT(strcmp(esr_class_name(ESR_EC_SVC64), "SVC from AArch64") == 0);
  EXPECT(strcmp(esr_class_name(ESR_EC_UNKNOWN), "Unknown reason") == 0);
}

// Heap buffers of the exact size, so ASan catches any write past the end.
TEST(esr_describe_truncates) {
  char full[256];
  size_t len = esr_describe(0x96000045, 0x1000, full, sizeof full);
  ASSERT(len > 20 && len == strlen(full));

  EXPECT_EQ(esr_describe(0x96000045, 0x1000, NULL, 0), 0);
  char *one = malloc(1);
  ASSERT(one);
  one[0] = 'Z';
  EXPECT_EQ(esr_describe(0x96000045, 0x1000, one, 0), 0);
  EXPECT_EQ(one[0], 'Z');
  EXPECT_EQ(esr_describe(0x96000045, 0x1000, one, 1), 0);
  EXPECT_EQ(one[0], '\0');
  free(one);

  static const size_t sizes[] = {2, 10, 40};
  for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
    size_t size = sizes[i];
    char *buf = malloc(size);
    ASSERT(buf);
    EXPECT_EQ(esr_describe(0x96000045, 0x1000, buf, size), size - 1);
    EXPECT_EQ(strlen(buf), size - 1);
    EXPECT(memcmp(buf, full, size - 1) == 0);
    free(buf);
  }

  // Exactly enough room, and one byte short of it.
  char *exact = malloc(len + 1);
  ASSERT(exact);
  EXPECT_EQ(esr_describe(0x96000045, 0x1000, exact, len + 1), len);
  EXPECT(strcmp(exact, full) == 0);
  EXPECT_EQ(esr_describe(0x96000045, 0x1000, exact, len), len - 1);
  free(exact);

  // Every class and size stays in bounds.
  char small[12];
  for (unsigned ec = 0; ec < 64; ec++)
    for (size_t size = 0; size <= sizeof small; size++)
      EXPECT(esr_describe((uint64_t)ec << 26 | 0x1ffffff, ~0ull, small, size) < sizeof small);
}
