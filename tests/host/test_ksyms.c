// Tests of symbol lookup over hand-made tables (the kernel's is generated).
#include <string.h>

#include "../../lib/ksyms.h"
#include "test.h"

// The table ksyms_lookup searches: in the kernel, tools/gen-ksyms.sh makes it.
const char ksyms_names[] = "alpha\0beta\0gamma\0delta\0epsilon";
const struct ksym ksyms_table[] = {
  {0x100, 0x40, 0},   // alpha
  {0x140, 0, 6},      // beta: no size, runs to gamma
  {0x200, 0x10, 11},  // gamma, then a gap
  {0x300, 0x20, 17},  // delta
  {0x400, 0x8, 23},   // epsilon
};
const uint64_t ksyms_count = sizeof ksyms_table / sizeof ksyms_table[0];

// Looks up off and checks the answer; want NULL means "no symbol".
static void check(int line, uint64_t off, const char *want, uint64_t want_delta) {
  const char *name = NULL;
  uint64_t delta = ~0ull;
  bool found = ksyms_lookup(off, &name, &delta);
  char what[160];
  if (!want && found) {
    snprintf(what, sizeof what, "no symbol at 0x%llx, got %s+0x%llx", (unsigned long long)off,
             name, (unsigned long long)delta);
    test_fail(__FILE__, line, what);
  } else if (want && (!found || strcmp(name, want) != 0 || delta != want_delta)) {
    snprintf(what, sizeof what, "%s+0x%llx at 0x%llx, got %s", want,
             (unsigned long long)want_delta, (unsigned long long)off, found ? name : "nothing");
    test_fail(__FILE__, line, what);
  }
}

TEST(ksyms_lookup_starts_middles_ends) {
  check(__LINE__, 0x100, "alpha", 0);
  check(__LINE__, 0x120, "alpha", 0x20);
  check(__LINE__, 0x13f, "alpha", 0x3f);
  check(__LINE__, 0x140, "beta", 0);
  check(__LINE__, 0x200, "gamma", 0);
  check(__LINE__, 0x20f, "gamma", 0xf);
  check(__LINE__, 0x31f, "delta", 0x1f);
  check(__LINE__, 0x400, "epsilon", 0);
  check(__LINE__, 0x407, "epsilon", 7);
}

TEST(ksyms_lookup_outside_symbols) {
  check(__LINE__, 0, NULL, 0);
  check(__LINE__, 0xff, NULL, 0);
  check(__LINE__, 0x210, NULL, 0);  // just past gamma's size
  check(__LINE__, 0x2ff, NULL, 0);
  check(__LINE__, 0x320, NULL, 0);
  check(__LINE__, 0x408, NULL, 0);  // just past the last symbol
  check(__LINE__, UINT64_MAX, NULL, 0);
}

TEST(ksyms_lookup_size0_runs_to_next) {
  check(__LINE__, 0x141, "beta", 1);
  check(__LINE__, 0x1ff, "beta", 0xbf);
  // A size-0 last symbol has no known end.
  static const struct ksym last[] = {{0x10, 4, 0}, {0x20, 0, 2}};
  const char *name;
  uint64_t delta;
  EXPECT(ksyms_lookup_in(last, 2, "a\0b", 0x1000, &name, &delta));
  EXPECT(strcmp(name, "b") == 0);
  EXPECT_EQ(delta, 0xfe0);
  EXPECT(!ksyms_lookup_in(last, 2, "a\0b", 0x14, &name, &delta));
  EXPECT(!ksyms_lookup_in(last, 2, "a\0b", 0xf, &name, &delta));
}

TEST(ksyms_lookup_optional_outputs) {
  EXPECT(ksyms_lookup(0x120, NULL, NULL));
  uint64_t delta = 0;
  EXPECT(ksyms_lookup(0x120, NULL, &delta));
  EXPECT_EQ(delta, 0x20);
  const char *name = NULL;
  EXPECT(ksyms_lookup(0x120, &name, NULL));
  EXPECT(name && strcmp(name, "alpha") == 0);
}

TEST(ksyms_lookup_empty_and_single) {
  const char *name = NULL;
  uint64_t delta = 0;
  EXPECT(!ksyms_lookup_in(ksyms_table, 0, ksyms_names, 0, &name, &delta));
  EXPECT(!ksyms_lookup_in(ksyms_table, 0, ksyms_names, 0x120, &name, &delta));
  EXPECT(!ksyms_lookup_in(NULL, 0, "", UINT64_MAX, &name, &delta));
  EXPECT(name == NULL);
  EXPECT(ksyms_lookup_in(ksyms_table, 1, ksyms_names, 0x13f, &name, &delta));
  EXPECT(!ksyms_lookup_in(ksyms_table, 1, ksyms_names, 0x140, &name, &delta));
}

// The binary search agrees with a linear scan at every offset around the table.
TEST(ksyms_lookup_matches_linear_scan) {
  for (uint64_t off = 0; off < 0x500; off++) {
    const char *want = NULL;
    uint64_t want_delta = 0;
    for (size_t i = 0; i < ksyms_count; i++) {
      const struct ksym *s = &ksyms_table[i];
      uint64_t end = s->size ? s->offset + s->size
                     : i + 1 < ksyms_count ? ksyms_table[i + 1].offset : UINT64_MAX;
      if (off >= s->offset && off < end) {
        want = ksyms_names + s->name;
        want_delta = off - s->offset;
      }
    }
    check(__LINE__, off, want, want_delta);
  }
}
