/* A guest written against Faasm's ABI without the SDK's mpi.h (as a guest built with
 * Faasm's own header is): its own handle structs, imports declared by hand, and no
 * __faasm_mpi_handles export, so the host must fall back to allocating null handles. */
#include <stdio.h>
#include <stdlib.h>

struct comm { int id; };
struct dtype { int id; int size; };
struct op { int id; };
struct status { int source, tag, error, bytes; };
struct comm world = {1}, null_comm = {2};
struct dtype int_type = {4, 4};
struct op sum_op = {3};

#define IMP(n) __attribute__((import_module("env"), import_name(#n)))
IMP(MPI_Init) int MPI_Init(int*, char***);
IMP(MPI_Finalize) int MPI_Finalize(void);
IMP(MPI_Comm_rank) int MPI_Comm_rank(struct comm*, int*);
IMP(MPI_Comm_size) int MPI_Comm_size(struct comm*, int*);
IMP(MPI_Comm_split) int MPI_Comm_split(struct comm*, int, int, struct comm**);
IMP(MPI_Isend) int MPI_Isend(const void*, int, struct dtype*, int, int, struct comm*, int*);
IMP(MPI_Recv) int MPI_Recv(void*, int, struct dtype*, int, int, struct comm*, struct status*);
IMP(MPI_Wait) int MPI_Wait(int*, struct status*);
IMP(MPI_Allreduce) int MPI_Allreduce(const void*, void*, int, struct dtype*, struct op*, struct comm*);

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "CHECK(%s) failed at %d\n", #c, __LINE__); return 3; } } while (0)

int main(int argc, char** argv) {
  CHECK(MPI_Init(&argc, &argv) == 0);
  int rank, size;
  CHECK(MPI_Comm_rank(&world, &rank) == 0);
  CHECK(MPI_Comm_size(&world, &size) == 0);
  int request = 0, v = rank + 1, got = 0;
  CHECK(MPI_Isend(&v, 1, &int_type, rank, 5, &world, &request) == 0);
  CHECK(request > 0); /* the request id is written straight into the slot */
  struct status st = {-9, -9, -9, -9};
  CHECK(MPI_Recv(&got, 1, &int_type, rank, 5, &world, &st) == 0);
  CHECK(got == rank + 1 && st.source == rank && st.tag == 5 && st.error == 0 && st.bytes == 4);
  CHECK(MPI_Wait(&request, 0) == 0 && request == 0);
  int total = 0;
  CHECK(MPI_Allreduce(&v, &total, 1, &int_type, &sum_op, &world) == 0);
  CHECK(total == size * (size + 1) / 2);
  struct comm* sub = 0;
  CHECK(MPI_Comm_split(&world, rank == 0 ? -1 : 0, 0, &sub) == 0);
  CHECK(sub != 0 && sub->id == (rank == 0 ? 2 : sub->id));
  CHECK(MPI_Finalize() == 0);
  if (rank == 0) printf("faasm abi OK %d\n", size);
  return 0;
}
