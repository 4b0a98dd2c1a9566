// faasm-cc: --threads -fopenmp
// Failure paths, selected by argv[1]: a trap or exit in a team thread, bad guest input.
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void __kmpc_critical(void *loc, int gtid, void *crit);
void __kmpc_fork_call(void *loc, int argc, void (*microtask)(int *, int *, ...), ...);
void __kmpc_for_static_init_4(void *loc, int gtid, int sched, int *last, int *lower, int *upper, int *stride, int incr, int chunk);

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (!strcmp(mode, "trap")) {
#pragma omp parallel num_threads(2)
    {
      if (omp_get_thread_num() == 1) __builtin_trap();
#pragma omp barrier
    }
    return 0;
  }
  if (!strcmp(mode, "trap-master")) {
#pragma omp parallel num_threads(2)
    {
      if (omp_get_thread_num() == 0) __builtin_trap();
#pragma omp barrier
    }
    return 0;
  }
  if (!strcmp(mode, "exit")) {
#pragma omp parallel num_threads(2)
    if (omp_get_thread_num() == 1) exit(5);
    return 0;
  }
  if (!strcmp(mode, "wild-critical")) {
    __kmpc_critical(NULL, 0, (void *)0xfffffff8);
    return 0;
  }
  if (!strcmp(mode, "wild-static")) {
    int last, stride, lower = 0;
    __kmpc_for_static_init_4(NULL, 0, 34, &last, &lower, (int *)0xfffffff0, &stride, 1, 1);
    return 0;
  }
  if (!strcmp(mode, "after-trap")) {
    // The pool survives a failed region: a later run in the same process works.
    int sum = 0;
#pragma omp parallel for reduction(+:sum)
    for (int i = 0; i < 100; i++) sum += i;
    printf("sum=%d\n", sum);
    return sum == 4950 ? 0 : 1;
  }
  return 100;
}
