// OpenMP micro-benchmarks; the same source runs as a Faasm guest and natively (libomp).
// Prints "name value" lines. Regions store to a volatile so LLVM keeps them (THREADS.md).
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static volatile int sink;
static double now_ns(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e9 + t.tv_nsec;
}

// Regions and barriers are timed in BATCHES batches of PER_BATCH: the figure is the
// median batch mean (the overall mean is printed too), so a rare stall of the shared
// machine (another process taking the core for a millisecond) does not set it. Both
// builds use the same statistic.
#define BATCHES 15
#define PER_BATCH 200
#define COMPUTE_RUNS 11

static int by_value(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double median(double *v, int n) {
  qsort(v, n, sizeof *v, by_value);
  return v[n / 2];
}

static double compute(int threads, long n) {
  double s = 0;
  double t0 = now_ns();
#pragma omp parallel for num_threads(threads) reduction(+:s) schedule(static)
  for (long i = 0; i < n; i++) s += sqrt((double)i);
  double t1 = now_ns();
  sink = (int)s;
  return (t1 - t0) / 1e9;
}

int main(void) {
  const int reps = 3000;
  omp_set_num_threads(2);
  // Steady state: a JS host compiles its fork and barrier paths during the first
  // thousands of regions (V8 tiers up, on a third thread competing for the 2 cores),
  // so both builds warm up the same way before timing.
  for (int i = 0; i < 20000; i++) {
#pragma omp parallel
    sink = omp_get_thread_num();
  }
#pragma omp parallel
  for (int i = 0; i < 5000; i++) {
#pragma omp barrier
  }
  double batch[BATCHES], total = 0;
  for (int b = 0; b < BATCHES; b++) {
    double t0 = now_ns();
    for (int i = 0; i < PER_BATCH; i++) {
#pragma omp parallel
      sink = omp_get_thread_num();
    }
    batch[b] = (now_ns() - t0) / PER_BATCH / 1e3;
    total += batch[b];
  }
  printf("empty_region_mean_us %f\n", total / BATCHES);
  printf("empty_region_us %f\n", median(batch, BATCHES));

  total = 0;
  for (int b = 0; b < BATCHES; b++) {
    double t0 = now_ns();
#pragma omp parallel
    for (int i = 0; i < PER_BATCH; i++) {
#pragma omp barrier
    }
    batch[b] = (now_ns() - t0) / PER_BATCH / 1e3;
    total += batch[b];
  }
  printf("barrier_mean_us %f\n", total / BATCHES);
  printf("barrier_us %f\n", median(batch, BATCHES));

  double t0;
  int counter = 0;
  t0 = now_ns();
#pragma omp parallel
  for (int i = 0; i < reps * 10; i++) {
#pragma omp critical
    counter++;
  }
  printf("critical_ns %f\n", (now_ns() - t0) / counter);

  // Compute: 1 thread then 2 threads, COMPUTE_RUNS times; each time is the median of
  // its runs (one 45–90 ms run swings by ±5% on this shared machine), and the speedup
  // the median of each pair's ratio (a pair runs back to back, so a slower stretch of
  // the machine slows both of its runs, not only one side). Both builds alike.
  const long n = 40000000;
  compute(1, n / 10);
  double one[COMPUTE_RUNS], two[COMPUTE_RUNS], ratio[COMPUTE_RUNS];
  for (int r = 0; r < COMPUTE_RUNS; r++) {
    one[r] = compute(1, n);
    two[r] = compute(2, n);
    ratio[r] = one[r] / two[r];
  }
  printf("speedup %f\n", median(ratio, COMPUTE_RUNS));
  printf("compute_1_s %f\n", median(one, COMPUTE_RUNS));
  printf("compute_2_s %f\n", median(two, COMPUTE_RUNS));
  return 0;
}
