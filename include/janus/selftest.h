// In-kernel self-tests (test builds only): SELFTEST(name) { CHECK(...); return true; }
// Each lands in the .selftests section; the runner finds them there.
#ifndef JANUS_SELFTEST_H_
#define JANUS_SELFTEST_H_

#include <janus/console.h>
#include <stdbool.h>

struct selftest {
  const char *name;
  bool (*run)(void);
};

#define SELFTEST(name)                                                       \
  static bool name(void);                                                    \
  static const struct selftest selftest_##name                               \
      __attribute__((used, section(".selftests"), aligned(8))) = {#name, name}; \
  static bool name(void)

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      kprintf("  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);       \
      return false;                                                            \
    }                                                                          \
  } while (0)

int selftest_run_all(const char *bootargs);

#endif  // JANUS_SELFTEST_H_
