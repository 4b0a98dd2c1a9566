// faasm-cc: -fopenmp
// Snapshot mode's documented limits: a counter updated in a critical section is not
// shared by the threads of a region (each works on its own copy; last writer wins).
#include <omp.h>
#include <stdio.h>

int main(void) {
  int counter = 0;
#pragma omp parallel
  {
#pragma omp critical
    counter++;
  }
  printf("sm_limits threads=%d counter=%d\n", omp_get_max_threads(), counter);
  return 0;
}
