// faasm-cc: -fopenmp
// Snapshot-and-merge mode (no shared memory): what the mode supports exactly.
// Disjoint writes, reduction clauses, __faasm_sm_reduce-registered counters,
// single/master, dynamic loops, tasks, nested regions and the queries.
#include <omp.h>
#include <stdio.h>

__attribute__((import_module("env"), import_name("__faasm_sm_reduce")))
void __faasm_sm_reduce(void *var, int type, int op, int current_batch);
__attribute__((import_module("env"), import_name("__faasm_sm_critical_local")))
void __faasm_sm_critical_local(void);
__attribute__((import_module("env"), import_name("__faasm_sm_critical_local_end")))
void __faasm_sm_critical_local_end(void);

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d ", __func__, __LINE__); printf(__VA_ARGS__); printf("\n"); failures++; } } while (0)

static int owner[4096];
static double squares[4096];

int main(void) {
  int n = omp_get_max_threads();
  int team = 0;
#pragma omp parallel
  {
    owner[omp_get_thread_num()] = omp_get_thread_num() + 1;
#pragma omp master
    team = omp_get_num_threads();
  }
  CHECK(team == n, "team %d", team);
  for (int i = 0; i < n; i++) CHECK(owner[i] == i + 1, "thread %d wrote %d", i, owner[i]);

#pragma omp parallel for schedule(dynamic, 7)
  for (int i = 0; i < 4096; i++) squares[i] = (double)i * i;
  for (int i = 0; i < 4096; i++) CHECK(squares[i] == (double)i * i, "square %d", i);

  long long sum = 0;
  double prod = 1;
  int hi = 0;
#pragma omp parallel for reduction(+:sum) reduction(*:prod) reduction(max:hi)
  for (int i = 0; i < 4096; i++) {
    sum += i;
    if (i < 30) prod *= 2;
    if (i % 1000 > hi) hi = i % 1000;
  }
  CHECK(sum == 4096LL * 4095 / 2 && prod == 1073741824.0 && hi == 999, "reductions %lld %f %d", sum, prod, hi);

  // Faasm's explicit registration: each thread's delta on `counter` is summed.
  int counter = 10;
  double total = 1.5;
  __faasm_sm_reduce(&counter, 2, 1, 0);
  __faasm_sm_reduce(&total, 5, 1, 0);
#pragma omp parallel
  {
    __faasm_sm_critical_local();
    counter += 2;
    total += 0.25;
    __faasm_sm_critical_local_end();
  }
  CHECK(counter == 10 + 2 * n && total == 1.5 + 0.25 * n, "registered %d %f", counter, total);

  int singles = 0, tasks = 0;
#pragma omp parallel
  {
#pragma omp single
    {
      singles++;
      for (int i = 0; i < 10; i++) {
#pragma omp task
        tasks++;
      }
#pragma omp taskwait
    }
  }
  CHECK(singles == 1 && tasks == 10, "single %d tasks %d", singles, tasks);

  int nested = 0;
#pragma omp parallel
  {
#pragma omp parallel
#pragma omp master
    if (omp_get_thread_num() == 0 && omp_get_level() == 2) owner[100 + omp_get_ancestor_thread_num(1)] = 7;
  }
  for (int i = 0; i < n; i++) nested += owner[100 + i] == 7;
  CHECK(nested == n, "nested regions %d", nested);

  printf("sm_basic threads=%d failures=%d\n", n, failures);
  return failures;
}
