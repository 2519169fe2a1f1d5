// Copying whole pages (a copy-on-write fault's copy): 128 bytes an iteration in pairs
// of registers, about 620 instructions a page instead of memcpy's 1,150 (which copies
// a word at a time).
#include <janus/arch.h>
#include <stdint.h>

void arch_copy_page(void *dst, const void *src) {
  char *d = dst;
  const char *s = src, *end = s + PAGE_SIZE;
  for (; s < end; s += 128, d += 128)
    __asm__ volatile(
        "ldp x2, x3, [%1]\n ldp x4, x5, [%1, #16]\n ldp x6, x7, [%1, #32]\n"
        "ldp x8, x9, [%1, #48]\n"
        "stp x2, x3, [%0]\n stp x4, x5, [%0, #16]\n stp x6, x7, [%0, #32]\n"
        "stp x8, x9, [%0, #48]\n"
        "ldp x2, x3, [%1, #64]\n ldp x4, x5, [%1, #80]\n ldp x6, x7, [%1, #96]\n"
        "ldp x8, x9, [%1, #112]\n"
        "stp x2, x3, [%0, #64]\n stp x4, x5, [%0, #80]\n stp x6, x7, [%0, #96]\n"
        "stp x8, x9, [%0, #112]" ::"r"(d),
        "r"(s)
        : "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "memory");
}
