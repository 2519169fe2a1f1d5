// A readable report of a fatal exception, then panic's stop-everything path.
#ifndef ARCH_ARM64_CRASH_REPORT_H_
#define ARCH_ARM64_CRASH_REPORT_H_

#include <arch/trap_frame.h>
#include <stdint.h>

__attribute__((noreturn)) void crash_report(const struct trap_frame *frame, uint64_t esr,
                                            uint64_t far, const char *what);
// Frame-pointer backtrace starting at frame pointer fp, with symbol names.
void print_backtrace(uintptr_t fp);
void print_symbolized(const char *label, uintptr_t addr);

#endif  // ARCH_ARM64_CRASH_REPORT_H_
