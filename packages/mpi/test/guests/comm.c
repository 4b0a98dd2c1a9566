#include <mpi.h>
#include "check.h"

/* Environment, communicators (dup, split, free, c2f/f2c) and Cartesian topologies
 * in 1, 2 and 3 dimensions, periodic and not. */
static void cart(int rank, int size, int ndims, const int* dims, const int* periods) {
  MPI_Comm c;
  OK(MPI_Cart_create(MPI_COMM_WORLD, ndims, dims, periods, 0, &c));
  int cells = 1;
  for (int i = 0; i < ndims; i++) cells *= dims[i];
  if (rank >= cells) {
    CHECK(c == MPI_COMM_NULL, "ranks beyond the grid get MPI_COMM_NULL");
    return;
  }
  int cr, cs;
  OK(MPI_Comm_rank(c, &cr));
  OK(MPI_Comm_size(c, &cs));
  CHECK(cr == rank && cs == cells, "cart rank/size");
  int d[3], p[3], co[3];
  OK(MPI_Cart_get(c, 3, d, p, co));
  int r = rank;
  for (int i = ndims - 1; i >= 0; i--) {
    CHECK(d[i] == dims[i] && p[i] == (periods[i] != 0), "cart_get dims");
    CHECK(co[i] == r % dims[i], "row-major coords dim %d: %d", i, co[i]);
    r /= dims[i];
  }
  int back = -1;
  OK(MPI_Cart_rank(c, co, &back));
  CHECK(back == rank, "cart_rank round trip");
  for (int dir = 0; dir < ndims; dir++) {
    int src, dst;
    OK(MPI_Cart_shift(c, dir, 1, &src, &dst));
    int want_dst, want_src;
    int up[3], down[3];
    memcpy(up, co, sizeof up);
    memcpy(down, co, sizeof down);
    up[dir]++;
    down[dir]--;
    if (periods[dir]) {
      up[dir] %= dims[dir];
      down[dir] = (down[dir] + dims[dir]) % dims[dir];
    }
    if (up[dir] >= dims[dir]) want_dst = MPI_PROC_NULL; else OK(MPI_Cart_rank(c, up, &want_dst));
    if (down[dir] < 0) want_src = MPI_PROC_NULL; else OK(MPI_Cart_rank(c, down, &want_src));
    CHECK(src == want_src && dst == want_dst, "shift dir %d: %d %d (want %d %d)", dir, src, dst, want_src, want_dst);
    /* Halo exchange along the direction: PROC_NULL ends are no-ops. */
    int out = rank, in = -99;
    OK(MPI_Sendrecv(&out, 1, MPI_INT, dst, 4, &in, 1, MPI_INT, src, 4, c, MPI_STATUS_IGNORE));
    CHECK(in == (src == MPI_PROC_NULL ? -99 : src), "halo from %d got %d", src, in);
  }
  if (periods[0] && dims[0] > 1) {
    int wrap[3] = {co[0] + dims[0], ndims > 1 ? co[1] : 0, ndims > 2 ? co[2] : 0};
    if (ndims > 1 && !periods[1]) wrap[1] = co[1];
    int w = -1;
    OK(MPI_Cart_rank(c, wrap, &w));
    CHECK(w == rank, "periodic coordinates wrap");
  }
  OK(MPI_Barrier(c));
  OK(MPI_Comm_free(&c));
  CHECK(c == MPI_COMM_NULL, "comm_free sets MPI_COMM_NULL");
}

int main(int argc, char** argv) {
  int version = 0, sub = -1;
  OK(MPI_Get_version(&version, &sub));
  CHECK(version == 4 && sub == 0, "version");
  OK(MPI_Init(&argc, &argv));
  int rank, size;
  OK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  OK(MPI_Comm_size(MPI_COMM_WORLD, &size));
  check_rank = rank;

  char name[MPI_MAX_PROCESSOR_NAME];
  int len = 0;
  OK(MPI_Get_processor_name(name, &len));
  CHECK(len == (int)strlen(name) && len > 0, "processor name");
  double t0 = MPI_Wtime();
  CHECK(t0 > 1e9, "wtime is seconds since the epoch");
  CHECK(MPI_Wtime() >= t0, "wtime monotonic");

  /* Dup: same group, separate context (messages do not cross). */
  MPI_Comm dup;
  OK(MPI_Comm_dup(MPI_COMM_WORLD, &dup));
  int dr, ds;
  OK(MPI_Comm_rank(dup, &dr));
  OK(MPI_Comm_size(dup, &ds));
  CHECK(dr == rank && ds == size && dup != MPI_COMM_WORLD, "dup");
  int a = rank, b = -1;
  MPI_Request r1;
  OK(MPI_Irecv(&b, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, dup, &r1));
  int w = 1000 + rank, wg = -1;
  OK(MPI_Sendrecv(&w, 1, MPI_INT, (rank + 1) % size, 0, &wg, 1, MPI_INT, (rank + size - 1) % size, 0, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  CHECK(wg == 1000 + (rank + size - 1) % size, "world message not taken by dup receive");
  OK(MPI_Send(&a, 1, MPI_INT, (rank + 1) % size, 0, dup));
  OK(MPI_Wait(&r1, MPI_STATUS_IGNORE));
  CHECK(b == (rank + size - 1) % size, "dup message");

  /* c2f / f2c */
  MPI_Fint f = MPI_Comm_c2f(MPI_COMM_WORLD);
  CHECK(f == FAABRIC_COMM_WORLD, "c2f world");
  CHECK(MPI_Comm_f2c(f) == MPI_COMM_WORLD, "f2c world");
  CHECK(MPI_Comm_f2c(MPI_Comm_c2f(dup)) == dup, "f2c dup");

  /* Split by parity, reversed order by key; MPI_UNDEFINED for the last rank. */
  MPI_Comm half;
  int color = rank == size - 1 && size > 2 ? MPI_UNDEFINED : rank % 2;
  OK(MPI_Comm_split(MPI_COMM_WORLD, color, -rank, &half));
  if (color == MPI_UNDEFINED) {
    CHECK(half == MPI_COMM_NULL, "undefined color gets MPI_COMM_NULL");
  } else {
    int members = 0;
    for (int r = 0; r < size; r++) if (r % 2 == color && !(r == size - 1 && size > 2)) members++;
    int hr, hs;
    OK(MPI_Comm_rank(half, &hr));
    OK(MPI_Comm_size(half, &hs));
    CHECK(hs == members, "split size %d want %d", hs, members);
    int above = 0;
    for (int r = rank + 1; r < size; r++) if (r % 2 == color && !(r == size - 1 && size > 2)) above++;
    CHECK(hr == above, "split rank ordered by key: %d want %d", hr, above);
    int s = rank, t = 0;
    OK(MPI_Allreduce(&s, &t, 1, MPI_INT, MPI_SUM, half));
    int want = 0;
    for (int r = 0; r < size; r++) if (r % 2 == color && !(r == size - 1 && size > 2)) want += r;
    CHECK(t == want, "allreduce on split comm");
    OK(MPI_Bcast(&s, 1, MPI_INT, hs - 1, half));
    CHECK(s == color, "bcast on split from its last rank (world rank %d)", s);
    /* Point-to-point on the split communicator: sources are ranks in it. */
    if (hr != 0) {
      OK(MPI_Send(&hr, 1, MPI_INT, 0, 40 + hr, half));
    } else {
      for (int k = 1; k < hs; k++) {
        MPI_Status st;
        int from = -1;
        OK(MPI_Probe(MPI_ANY_SOURCE, MPI_ANY_TAG, half, &st));
        CHECK(st.MPI_SOURCE >= 1 && st.MPI_SOURCE < hs && st.MPI_TAG == 40 + st.MPI_SOURCE, "probe on split: %d", st.MPI_SOURCE);
        OK(MPI_Recv(&from, 1, MPI_INT, MPI_ANY_SOURCE, MPI_ANY_TAG, half, &st));
        CHECK(from == st.MPI_SOURCE && st.MPI_TAG == 40 + from, "comm rank in status: %d vs %d", from, st.MPI_SOURCE);
      }
    }
    OK(MPI_Comm_free(&half));
  }
  OK(MPI_Comm_free(&dup));

  /* Cartesian grids. */
  int d1[1] = {size}, p1[1] = {1}, np1[1] = {0};
  cart(rank, size, 1, d1, p1);
  cart(rank, size, 1, d1, np1);
  int d2[2] = {size >= 4 ? 2 : 1, size >= 4 ? size / 2 : size}, p2[2] = {1, 0};
  cart(rank, size, 2, d2, p2);
  int d3[3] = {size >= 8 ? 2 : 1, size >= 4 ? 2 : 1, size >= 8 ? 2 : (size >= 4 ? 2 : size)}, p3[3] = {0, 1, 1};
  cart(rank, size, 3, d3, p3);
  int d2b[2] = {size > 2 ? size - 1 : 1, 1}, p2b[2] = {1, 1};
  cart(rank, size, 2, d2b, p2b);

  /* Alloc_mem / Free_mem */
  int* mem = NULL;
  OK(MPI_Alloc_mem(4096, MPI_INFO_NULL, &mem));
  CHECK(mem != NULL, "alloc_mem");
  mem[1023] = 7;
  OK(MPI_Free_mem(mem));

  OK(MPI_Finalize());
  if (rank == 0) printf("comm OK %d\n", size);
  return 0;
}
