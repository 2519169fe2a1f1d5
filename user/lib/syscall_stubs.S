// One user stub per syscall, generated from <zircon/syscalls.def>. Zircon's arm64
// convention: args already in x0-x7, number in x16, status (or value) back in x0.
// `mov x16, num` has no '#': in a function-like macro '#num' would be stringified.
.text

#define ARG(T, name)
#define USER_IN(T, name)
#define USER_OUT(T, name)
#define SYSCALL(num, name, rtype, nargs, args) \
  .globl zx_##name; .type zx_##name, %function; .balign 4; \
  zx_##name: mov x16, num; svc #0; ret; .size zx_##name, . - zx_##name;
#include <zircon/syscalls.def>

.section .note.GNU-stack, "", %progbits
