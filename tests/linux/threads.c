// pthreads: threads on several CPUs, a mutex-protected counter, a condition variable
// hand-off, join with return values, thread-local storage.
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "linux_test.h"

#define THREADS 8
#define ROUNDS 20000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static __thread int mine;
static int cpu_of[THREADS];

static void *adder(void *arg) {
  mine = (int)(intptr_t)arg;
  cpu_of[mine - 1] = sched_getcpu();
  for (int i = 0; i < ROUNDS; i++) {
    pthread_mutex_lock(&lock);
    counter++;
    pthread_mutex_unlock(&lock);
  }
  return (void *)(intptr_t)(mine * 10);
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, pings;

static void *ponger(void *arg) {
  (void)arg;
  for (int i = 0; i < 200; i++) {
    pthread_mutex_lock(&m);
    while (turn != 1) pthread_cond_wait(&cv, &m);
    pings++;
    turn = 0;
    pthread_cond_signal(&cv);
    pthread_mutex_unlock(&m);
  }
  return NULL;
}

int main(void) {
  pthread_t t[THREADS];
  for (int i = 0; i < THREADS; i++)
    CHECK_EQ(pthread_create(&t[i], NULL, adder, (void *)(intptr_t)(i + 1)), 0);
  for (int i = 0; i < THREADS; i++) {
    void *ret;
    CHECK_EQ(pthread_join(t[i], &ret), 0);
    CHECK_EQ((intptr_t)ret, (i + 1) * 10);
  }
  CHECK_EQ(counter, (long)THREADS * ROUNDS);
  int cpus = 0;  // the threads ran on more than one CPU (Janus spreads them at start)
  for (int c = 0; c < 64; c++)
    for (int i = 0; i < THREADS; i++)
      if (cpu_of[i] == c) {
        cpus++;
        break;
      }
  CHECK(cpus > 1);
  printf("threads: %d threads on %d CPUs\n", THREADS, cpus);
  CHECK_EQ(mine, 0);  // the main thread's own copy
  pthread_t p;
  CHECK_EQ(pthread_create(&p, NULL, ponger, NULL), 0);
  for (int i = 0; i < 200; i++) {
    pthread_mutex_lock(&m);
    turn = 1;
    pthread_cond_signal(&cv);
    while (turn != 0) pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
  }
  pthread_join(p, NULL);
  CHECK_EQ(pings, 200);
  return test_done();
}
