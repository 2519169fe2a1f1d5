// newlib from several threads at once (user/lib/locks.c): malloc/free/realloc and
// stdio from threads on every CPU keep the heap and the output intact, recursive
// locks know each thread apart, and a thread that took a lock got an identity.
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zircon/syscalls.h>

#include "user_test.h"

#define THREADS 4
#define ROUNDS 3000
#define STACK_SIZE 32768

static uint8_t stacks[THREADS][STACK_SIZE] __attribute__((aligned(16)));
static volatile uintptr_t identities[THREADS];
static volatile int corrupt[THREADS];

static void worker(uintptr_t index, uintptr_t seed) {
  void *blocks[16] = {0};
  size_t sizes[16] = {0};
  for (int r = 0; r < ROUNDS; r++) {
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    int slot = (int)(seed >> 60);
    if (blocks[slot]) {  // still holds the pattern it was filled with?
      for (size_t i = 0; i < sizes[slot]; i++)
        if (((uint8_t *)blocks[slot])[i] != (uint8_t)(index * 16 + (size_t)slot)) corrupt[index]++;
      if (r & 1) {
        free(blocks[slot]);
        blocks[slot] = NULL;
        continue;
      }
      size_t bigger = sizes[slot] + 64;
      void *moved = realloc(blocks[slot], bigger);
      if (!moved) { corrupt[index]++; continue; }
      memset((uint8_t *)moved + sizes[slot], (int)(index * 16 + (size_t)slot), 64);
      blocks[slot] = moved;
      sizes[slot] = bigger;
      continue;
    }
    sizes[slot] = 16 + (seed >> 32) % 2000;
    blocks[slot] = malloc(sizes[slot]);
    if (!blocks[slot]) { corrupt[index]++; continue; }
    memset(blocks[slot], (int)(index * 16 + (size_t)slot), sizes[slot]);
    if (r % 1000 == 0) {
      char line[64];
      snprintf(line, sizeof line, "libc_threads: thread %lu round %d", (unsigned long)index, r);
      puts(line);  // stdout's lock, from every thread
    }
  }
  for (int s = 0; s < 16; s++) free(blocks[s]);
  uintptr_t id;
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(id));
  identities[index] = id;
  zx_thread_exit();
}

int main(void) {
  zx_handle_t threads[THREADS];
  for (uintptr_t i = 0; i < THREADS; i++) {
    EXPECT_EQ(zx_thread_create(zx_process_self(), "libc", 4, 0, &threads[i]), ZX_OK);
    EXPECT_EQ(zx_thread_start(threads[i], (uintptr_t)worker, (uintptr_t)(stacks[i] + STACK_SIZE),
                              i, 0x9e3779b97f4a7c15ULL * (i + 1)), ZX_OK);
  }
  for (int i = 0; i < THREADS; i++) {
    zx_signals_t seen = 0;
    EXPECT_EQ(zx_object_wait_one(threads[i], ZX_THREAD_TERMINATED, ZX_TIME_INFINITE, &seen), ZX_OK);
    EXPECT_EQ(corrupt[i], 0);
    EXPECT_EQ(identities[i] & 1, 1);  // given by the lock code
    for (int j = 0; j < i; j++) EXPECT_EQ(identities[i] != identities[j], 1);
    zx_handle_close(threads[i]);
  }
  // The heap still works for this thread, and stdio too.
  void *p = malloc(100000);
  EXPECT_EQ(p != NULL, 1);
  free(p);
  printf("libc_threads: %d checks, %d failures\n", checks, failures);
  return failures;
}
