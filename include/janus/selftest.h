// In-kernel self-tests (test builds only): SELFTEST(name) { CHECK(...); return true; }
// Each lands in the .selftests section; the runner finds them there.
#ifndef JANUS_SELFTEST_H_
#define JANUS_SELFTEST_H_

#include <janus/console.h>
#include <stdbool.h>
#include <stddef.h>

struct selftest {
  const char *name;
  bool (*run)(void);
  bool opt_in;  // runs only when named by bootargs "janus.only=<name>"
};

#define SELFTEST_DEFINE(name, opt_in)                                        \
  static bool name(void);                                                    \
  static const struct selftest selftest_##name                               \
      __attribute__((used, section(".selftests"), aligned(8))) = {#name, name, opt_in}; \
  static bool name(void)
#define SELFTEST(name) SELFTEST_DEFINE(name, false)
// Too slow or too big for every run (tools/test.sh boots them on their own).
#define SELFTEST_OPT_IN(name) SELFTEST_DEFINE(name, true)

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      kprintf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
      return false;                                                            \
    }                                                                          \
  } while (0)

int selftest_run_all(const char *bootargs);
// The name bootargs "janus.only=<name>" asks for (NULL: none); len gets its length.
const char *selftest_only(const char *bootargs, size_t *len);

#endif  // JANUS_SELFTEST_H_
