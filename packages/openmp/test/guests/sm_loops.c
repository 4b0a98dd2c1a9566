// faasm-cc: -fopenmp
// omp_loops.c built without shared memory: runs in snapshot-and-merge mode.
#include "omp_loops.c"
