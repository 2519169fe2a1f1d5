// How the kernel leaves the machine when its run ends or it panics: bootargs
// "janus.exit=off", "=reset" or "=halt" choose; without one, QEMU flavors hand the
// status to QEMU (semihosting) and hardware flavors power off.
#ifndef JANUS_EXIT_H_
#define JANUS_EXIT_H_

// Reads janus.exit= once at boot; an unknown value is reported and ignored.
void kernel_exit_configure(const char *bootargs);
__attribute__((noreturn)) void kernel_exit(int status);

#endif  // JANUS_EXIT_H_
