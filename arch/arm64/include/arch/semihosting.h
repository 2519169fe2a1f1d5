#ifndef ARCH_SEMIHOSTING_H_
#define ARCH_SEMIHOSTING_H_

__attribute__((noreturn)) void semihosting_exit(int status);

#endif  // ARCH_SEMIHOSTING_H_
