#include <mpi.h>
#include "check.h"

/* Failure modes, chosen by argv[1]: a rank exits non-zero, traps, calls MPI_Abort,
 * makes a fatal MPI error, exits without MPI_Finalize, or rank 0 returns early. The world must end (no hang)
 * with an error naming the rank. */
int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  int rank, size;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  const char* mode = argc > 1 ? argv[1] : "";
  int last = size - 1, x = 0;
  if (strcmp(mode, "exit") == 0 && rank == last) return 7;
  if (strcmp(mode, "trap") == 0 && rank == last) __builtin_trap();
  if (strcmp(mode, "abort") == 0 && rank == last) MPI_Abort(MPI_COMM_WORLD, 5);
  if (strcmp(mode, "fatal") == 0 && rank == last) MPI_Send(&x, 1, MPI_INT, size + 10, 0, MPI_COMM_WORLD);
  if (strcmp(mode, "root") == 0 && rank == 0) return 4;
  if (strcmp(mode, "nofinal") == 0) {
    if (rank == last) return 0;
    MPI_Finalize();
    return 0;
  }
  if (strcmp(mode, "rootnofinal") == 0 && rank == 0) return 0;
  if (strcmp(mode, "ok") == 0) {
    MPI_Finalize();
    return 0;
  }
  /* Everyone else waits for a message that never comes. */
  MPI_Recv(&x, 1, MPI_INT, MPI_ANY_SOURCE, 99, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  MPI_Finalize();
  return 0;
}
