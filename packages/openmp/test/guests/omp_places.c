// faasm-cc: --threads -fopenmp
// Thread affinity: prints bind-var, the place list and, for regions with each proc_bind
// policy, every thread's place and partition; the test checks them against the
// environment it gave (OMP_PROC_BIND, OMP_PLACES).
#include <omp.h>
#include <stdio.h>

// Each thread records its view; the initial thread prints them after the region (a
// worker's stdout does not reach the test's capture).
#define MAX_THREADS 8
static char lines[MAX_THREADS][256];
static int team;

static void record(const char *region) {
  int nums[64];
  int count = omp_get_partition_num_places();
  int n = omp_get_thread_num();
  omp_get_partition_place_nums(nums);
  if (n >= MAX_THREADS) return;
  int at = snprintf(lines[n], sizeof lines[n], "region %s thread %d place %d bind %d part", region, n, omp_get_place_num(),
                    (int)omp_get_proc_bind());
  for (int i = 0; i < count && i < 64 && at < (int)sizeof lines[n]; i++) at += snprintf(lines[n] + at, sizeof lines[n] - at, "%s%d", i ? "," : " ", nums[i]);
  if (n == 0) team = omp_get_num_threads();
}

static void flush(void) {
  for (int n = 0; n < team && n < MAX_THREADS; n++) printf("%s\n", lines[n]);
}

int main(void) {
  int places = omp_get_num_places();
  printf("initial bind %d places %d\n", (int)omp_get_proc_bind(), places);
  for (int p = 0; p < places; p++) {
    int ids[256];
    int n = omp_get_place_num_procs(p);
    omp_get_place_proc_ids(p, ids);
    printf("place %d:", p);
    for (int i = 0; i < n && i < 256; i++) printf(" %d", ids[i]);
    printf("\n");
  }
  printf("no such place %d\n", omp_get_place_num_procs(places));
  record("before");
  flush();
#pragma omp parallel num_threads(2)
  record("default");
  flush();
#pragma omp parallel num_threads(2) proc_bind(spread)
  record("spread2");
  flush();
#pragma omp parallel num_threads(3) proc_bind(spread)
  record("spread3");
  flush();
#pragma omp parallel num_threads(2) proc_bind(primary)
  record("primary");
  flush();
#pragma omp parallel num_threads(3) proc_bind(close)
  record("close3");
  flush();
  record("after");
  flush();
#pragma omp parallel num_threads(2) proc_bind(close)
  record("last");
  flush();
  return 0;
}
