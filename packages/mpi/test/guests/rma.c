#include <mpi.h>
#include "check.h"

/* RMA windows: Put and Get complete at the closing fence; local stores before a
 * fence are what remote gets after it see. */
int main(int argc, char** argv) {
  OK(MPI_Init(&argc, &argv));
  int rank, size;
  OK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  OK(MPI_Comm_size(MPI_COMM_WORLD, &size));
  check_rank = rank;

  int n = 2 * size;
  int* base;
  OK(MPI_Alloc_mem(n * sizeof(int), MPI_INFO_NULL, &base));
  for (int i = 0; i < n; i++) base[i] = -1;
  MPI_Win win;
  OK(MPI_Win_create(base, n * sizeof(int), sizeof(int), MPI_INFO_NULL, MPI_COMM_WORLD, &win));

  void* attr = NULL;
  int flag = 0;
  OK(MPI_Win_get_attr(win, MPI_WIN_BASE, &attr, &flag));
  CHECK(flag && attr == base, "win base");
  MPI_Aint* sz = NULL;
  OK(MPI_Win_get_attr(win, MPI_WIN_SIZE, &sz, &flag));
  CHECK(flag && *sz == (MPI_Aint)(n * sizeof(int)), "win size");
  int* du = NULL;
  OK(MPI_Win_get_attr(win, MPI_WIN_DISP_UNIT, &du, &flag));
  CHECK(flag && *du == sizeof(int), "win disp unit");
  int* model = NULL;
  OK(MPI_Win_get_attr(win, MPI_WIN_MODEL, &model, &flag));
  CHECK(flag && (*model == MPI_WIN_SEPARATE || *model == MPI_WIN_UNIFIED), "win model");
  OK(MPI_Win_get_attr(win, 999, &attr, &flag));
  CHECK(!flag, "unknown attribute");

  OK(MPI_Win_fence(MPI_MODE_NOPRECEDE, win));
  /* Each rank puts two ints into slot [2*rank] of every rank (itself included). */
  int mine[2] = {rank * 10, rank * 10 + 1};
  for (int t = 0; t < size; t++) OK(MPI_Put(mine, 2, MPI_INT, t, 2 * rank, 2, MPI_INT, win));
  CHECK(base[2 * ((rank + 1) % size)] == -1 || size == 1, "put not visible before the fence");
  OK(MPI_Win_fence(0, win));
  for (int r = 0; r < size; r++) CHECK(base[2 * r] == r * 10 && base[2 * r + 1] == r * 10 + 1, "put from %d: %d", r, base[2 * r]);

  /* Local store, fence, then everyone gets slot 0..1 of the next rank. */
  base[0] = 500 + rank;
  OK(MPI_Win_fence(0, win));
  int got[2] = {0, 0};
  int next = (rank + 1) % size;
  OK(MPI_Get(got, 2, MPI_INT, next, 0, 2, MPI_INT, win));
  OK(MPI_Win_fence(0, win));
  CHECK(got[0] == 500 + next && got[1] == 1, "get from %d: %d %d", next, got[0], got[1]);

  /* Byte-typed target with a derived origin type. */
  MPI_Datatype pair;
  OK(MPI_Type_contiguous(2, MPI_INT, &pair));
  OK(MPI_Type_commit(&pair));
  int two[2] = {7, 8};
  OK(MPI_Put(two, 1, pair, next, 2 * size - 2, 8, MPI_BYTE, win));
  OK(MPI_Win_fence(MPI_MODE_NOSUCCEED, win));
  int prev = (rank + size - 1) % size;
  CHECK(base[n - 2] == 7 && base[n - 1] == 8, "derived put from %d", prev);
  OK(MPI_Type_free(&pair));

  OK(MPI_Win_free(&win));
  CHECK(win == MPI_WIN_NULL, "win_free sets MPI_WIN_NULL");
  OK(MPI_Free_mem(base));
  OK(MPI_Finalize());
  if (rank == 0) printf("rma OK %d\n", size);
  return 0;
}
