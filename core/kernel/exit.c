// Leaving the machine (include/janus/exit.h). Runs from panic too: no locks, no
// allocation, only what was decided at boot.
#include <janus/arch.h>
#include <janus/console.h>
#include <janus/exit.h>
#include <string.h>

enum exit_how { EXIT_STATUS, EXIT_POWER_OFF, EXIT_RESET, EXIT_HALT };
static enum exit_how exit_how = EXIT_STATUS;

static const struct {
  const char *value;
  enum exit_how how;
} exit_values[] = {{"off", EXIT_POWER_OFF}, {"reset", EXIT_RESET}, {"halt", EXIT_HALT}};

void kernel_exit_configure(const char *bootargs) {
  static const char key[] = "janus.exit=";
  const char *p = bootargs;
  while ((p = strstr(p, key)) != NULL && p != bootargs && p[-1] != ' ') p++;
  if (!p) return;
  const char *value = p + sizeof key - 1;
  size_t len = strcspn(value, " ");
  for (size_t i = 0; i < sizeof exit_values / sizeof exit_values[0]; i++) {
    if (strlen(exit_values[i].value) == len && !strncmp(value, exit_values[i].value, len)) {
      exit_how = exit_values[i].how;
      return;
    }
  }
  kprintf("janus: unknown janus.exit=%.*s (off, reset or halt); ignored\n", (int)len, value);
}

void kernel_exit(int status) {
  switch (exit_how) {
    case EXIT_POWER_OFF:
      kprintf("janus: powering off\n");
      arch_power_off();
    case EXIT_RESET:
      kprintf("janus: resetting\n");
      arch_reset();
    case EXIT_HALT:
      kprintf("janus: halted\n");
      arch_halt();
    case EXIT_STATUS:
      break;
  }
  arch_platform_exit(status);
}
