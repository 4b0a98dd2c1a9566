// faasm-cc: --threads -fopenmp
// Parallel loops with every schedule, 32- and 64-bit induction variables, and the
// reductions +, *, max, min on int, long long and double. Exit code 0 = all exact.
#include <omp.h>
#include <stdio.h>
#include <string.h>

#define N 1000
static int hits[N];
static int failures;

#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d ", __func__, __LINE__); printf(__VA_ARGS__); printf("\n"); failures++; } } while (0)

static void reset(void) { memset(hits, 0, sizeof hits); }
static void expect_each_once(const char *what) {
  for (int i = 0; i < N; i++) if (hits[i] != 1) { CHECK(0, "%s: iteration %d ran %d times", what, i, hits[i]); return; }
}

static void schedules(void) {
  reset();
#pragma omp parallel for schedule(static)
  for (int i = 0; i < N; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  expect_each_once("static");
  reset();
#pragma omp parallel for schedule(static, 7)
  for (int i = 0; i < N; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  expect_each_once("static,7");
  reset();
#pragma omp parallel for schedule(dynamic, 3)
  for (int i = 0; i < N; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  expect_each_once("dynamic,3");
  reset();
#pragma omp parallel for schedule(dynamic)
  for (int i = 0; i < N; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  expect_each_once("dynamic");
  reset();
#pragma omp parallel for schedule(guided)
  for (int i = 0; i < N; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  expect_each_once("guided");
  reset();
#pragma omp parallel for schedule(guided, 5)
  for (int i = 0; i < N; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  expect_each_once("guided,5");
  reset();
  omp_set_schedule(omp_sched_dynamic, 4);
#pragma omp parallel for schedule(runtime)
  for (int i = 0; i < N; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  expect_each_once("runtime dynamic");
  omp_sched_t kind; int chunk;
  omp_get_schedule(&kind, &chunk);
  CHECK(kind == omp_sched_dynamic && chunk == 4, "omp_get_schedule %d %d", kind, chunk);
  reset();
  omp_set_schedule(omp_sched_static, 0);
#pragma omp parallel for schedule(runtime)
  for (int i = 0; i < N; i++) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  expect_each_once("runtime static");
  // Odd bounds and a negative step.
  reset();
#pragma omp parallel for schedule(static, 3)
  for (int i = N - 1; i >= 0; i -= 2) __atomic_fetch_add(&hits[i], 1, __ATOMIC_RELAXED);
  for (int i = 0; i < N; i++) CHECK(hits[i] == (i % 2 == 1), "negative step %d", i);
  // A zero-trip loop.
  int ran = 0;
#pragma omp parallel for reduction(+:ran)
  for (int i = 5; i < 5; i++) ran++;
  CHECK(ran == 0, "zero trip ran %d", ran);
}

static void wide(void) {
  long long sum = 0;
  const long long base = 5000000000LL; // beyond 32 bits
#pragma omp parallel for schedule(static) reduction(+:sum)
  for (long long i = base; i < base + N; i++) sum += i - base;
  CHECK(sum == (long long)N * (N - 1) / 2, "i64 static sum %lld", sum);
  sum = 0;
#pragma omp parallel for schedule(dynamic, 16) reduction(+:sum)
  for (long long i = base; i < base + N; i++) sum += i - base;
  CHECK(sum == (long long)N * (N - 1) / 2, "i64 dynamic sum %lld", sum);
  sum = 0;
#pragma omp parallel for schedule(guided) reduction(+:sum)
  for (unsigned long long i = 0; i < N; i++) sum += (long long)i;
  CHECK(sum == (long long)N * (N - 1) / 2, "u64 guided sum %lld", sum);
  unsigned usum = 0;
#pragma omp parallel for schedule(static, 10) reduction(+:usum)
  for (unsigned i = 0; i < N; i++) usum += i;
  CHECK(usum == N * (N - 1) / 2, "u32 sum %u", usum);
}

static void reductions(void) {
  int isum = 0, iprod = 1, imax = -1000000, imin = 1000000;
  long long lsum = 0, lprod = 1, lmax = -1, lmin = 1LL << 60;
  double dsum = 0, dprod = 1, dmax = -1e300, dmin = 1e300;
#pragma omp parallel for reduction(+:isum,lsum,dsum) reduction(max:imax,lmax,dmax) reduction(min:imin,lmin,dmin)
  for (int i = 0; i < N; i++) {
    isum += i; lsum += (long long)i * 1000000; dsum += i * 0.5;
    if (i * 3 % 1001 > imax) imax = i * 3 % 1001;
    if ((long long)i * 7 > lmax) lmax = (long long)i * 7;
    if (i * 1.5 > dmax) dmax = i * 1.5;
    if (i + 17 < imin) imin = i + 17;
    if ((long long)i + 42 < lmin) lmin = (long long)i + 42;
    if (i - 0.25 < dmin) dmin = i - 0.25;
  }
  CHECK(isum == N * (N - 1) / 2, "int + %d", isum);
  CHECK(lsum == (long long)N * (N - 1) / 2 * 1000000, "long long + %lld", lsum);
  CHECK(dsum == N * (N - 1) / 4.0, "double + %f", dsum);
  CHECK(imax == 1000, "int max %d", imax);
  CHECK(lmax == 7LL * (N - 1), "long long max %lld", lmax);
  CHECK(dmax == 1.5 * (N - 1), "double max %f", dmax);
  CHECK(imin == 17, "int min %d", imin);
  CHECK(lmin == 42, "long long min %lld", lmin);
  CHECK(dmin == -0.25, "double min %f", dmin);
#pragma omp parallel for reduction(*:iprod,lprod,dprod)
  for (int i = 1; i <= 20; i++) {
    if (i <= 10) iprod *= 2;
    lprod *= i;
    dprod *= 0.5;
  }
  CHECK(iprod == 1024, "int * %d", iprod);
  CHECK(lprod == 2432902008176640000LL, "long long * %lld", lprod);
  CHECK(dprod == 1.0 / 1048576, "double * %g", dprod);
}

int main(void) {
  schedules();
  wide();
  reductions();
  printf("omp_loops threads=%d failures=%d\n", omp_get_max_threads(), failures);
  return failures;
}
