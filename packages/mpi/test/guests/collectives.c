#include <mpi.h>
#include "check.h"

/* Every collective against a serial reference, with MPI_IN_PLACE and a derived
 * contiguous type. Rank r contributes values v(r, i) every rank can compute. */
static int v(int r, int i) { return r * 1000 + i; }

int main(int argc, char** argv) {
  OK(MPI_Init(&argc, &argv));
  int rank, size;
  OK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  OK(MPI_Comm_size(MPI_COMM_WORLD, &size));
  check_rank = rank;
  for (int k = 0; k < 3; k++) OK(MPI_Barrier(MPI_COMM_WORLD));

  int* a = malloc(64 * size * sizeof(int));
  int* b = malloc(64 * size * sizeof(int));

  for (int root = 0; root < size; root++) {
    /* Bcast */
    for (int i = 0; i < 5; i++) a[i] = rank == root ? v(root, i) : -1;
    OK(MPI_Bcast(a, 5, MPI_INT, root, MPI_COMM_WORLD));
    for (int i = 0; i < 5; i++) CHECK(a[i] == v(root, i), "bcast root %d", root);

    /* Scatter: root sends 3 items to each rank. */
    for (int i = 0; i < 3 * size; i++) a[i] = v(root, i);
    for (int i = 0; i < 3; i++) b[i] = -1;
    OK(MPI_Scatter(a, 3, MPI_INT, b, 3, MPI_INT, root, MPI_COMM_WORLD));
    for (int i = 0; i < 3; i++) CHECK(b[i] == v(root, rank * 3 + i), "scatter root %d", root);
    if (rank == root) OK(MPI_Scatter(a, 3, MPI_INT, MPI_IN_PLACE, 3, MPI_INT, root, MPI_COMM_WORLD));
    else OK(MPI_Scatter(NULL, 0, MPI_INT, b, 3, MPI_INT, root, MPI_COMM_WORLD));
    if (rank != root) for (int i = 0; i < 3; i++) CHECK(b[i] == v(root, rank * 3 + i), "scatter in place");

    /* Gather: 2 items from each rank. */
    int mine[2] = {v(rank, 0), v(rank, 1)};
    for (int i = 0; i < 2 * size; i++) b[i] = -1;
    OK(MPI_Gather(mine, 2, MPI_INT, b, 2, MPI_INT, root, MPI_COMM_WORLD));
    if (rank == root) for (int r = 0; r < size; r++) CHECK(b[2 * r] == v(r, 0) && b[2 * r + 1] == v(r, 1), "gather root %d from %d", root, r);
    if (rank == root) {
      for (int i = 0; i < 2 * size; i++) b[i] = -1;
      b[2 * root] = mine[0];
      b[2 * root + 1] = mine[1];
      OK(MPI_Gather(MPI_IN_PLACE, 2, MPI_INT, b, 2, MPI_INT, root, MPI_COMM_WORLD));
      for (int r = 0; r < size; r++) CHECK(b[2 * r] == v(r, 0), "gather in place");
    } else {
      OK(MPI_Gather(mine, 2, MPI_INT, NULL, 0, MPI_INT, root, MPI_COMM_WORLD));
    }

    /* Reduce (SUM) and in place at the root. */
    int s[4] = {v(rank, 0), v(rank, 1), v(rank, 2), v(rank, 3)}, out[4] = {0, 0, 0, 0};
    OK(MPI_Reduce(s, out, 4, MPI_INT, MPI_SUM, root, MPI_COMM_WORLD));
    if (rank == root)
      for (int i = 0; i < 4; i++) {
        int want = 0;
        for (int r = 0; r < size; r++) want += v(r, i);
        CHECK(out[i] == want, "reduce root %d item %d: %d != %d", root, i, out[i], want);
      }
    if (rank == root) OK(MPI_Reduce(MPI_IN_PLACE, s, 4, MPI_INT, MPI_MAX, root, MPI_COMM_WORLD));
    else OK(MPI_Reduce(s, NULL, 4, MPI_INT, MPI_MAX, root, MPI_COMM_WORLD));
    if (rank == root) CHECK(s[0] == v(size - 1, 0), "reduce in place max");
  }

  /* Allgather and in place. */
  int two[2] = {v(rank, 0), v(rank, 1)};
  OK(MPI_Allgather(two, 2, MPI_INT, a, 2, MPI_INT, MPI_COMM_WORLD));
  for (int r = 0; r < size; r++) CHECK(a[2 * r] == v(r, 0) && a[2 * r + 1] == v(r, 1), "allgather %d", r);
  for (int i = 0; i < 2 * size; i++) a[i] = -1;
  a[2 * rank] = two[0];
  a[2 * rank + 1] = two[1];
  OK(MPI_Allgather(MPI_IN_PLACE, 0, MPI_INT, a, 2, MPI_INT, MPI_COMM_WORLD));
  for (int r = 0; r < size; r++) CHECK(a[2 * r + 1] == v(r, 1), "allgather in place %d", r);

  /* Allgatherv: rank r gives r+1 items at displacement 2r+r(r+1)/2 (gaps between blocks). */
  int* counts = malloc(size * sizeof(int));
  int* displs = malloc(size * sizeof(int));
  int total = 0;
  for (int r = 0; r < size; r++) {
    counts[r] = r + 1;
    displs[r] = total + r;
    total = displs[r] + counts[r];
  }
  int* gv = malloc((total + 1) * sizeof(int));
  for (int i = 0; i < total; i++) gv[i] = -7;
  int* myv = malloc(size * sizeof(int));
  for (int i = 0; i <= rank; i++) myv[i] = v(rank, i);
  OK(MPI_Allgatherv(myv, rank + 1, MPI_INT, gv, counts, displs, MPI_INT, MPI_COMM_WORLD));
  for (int r = 0; r < size; r++) {
    for (int i = 0; i < counts[r]; i++) CHECK(gv[displs[r] + i] == v(r, i), "allgatherv %d %d", r, i);
    if (r > 0) CHECK(gv[displs[r] - 1] == -7, "allgatherv gap untouched");
  }
  for (int i = 0; i < total; i++) gv[i] = i >= displs[rank] && i < displs[rank] + counts[rank] ? v(rank, i - displs[rank]) : -7;
  OK(MPI_Allgatherv(MPI_IN_PLACE, 0, MPI_INT, gv, counts, displs, MPI_INT, MPI_COMM_WORLD));
  for (int r = 0; r < size; r++) for (int i = 0; i < counts[r]; i++) CHECK(gv[displs[r] + i] == v(r, i), "allgatherv in place %d %d", r, i);

  /* Allreduce small, in place, and large (ring path), and with a derived type. */
  double d[3] = {rank + 0.5, -rank, rank * 2.0}, dr[3];
  OK(MPI_Allreduce(d, dr, 3, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
  double sum = 0;
  for (int r = 0; r < size; r++) sum += r;
  CHECK(dr[0] == sum + 0.5 * size && dr[1] == -sum && dr[2] == 2 * sum, "allreduce small");
  OK(MPI_Allreduce(MPI_IN_PLACE, d, 3, MPI_DOUBLE, MPI_MIN, MPI_COMM_WORLD));
  CHECK(d[0] == 0.5 && d[1] == -(size - 1) && d[2] == 0, "allreduce in place");
  int big = 1024 * 1024 / 8 + 3;
  double* x = malloc(big * sizeof(double));
  double* y = malloc(big * sizeof(double));
  for (int i = 0; i < big; i++) x[i] = rank + i;
  OK(MPI_Allreduce(x, y, big, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
  for (int i = 0; i < big; i += 1 + i / 3) CHECK(y[i] == sum + (double)i * size, "allreduce big at %d: %f", i, y[i]);
  CHECK(y[big - 1] == sum + (double)(big - 1) * size, "allreduce big end");
  /* Large, in place (the ring stages what it receives) and on integer kernels. */
  OK(MPI_Allreduce(MPI_IN_PLACE, y, big, MPI_DOUBLE, MPI_SUM, MPI_COMM_WORLD));
  for (int i = 0; i < big; i += 1 + i / 3) CHECK(y[i] == size * (sum + (double)i * size), "allreduce big in place at %d: %f", i, y[i]);
  CHECK(y[big - 1] == size * (sum + (double)(big - 1) * size), "allreduce big in place end");
  int ni = 70001;
  int* ia = malloc(ni * sizeof(int));
  int* ib = malloc(ni * sizeof(int));
  for (int i = 0; i < ni; i++) ia[i] = (rank - 1) * i;
  OK(MPI_Allreduce(ia, ib, ni, MPI_INT, MPI_MIN, MPI_COMM_WORLD));
  for (int i = 0; i < ni; i++) CHECK(ib[i] == -i, "allreduce big int min at %d: %d", i, ib[i]);
  long long* la = malloc(ni * sizeof(long long));
  long long* lb = malloc(ni * sizeof(long long));
  for (int i = 0; i < ni; i++) la[i] = (long long)(rank + 3) * (i + 1) * 1000003LL;
  OK(MPI_Allreduce(la, lb, ni, MPI_LONG_LONG, MPI_PROD, MPI_COMM_WORLD));
  for (int i = 0; i < ni; i++) {
    unsigned long long want = 1;
    for (int r = 0; r < size; r++) want *= (unsigned long long)(r + 3) * (i + 1) * 1000003ULL;
    CHECK((unsigned long long)lb[i] == want, "allreduce big long long prod (wraps) at %d", i);
  }
  free(ia);
  free(ib);
  free(la);
  free(lb);
  MPI_Datatype quad;
  OK(MPI_Type_contiguous(4, MPI_DOUBLE, &quad));
  OK(MPI_Type_commit(&quad));
  int qs = 0;
  OK(MPI_Type_size(quad, &qs));
  CHECK(qs == 32, "type size %d", qs);
  OK(MPI_Allreduce(x, y, (big - 3) / 4, quad, MPI_MAX, MPI_COMM_WORLD));
  CHECK(y[0] == size - 1 && y[big - 4] == size - 1 + big - 4, "allreduce derived");
  for (int i = 0; i < 8; i++) x[i] = rank == 0 ? i * 1.5 : 0;
  OK(MPI_Bcast(x, 2, quad, 0, MPI_COMM_WORLD));
  CHECK(x[7] == 7 * 1.5, "bcast derived");
  OK(MPI_Type_free(&quad));

  /* Reduce_scatter: rank r gets r+1 items of the element-wise sum. */
  int rtotal = size * (size + 1) / 2;
  int* rs = malloc(rtotal * sizeof(int));
  int* rso = malloc(size * sizeof(int));
  for (int i = 0; i < rtotal; i++) rs[i] = v(rank, i);
  OK(MPI_Reduce_scatter(rs, rso, counts, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
  int off = rank * (rank + 1) / 2;
  for (int i = 0; i <= rank; i++) {
    int want = 0;
    for (int r = 0; r < size; r++) want += v(r, off + i);
    CHECK(rso[i] == want, "reduce_scatter %d", i);
  }
  OK(MPI_Reduce_scatter(MPI_IN_PLACE, rs, counts, MPI_INT, MPI_SUM, MPI_COMM_WORLD));
  CHECK(rs[0] == rso[0] || rank != 0, "reduce_scatter in place");

  /* Scan */
  long long sc = rank + 1, sco = 0;
  OK(MPI_Scan(&sc, &sco, 1, MPI_LONG_LONG, MPI_SUM, MPI_COMM_WORLD));
  CHECK(sco == (long long)(rank + 1) * (rank + 2) / 2, "scan %lld", sco);
  OK(MPI_Scan(MPI_IN_PLACE, &sc, 1, MPI_LONG_LONG, MPI_PROD, MPI_COMM_WORLD));
  long long fact = 1;
  for (int r = 1; r <= rank + 1; r++) fact *= r;
  CHECK(sc == fact, "scan in place prod");

  /* Alltoall (2 items per pair) and in place. */
  for (int p = 0; p < size; p++) { a[2 * p] = v(rank, p); a[2 * p + 1] = -v(rank, p); }
  OK(MPI_Alltoall(a, 2, MPI_INT, b, 2, MPI_INT, MPI_COMM_WORLD));
  for (int p = 0; p < size; p++) CHECK(b[2 * p] == v(p, rank) && b[2 * p + 1] == -v(p, rank), "alltoall from %d", p);
  OK(MPI_Alltoall(MPI_IN_PLACE, 0, MPI_INT, a, 2, MPI_INT, MPI_COMM_WORLD));
  for (int p = 0; p < size; p++) CHECK(a[2 * p] == v(p, rank), "alltoall in place from %d", p);

  /* Alltoallv: rank r sends p+1 items to rank p. */
  int *sc2 = malloc(size * sizeof(int)), *sd = malloc(size * sizeof(int)), *rc = malloc(size * sizeof(int)), *rd = malloc(size * sizeof(int));
  int so = 0, ro = 0;
  for (int p = 0; p < size; p++) {
    sc2[p] = p + 1; sd[p] = so; so += p + 1;
    rc[p] = rank + 1; rd[p] = ro; ro += rank + 1;
  }
  int* sv = malloc(so * sizeof(int));
  int* rv = malloc(ro * sizeof(int));
  for (int p = 0; p < size; p++) for (int i = 0; i <= p; i++) sv[sd[p] + i] = v(rank, p * 10 + i);
  OK(MPI_Alltoallv(sv, sc2, sd, MPI_INT, rv, rc, rd, MPI_INT, MPI_COMM_WORLD));
  for (int p = 0; p < size; p++) for (int i = 0; i <= rank; i++) CHECK(rv[rd[p] + i] == v(p, rank * 10 + i), "alltoallv from %d", p);
  /* Alltoallv in place: the same counts both ways (rank r exchanges r+p+1 items with p). */
  int io = 0;
  for (int p = 0; p < size; p++) { rc[p] = rank + p + 1; rd[p] = io; io += rc[p]; }
  int* iv = malloc(io * sizeof(int));
  for (int p = 0; p < size; p++) for (int i = 0; i < rc[p]; i++) iv[rd[p] + i] = v(rank, p * 100 + i);
  OK(MPI_Alltoallv(MPI_IN_PLACE, NULL, NULL, MPI_INT, iv, rc, rd, MPI_INT, MPI_COMM_WORLD));
  for (int p = 0; p < size; p++) for (int i = 0; i < rc[p]; i++) CHECK(iv[rd[p] + i] == v(p, rank * 100 + i), "alltoallv in place from %d", p);

  OK(MPI_Finalize());
  if (rank == 0) printf("collectives OK %d\n", size);
  return 0;
}
