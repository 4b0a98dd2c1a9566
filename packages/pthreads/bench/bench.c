// pthread micro-benchmarks; the same source runs as a Faasm guest and natively.
#include <pthread.h>
#include <stdio.h>
#include <time.h>

static volatile int sink;
static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}
static void *noop(void *arg) { sink = 1; return arg; }

int main(void) {
  pthread_t t;
  for (int i = 0; i < 20; i++) {
    pthread_create(&t, NULL, noop, NULL);
    pthread_join(t, NULL);
  }
  const int reps = 500;
  double t0 = now_ns();
  for (int i = 0; i < reps; i++) {
    pthread_create(&t, NULL, noop, NULL);
    pthread_join(t, NULL);
  }
  printf("create_join_us %f\n", (now_ns() - t0) / reps / 1e3);
  pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
  const int locks = 1000000;
  t0 = now_ns();
  for (int i = 0; i < locks; i++) {
    pthread_mutex_lock(&m);
    sink = i;
    pthread_mutex_unlock(&m);
  }
  printf("mutex_ns %f\n", (now_ns() - t0) / locks);
  return 0;
}
