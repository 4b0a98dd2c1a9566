#include <mpi.h>
#include <stdio.h>

/* The classic MPI pi estimate: midpoint rule for 4/(1+x^2) on [0,1], split by rank. */
int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  int n = 1000000;
  MPI_Bcast(&n, 1, MPI_INT, 0, MPI_COMM_WORLD);
  double h = 1.0 / n, sum = 0;
  for (int i = rank; i < n; i += size) {
    double x = h * (i + 0.5);
    sum += 4.0 / (1.0 + x * x);
  }
  double mine = h * sum, pi = 0;
  MPI_Reduce(&mine, &pi, 1, MPI_DOUBLE, MPI_SUM, 0, MPI_COMM_WORLD);
  if (rank == 0) printf("Pi estimate: %.10f (%d ranks)\n", pi, size);
  MPI_Finalize();
  return 0;
}
