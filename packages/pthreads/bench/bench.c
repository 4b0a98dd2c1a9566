// pthread micro-benchmarks; the same source runs as a Faasm guest and natively.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile int sink;
static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}
static void *noop(void *arg) { sink = 1; return arg; }

// create+join is timed in BATCHES batches of PER_BATCH after a warm-up: the figure is the
// median batch mean (the overall mean is printed too), so one stall of the shared
// machine does not set it. Both builds use the same statistic.
#define BATCHES 15
#define PER_BATCH 100

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(void) {
  pthread_t t;
  for (int i = 0; i < 1000; i++) {
    pthread_create(&t, NULL, noop, NULL);
    pthread_join(t, NULL);
  }
  double batch[BATCHES], total = 0, t0;
  for (int b = 0; b < BATCHES; b++) {
    t0 = now_ns();
    for (int i = 0; i < PER_BATCH; i++) {
      pthread_create(&t, NULL, noop, NULL);
      pthread_join(t, NULL);
    }
    batch[b] = (now_ns() - t0) / PER_BATCH / 1e3;
    total += batch[b];
  }
  qsort(batch, BATCHES, sizeof *batch, by_value);
  printf("create_join_mean_us %f\n", total / BATCHES);
  printf("create_join_us %f\n", batch[BATCHES / 2]);
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
