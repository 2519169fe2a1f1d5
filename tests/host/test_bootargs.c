// The kernel command line reader (lib/bootargs.c): whole words only, values, booleans.
#include <string.h>

#include "lib/bootargs.h"
#include "test.h"

static bool value_is(const char *args, const char *key, const char *want) {
  const char *v;
  size_t len;
  return bootarg_find(args, key, &v, &len) && len == strlen(want) && !strncmp(v, want, len);
}

TEST(bootargs_find_whole_words) {
  EXPECT(value_is("janus.exit=off", "janus.exit", "off"));
  EXPECT(value_is("a  janus.exit=reset b", "janus.exit", "reset"));
  EXPECT(value_is("janus.crashtest", "janus.crashtest", ""));
  const char *v;
  size_t len;
  EXPECT(!bootarg_find("xjanus.exit=off", "janus.exit", &v, &len));
  EXPECT(!bootarg_find("janus.exits=off", "janus.exit", &v, &len));
  EXPECT(!bootarg_find("", "janus.exit", &v, &len));
  EXPECT(!bootarg_find("janus.exi", "janus.exit", &v, &len));
}

TEST(bootargs_bool_as_zircon_reads_them) {
  const char *key = "kernel.enable-debugging-syscalls";
  bool bad;
  EXPECT(!bootarg_bool("", key, false, &bad) && !bad);
  EXPECT(bootarg_bool("kernel.enable-debugging-syscalls=true", key, false, &bad) && !bad);
  EXPECT(bootarg_bool("x kernel.enable-debugging-syscalls", key, false, &bad) && !bad);
  EXPECT(bootarg_bool("kernel.enable-debugging-syscalls=1", key, false, &bad));
  EXPECT(bootarg_bool("kernel.enable-debugging-syscalls=on", key, false, &bad));
  EXPECT(!bootarg_bool("kernel.enable-debugging-syscalls=false", key, true, &bad) && !bad);
  EXPECT(!bootarg_bool("kernel.enable-debugging-syscalls=0", key, true, &bad));
  EXPECT(!bootarg_bool("kernel.enable-debugging-syscalls=off", key, true, &bad));
  EXPECT(!bootarg_bool("kernel.enable-debugging-syscalls=yes please", key, false, &bad) && bad);
  EXPECT(!bootarg_bool("kernel.enable-debugging-syscallsx=true", key, false, &bad) && !bad);
}
