// A GNU make plugin (`load`, Makefile) for `make linux`: $(janus-exit-with N) ends make
// at once with exit status N, so make itself reports the Linux command's status (128 +
// the signal for a death by signal, as a shell does). A recipe cannot: make turns every
// failed command into its own status 2. N = 0 expands to nothing and make goes on.
#include <gnumake.h>
#include <stdio.h>
#include <stdlib.h>

int plugin_is_GPL_compatible;  // make loads only objects that say so (MIT is compatible)

static char *exit_with(const char *name, unsigned int argc, char **argv) {
  (void)name, (void)argc;
  char *end;
  long status = strtol(argv[0], &end, 10);
  if (end != argv[0] && status > 0 && status < 256) {
    fflush(NULL);
    exit((int)status);
  }
  return NULL;
}

int janus_make_exit_setup(const gmk_floc *floc);
int janus_make_exit_setup(const gmk_floc *floc) {
  (void)floc;
  gmk_add_function("janus-exit-with", exit_with, 1, 1, GMK_FUNC_DEFAULT);  // void before make 4.4
  return 1;
}
