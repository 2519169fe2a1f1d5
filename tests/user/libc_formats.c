// newlib's printf with C99 length modifiers and long long (tools/newlib.sh): each
// format gives the standard text and consumes exactly its own argument, so the
// ones after it print right too. test.sh also matches the printed line exactly.
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "user_test.h"

#define EXPECT_STR(got, want)                                                          \
  do {                                                                                 \
    checks++;                                                                          \
    if (strcmp((got), (want))) {                                                       \
      printf("  %s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, (got), (want)); \
      failures++;                                                                      \
    }                                                                                  \
  } while (0)

int main(void) {
  char buf[256];
  snprintf(buf, sizeof buf, "zu=[%zu] lld=[%lld] jd=[%jd] hhu=[%hhu] td=[%td] end=[%d]",
           (size_t)18446744073709551615u, -9000000000000000001LL, (intmax_t)-42, (unsigned char)200,
           (ptrdiff_t)-7, 99);
  EXPECT_STR(buf,
             "zu=[18446744073709551615] lld=[-9000000000000000001] jd=[-42] hhu=[200] "
             "td=[-7] end=[99]");
  snprintf(buf, sizeof buf, "%llx %llu %hhd %hd %zx %zd %ju", 0xfedcba9876543210ULL,
           18446744073709551615ULL, (signed char)-128, (short)-32768, (size_t)0xabcdef123,
           (ssize_t)-5, (uintmax_t)1 << 63);
  EXPECT_STR(buf,
             "fedcba9876543210 18446744073709551615 -128 -32768 abcdef123 -5 "
             "9223372036854775808");
  // %hhn and %lln store into the right width.
  signed char hhn = 0x55;
  long long lln = -1;
  snprintf(buf, sizeof buf, "abc%hhn%lldef%lln", &hhn, 12LL, &lln);
  EXPECT_STR(buf, "abc12ef");
  EXPECT_EQ(hhn, 3);
  EXPECT_EQ(lln, 7);
  // Widths, precision and flags with the new lengths.
  snprintf(buf, sizeof buf, "[%-6zu][%08lld][%+jd][%.3td]", (size_t)42, -42LL, (intmax_t)5,
           (ptrdiff_t)7);
  EXPECT_STR(buf, "[42    ][-0000042][+5][007]");
  // What test.sh looks for, printed through stdout.
  printf("libc_formats: zu=[%zu] lld=[%lld] jd=[%jd] hhu=[%hhu] td=[%td]\n", (size_t)42, 42LL,
         (intmax_t)-1, (unsigned char)255, (ptrdiff_t)-3);
  printf("libc_formats: %d failures of %d checks\n", failures, checks);
  return failures;
}
