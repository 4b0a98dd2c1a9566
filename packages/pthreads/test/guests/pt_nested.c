// faasm-cc: --threads
// Threads that start threads on a fresh pool: each level's worker spawns the next
// worker itself (the main thread is blocked in pthread_join meanwhile).
#include <pthread.h>
#include <stdio.h>

static void *level(void *arg) {
  long depth = (long)arg;
  if (depth == 0) return (void *)1L;
  pthread_t t;
  void *r = NULL;
  if (pthread_create(&t, NULL, level, (void *)(depth - 1)) != 0) return (void *)-1000L;
  pthread_join(t, &r);
  return (void *)((long)r + 1);
}

int main(void) {
  pthread_t t;
  void *r;
  pthread_create(&t, NULL, level, (void *)3L);
  pthread_join(t, &r);
  printf("nested depth result=%ld\n", (long)r);
  return (long)r == 4 ? 0 : 1;
}
