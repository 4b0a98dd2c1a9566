#include <mpi.h>
#include "check.h"

/* Point-to-point: tags, MPI_ANY_SOURCE, MPI_ANY_TAG, Probe, Get_count, ordering,
 * Sendrecv, non-blocking with Waitall/Waitany, Request_free, MPI_PROC_NULL,
 * self messages, messages larger than a ring. */
int main(int argc, char** argv) {
  OK(MPI_Init(&argc, &argv));
  int rank, size;
  OK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  OK(MPI_Comm_size(MPI_COMM_WORLD, &size));
  check_rank = rank;
  MPI_Status st;

  /* Self send/recv. */
  int self = 42 + rank, got = 0;
  MPI_Request sreq;
  OK(MPI_Isend(&self, 1, MPI_INT, rank, 7, MPI_COMM_WORLD, &sreq));
  CHECK(sreq != MPI_REQUEST_NULL, "request id written into the slot");
  OK(MPI_Recv(&got, 1, MPI_INT, rank, 7, MPI_COMM_WORLD, &st));
  OK(MPI_Wait(&sreq, MPI_STATUS_IGNORE));
  CHECK(sreq == MPI_REQUEST_NULL, "wait sets MPI_REQUEST_NULL");
  CHECK(got == 42 + rank && st.MPI_SOURCE == rank && st.MPI_TAG == 7 && st.MPI_ERROR == 0 && st.bytesSize == 4, "self message");

  if (size > 1) {
    /* Tags select messages out of order; same-tag messages keep their order. */
    if (rank == 1) {
      for (int i = 0; i < 3; i++) { int v = 100 + i; OK(MPI_Send(&v, 1, MPI_INT, 0, 5, MPI_COMM_WORLD)); }
      int w = 999;
      OK(MPI_Rsend(&w, 1, MPI_INT, 0, 9, MPI_COMM_WORLD));
    } else if (rank == 0) {
      int v;
      OK(MPI_Recv(&v, 1, MPI_INT, 1, 9, MPI_COMM_WORLD, &st));
      CHECK(v == 999 && st.MPI_TAG == 9, "tag 9 first, got %d", v);
      for (int i = 0; i < 3; i++) {
        OK(MPI_Recv(&v, 1, MPI_INT, 1, MPI_ANY_TAG, MPI_COMM_WORLD, &st));
        CHECK(v == 100 + i && st.MPI_TAG == 5, "order kept: %d at %d", v, i);
      }
    }

    /* Everyone sends rank-tagged data to 0; 0 receives with ANY_SOURCE after Probe. */
    if (rank != 0) {
      int data[3] = {rank, rank * 2, rank * 3};
      OK(MPI_Send(data, rank % 3 + 1, MPI_INT, 0, 1000, MPI_COMM_WORLD));
    } else {
      int seen = 0;
      for (int i = 1; i < size; i++) {
        OK(MPI_Probe(MPI_ANY_SOURCE, 1000, MPI_COMM_WORLD, &st));
        int src = st.MPI_SOURCE, n = -1;
        CHECK(src >= 1 && src < size && st.MPI_TAG == 1000, "probe source %d tag %d", src, st.MPI_TAG);
        OK(MPI_Get_count(&st, MPI_INT, &n));
        CHECK(n == src % 3 + 1, "probe count %d for %d", n, src);
        int data[3] = {0, 0, 0};
        OK(MPI_Recv(data, 3, MPI_INT, MPI_ANY_SOURCE, st.MPI_TAG, MPI_COMM_WORLD, &st));
        CHECK(st.MPI_SOURCE == src && st.bytesSize == n * 4, "recv after probe");
        CHECK(data[0] == src && (n < 2 || data[1] == 2 * src), "data from %d", src);
        seen |= 1 << src;
      }
      CHECK(seen == ((1 << size) - 2), "all sources seen");
    }

    /* Ring exchange with Sendrecv. */
    int right = (rank + 1) % size, left = (rank + size - 1) % size, in = -1;
    OK(MPI_Sendrecv(&rank, 1, MPI_INT, right, 3, &in, 1, MPI_INT, left, 3, MPI_COMM_WORLD, &st));
    CHECK(in == left && st.MPI_SOURCE == left && st.MPI_TAG == 3, "sendrecv got %d", in);

    /* Non-blocking all-to-all with Waitall, then Waitany. */
    int* sendv = malloc(size * sizeof(int));
    int* recvv = malloc(size * sizeof(int));
    MPI_Request* reqs = malloc(2 * size * sizeof(MPI_Request));
    MPI_Status* sts = malloc(2 * size * sizeof(MPI_Status));
    int nreq = 0;
    for (int p = 0; p < size; p++) {
      recvv[p] = -1;
      OK(MPI_Irecv(&recvv[p], 1, MPI_INT, p, 11, MPI_COMM_WORLD, &reqs[nreq++]));
    }
    for (int p = 0; p < size; p++) {
      sendv[p] = rank * 1000 + p;
      OK(MPI_Isend(&sendv[p], 1, MPI_INT, p, 11, MPI_COMM_WORLD, &reqs[nreq++]));
    }
    OK(MPI_Waitall(nreq, reqs, sts));
    for (int p = 0; p < size; p++) {
      CHECK(recvv[p] == p * 1000 + rank, "waitall data from %d: %d", p, recvv[p]);
      CHECK(sts[p].MPI_SOURCE == p && sts[p].MPI_TAG == 11 && sts[p].bytesSize == 4, "waitall status %d", p);
      CHECK(reqs[p] == MPI_REQUEST_NULL, "waitall nulls requests");
    }
    nreq = 0;
    for (int p = 0; p < size; p++) OK(MPI_Irecv(&recvv[p], 1, MPI_INT, p, 12, MPI_COMM_WORLD, &reqs[nreq++]));
    for (int p = 0; p < size; p++) OK(MPI_Send(&sendv[p], 1, MPI_INT, p, 12, MPI_COMM_WORLD));
    int done = 0, mask = 0;
    while (1) {
      int idx = -5;
      OK(MPI_Waitany(nreq, reqs, &idx, &st));
      if (idx == MPI_UNDEFINED) break;
      CHECK(idx >= 0 && idx < size && !(mask & (1 << idx)), "waitany index %d", idx);
      CHECK(st.MPI_SOURCE == idx && recvv[idx] == idx * 1000 + rank, "waitany data");
      mask |= 1 << idx;
      done++;
    }
    CHECK(done == size, "waitany completed %d", done);

    /* Request_free on a send: the message still arrives. */
    if (rank == 0) {
      static int v = 77;
      MPI_Request r;
      OK(MPI_Isend(&v, 1, MPI_INT, 1, 13, MPI_COMM_WORLD, &r));
      OK(MPI_Request_free(&r));
      CHECK(r == MPI_REQUEST_NULL, "request_free nulls");
    } else if (rank == 1) {
      int v = 0;
      OK(MPI_Recv(&v, 1, MPI_INT, 0, 13, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
      CHECK(v == 77, "freed send arrived");
    }

    /* A 3 MiB message (larger than any ring) both ways at once, non-blocking. */
    int big = 3 * 1024 * 1024 / 8;
    double* out = malloc(big * sizeof(double));
    double* back = malloc(big * sizeof(double));
    for (int k = 0; k < big; k++) out[k] = rank * 1e6 + k;
    if (rank < 2) {
      int peer = 1 - rank;
      MPI_Request rr[2];
      OK(MPI_Isend(out, big, MPI_DOUBLE, peer, 21, MPI_COMM_WORLD, &rr[0]));
      OK(MPI_Irecv(back, big, MPI_DOUBLE, peer, 21, MPI_COMM_WORLD, &rr[1]));
      OK(MPI_Waitall(2, rr, MPI_STATUSES_IGNORE));
      for (int k = 0; k < big; k += 997) CHECK(back[k] == peer * 1e6 + k, "big message at %d", k);
      CHECK(back[big - 1] == peer * 1e6 + big - 1, "big message end");
    }
    free(out); free(back); free(sendv); free(recvv); free(reqs); free(sts);
  }

  /* MPI_PROC_NULL: completes at once. */
  int x = 5;
  OK(MPI_Send(&x, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD));
  OK(MPI_Recv(&x, 1, MPI_INT, MPI_PROC_NULL, 0, MPI_COMM_WORLD, &st));
  CHECK(st.MPI_SOURCE == MPI_PROC_NULL && st.bytesSize == 0 && x == 5, "proc null");

  /* Get_count on a non-multiple size: Faasm's error, and MPI_UNDEFINED. */
  MPI_Status fake = {0, 0, 0, 6};
  int n = 0;
  CHECK(MPI_Get_count(&fake, MPI_INT, &n) == MPI_ERR_OTHER && n == MPI_UNDEFINED, "get_count non-multiple");
  OK(MPI_Get_count(&fake, MPI_INT16_T, &n));
  CHECK(n == 3, "get_count int16");

  OK(MPI_Finalize());
  if (rank == 0) printf("p2p OK %d\n", size);
  return 0;
}
