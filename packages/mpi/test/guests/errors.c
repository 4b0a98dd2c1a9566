#include <mpi.h>
#include <stdlib.h>
#include "check.h"

/* Invalid arguments return the MPI error class (run with errors: 'return'). */
#define ERR(call, code) CHECK((call) == (code), "%s should return %s", #call, #code)

int main(int argc, char** argv) {
  int r0;
  ERR(MPI_Comm_rank(MPI_COMM_WORLD, &r0), MPI_ERR_OTHER); /* before MPI_Init */
  OK(MPI_Init(&argc, &argv));
  ERR(MPI_Init(&argc, &argv), MPI_ERR_OTHER);
  int rank, size;
  OK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  OK(MPI_Comm_size(MPI_COMM_WORLD, &size));
  check_rank = rank;
  int x[4] = {1, 2, 3, 4};

  /* Communicators */
  struct faabric_communicator_t fake = {999};
  ERR(MPI_Send(x, 1, MPI_INT, 0, 0, &fake), MPI_ERR_COMM);
  ERR(MPI_Send(x, 1, MPI_INT, 0, 0, MPI_COMM_NULL), MPI_ERR_COMM);
  ERR(MPI_Barrier((MPI_Comm)0), MPI_ERR_COMM);
  ERR(MPI_Barrier((MPI_Comm)0xfffffff0), MPI_ERR_COMM);
  MPI_Comm world = MPI_COMM_WORLD;
  ERR(MPI_Comm_free(&world), MPI_ERR_COMM);

  /* Datatypes */
  struct faabric_datatype_t bogus = {555, 4};
  ERR(MPI_Send(x, 1, MPI_DATATYPE_NULL, 0, 0, MPI_COMM_WORLD), MPI_ERR_TYPE);
  ERR(MPI_Send(x, 1, &bogus, 0, 0, MPI_COMM_WORLD), MPI_ERR_TYPE);
  MPI_Datatype pair;
  OK(MPI_Type_contiguous(2, MPI_INT, &pair));
  ERR(MPI_Send(x, 1, pair, 0, 0, MPI_COMM_WORLD), MPI_ERR_TYPE); /* not committed */
  MPI_Datatype predefined = MPI_INT;
  ERR(MPI_Type_free(&predefined), MPI_ERR_TYPE);

  /* Ranks, counts, tags, buffers, roots */
  ERR(MPI_Send(x, 1, MPI_INT, size, 0, MPI_COMM_WORLD), MPI_ERR_RANK);
  ERR(MPI_Send(x, 1, MPI_INT, -5, 0, MPI_COMM_WORLD), MPI_ERR_RANK);
  ERR(MPI_Recv(x, 1, MPI_INT, size + 3, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_ERR_RANK);
  ERR(MPI_Send(x, -1, MPI_INT, 0, 0, MPI_COMM_WORLD), MPI_ERR_COUNT);
  ERR(MPI_Send(x, 1, MPI_INT, 0, -3, MPI_COMM_WORLD), MPI_ERR_TAG);
  ERR(MPI_Recv(x, 1, MPI_INT, 0, -7, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_ERR_TAG);
  ERR(MPI_Send((void*)0x7ffffff0, 1 << 20, MPI_INT, 0, 0, MPI_COMM_WORLD), MPI_ERR_BUFFER);
  ERR(MPI_Recv((void*)0xfffffff0, 64, MPI_INT, 0, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE), MPI_ERR_BUFFER);
  ERR(MPI_Bcast(x, 1, MPI_INT, size, MPI_COMM_WORLD), MPI_ERR_ROOT);
  ERR(MPI_Allreduce((void*)0xfffffff0, x, 4, MPI_INT, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_BUFFER);
  /* Large allreduces (the ring that works in guest memory) check both buffers first. */
  int* big = malloc((1 << 18) * sizeof(int));
  ERR(MPI_Allreduce((void*)0xfff00000, big, 1 << 18, MPI_INT, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_BUFFER);
  ERR(MPI_Allreduce(big, (void*)0xfff00000, 1 << 18, MPI_INT, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_BUFFER);
  free(big);

  /* Ops */
  double d = 1, e = 0;
  ERR(MPI_Allreduce(&d, &e, 1, MPI_DOUBLE, MPI_LAND, MPI_COMM_WORLD), MPI_ERR_OP);
  ERR(MPI_Allreduce(x, x + 2, 1, MPI_CHAR, MPI_SUM, MPI_COMM_WORLD), MPI_ERR_OP);
  ERR(MPI_Allreduce(x, x + 2, 1, MPI_INT, MPI_MAXLOC, MPI_COMM_WORLD), MPI_ERR_OP);
  ERR(MPI_Allreduce(x, x + 2, 1, MPI_INT, MPI_OP_NULL, MPI_COMM_WORLD), MPI_ERR_OP);
  MPI_Op sum = MPI_SUM;
  ERR(MPI_Op_free(&sum), MPI_ERR_OP);

  /* Requests */
  MPI_Request fake_req = (MPI_Request)12345;
  ERR(MPI_Wait(&fake_req, MPI_STATUS_IGNORE), MPI_ERR_REQUEST);
  MPI_Request null_req = MPI_REQUEST_NULL;
  MPI_Status st;
  OK(MPI_Wait(&null_req, &st));
  CHECK(st.MPI_SOURCE == MPI_ANY_SOURCE && st.bytesSize == 0, "empty status");

  /* Truncation: the status says so too. */
  OK(MPI_Send(x, 4, MPI_INT, rank, 1, MPI_COMM_WORLD));
  int small[2] = {0, 0};
  ERR(MPI_Recv(small, 2, MPI_INT, rank, 1, MPI_COMM_WORLD, &st), MPI_ERR_TRUNCATE);
  CHECK(st.MPI_ERROR == MPI_ERR_TRUNCATE && st.bytesSize == 8 && small[1] == 2, "truncated status");

  /* Topologies and windows */
  int dims[2] = {size + 1, 1}, periods[2] = {0, 0};
  MPI_Comm cart;
  ERR(MPI_Cart_create(MPI_COMM_WORLD, 2, dims, periods, 0, &cart), MPI_ERR_DIMS);
  int cd[2], cp[2], cc[2];
  ERR(MPI_Cart_get(MPI_COMM_WORLD, 2, cd, cp, cc), MPI_ERR_TOPOLOGY);
  struct faabric_win_t fake_win = {0, 0, 0, 0, 0};
  ERR(MPI_Put(x, 1, MPI_INT, 0, 0, 1, MPI_INT, &fake_win), MPI_ERR_WIN);
  ERR(MPI_Win_fence(0, &fake_win), MPI_ERR_WIN);

  OK(MPI_Finalize());
  if (rank == 0) printf("errors OK %d\n", size);
  return 0;
}
