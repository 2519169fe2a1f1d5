// Word-by-word copies for hot paths. The kernel's newlib memcpy/memset are its
// byte-at-a-time C versions (built for size, without FP/SIMD), so a 280-byte register
// state copied with them costs over a thousand instructions. The volatile source
// keeps the compiler from turning these loops back into memcpy calls.
#ifndef JANUS_COPY_WORDS_H_
#define JANUS_COPY_WORDS_H_

#include <stddef.h>
#include <stdint.h>

static inline void copy_words(void *dst, const void *src, size_t bytes) {
  uint64_t *d = dst;
  const volatile uint64_t *s = src;
  for (size_t i = 0; i < bytes / 8; i++) d[i] = s[i];
}

static inline void zero_words(void *dst, size_t bytes) {
  volatile uint64_t *d = dst;
  for (size_t i = 0; i < bytes / 8; i++) d[i] = 0;
}

#endif  // JANUS_COPY_WORDS_H_
