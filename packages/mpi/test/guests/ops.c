#include <mpi.h>
#include <stdbool.h>
#include <stdint.h>
#include "check.h"

/* Every predefined op on every predefined type where MPI 4.x §6.9.2 defines it,
 * against a serial left fold, plus user ops (commutative and not). */
#define N 5
enum { OMAX, OMIN, OSUM, OPROD, OLAND, OLOR, OBAND, OBOR };
static MPI_Op op_of(int o) {
  MPI_Op ops[] = {MPI_MAX, MPI_MIN, MPI_SUM, MPI_PROD, MPI_LAND, MPI_LOR, MPI_BAND, MPI_BOR};
  return ops[o];
}

#define FOLD(T, o, a, b)                          \
  ((o) == OMAX ? ((a) > (b) ? (a) : (b))           \
   : (o) == OMIN ? ((a) < (b) ? (a) : (b))         \
   : (o) == OSUM ? (T)((a) + (b))                  \
   : (o) == OPROD ? (T)((a) * (b))                 \
   : (o) == OLAND ? (T)((a) && (b))                \
   : (o) == OLOR ? (T)((a) || (b))                 \
   : (o) == OBAND ? (T)((a) & (b))                 \
   : (T)((a) | (b)))

#define FFOLD(T, o, a, b)                         \
  ((o) == OMAX ? ((a) > (b) ? (a) : (b))           \
   : (o) == OMIN ? ((a) < (b) ? (a) : (b))         \
   : (o) == OSUM ? (T)((a) + (b))                  \
   : (T)((a) * (b)))

#define INT_TEST(T, MT, FIRST, LAST)                                               \
  static int test_##T(int rank, int size) {                                        \
    int tested = 0;                                                                \
    for (int o = FIRST; o <= LAST; o++) {                                          \
      T in[N], out[N], want[N];                                                    \
      for (int i = 0; i < N; i++) {                                                \
        in[i] = (T)((rank * 7 + i * 3) % 11 - 4);                                  \
        want[i] = (T)((0 * 7 + i * 3) % 11 - 4);                                   \
        for (int r = 1; r < size; r++) {                                           \
          T x = (T)((r * 7 + i * 3) % 11 - 4);                                     \
          want[i] = FOLD(T, o, want[i], x);                                        \
        }                                                                          \
      }                                                                            \
      OK(MPI_Allreduce(in, out, N, MT, op_of(o), MPI_COMM_WORLD));                 \
      for (int i = 0; i < N; i++) CHECK(out[i] == want[i], "%s op %d item %d", #MT, o, i); \
      OK(MPI_Reduce(in, out, N, MT, op_of(o), size - 1, MPI_COMM_WORLD));          \
      if (rank == size - 1)                                                        \
        for (int i = 0; i < N; i++) CHECK(out[i] == want[i], "reduce %s op %d", #MT, o); \
      tested++;                                                                    \
    }                                                                              \
    return tested;                                                                 \
  }

typedef long long longlong;
typedef unsigned int uint;
typedef unsigned char byte;
INT_TEST(int8_t, MPI_INT8_T, OMAX, OBOR)
INT_TEST(int16_t, MPI_INT16_T, OMAX, OBOR)
INT_TEST(int32_t, MPI_INT32_T, OMAX, OBOR)
INT_TEST(int, MPI_INT, OMAX, OBOR)
INT_TEST(int64_t, MPI_INT64_T, OMAX, OBOR)
INT_TEST(uint8_t, MPI_UINT8_T, OMAX, OBOR)
INT_TEST(uint16_t, MPI_UINT16_T, OMAX, OBOR)
INT_TEST(uint32_t, MPI_UINT32_T, OMAX, OBOR)
INT_TEST(uint, MPI_UNSIGNED, OMAX, OBOR)
INT_TEST(uint64_t, MPI_UINT64_T, OMAX, OBOR)
INT_TEST(long, MPI_LONG, OMAX, OBOR)
INT_TEST(longlong, MPI_LONG_LONG, OMAX, OBOR)
INT_TEST(bool, MPI_C_BOOL, OLAND, OLOR)
INT_TEST(byte, MPI_BYTE, OBAND, OBOR)

#define FLOAT_TEST(T, MT)                                                          \
  static int test_##T(int rank, int size) {                                        \
    for (int o = OMAX; o <= OPROD; o++) {                                          \
      T in[N], out[N], want[N];                                                    \
      for (int i = 0; i < N; i++) {                                                \
        in[i] = (T)((rank + i) % 3) - 0.5;                                         \
        want[i] = (T)(i % 3) - 0.5;                                                \
        for (int r = 1; r < size; r++) want[i] = FFOLD(T, o, want[i], (T)((r + i) % 3) - 0.5); \
      }                                                                            \
      OK(MPI_Allreduce(in, out, N, MT, op_of(o), MPI_COMM_WORLD));                 \
      for (int i = 0; i < N; i++) CHECK(out[i] == want[i], "%s op %d item %d: %f != %f", #MT, o, i, (double)out[i], (double)want[i]); \
    }                                                                              \
    return 4;                                                                      \
  }
FLOAT_TEST(float, MPI_FLOAT)
FLOAT_TEST(double, MPI_DOUBLE)

struct dint { double v; int i; };

/* Non-commutative: 2x2 integer matrices, inout := in * inout (in holds lower ranks). */
static void matmul(void* in, void* inout, int* len, MPI_Datatype* type) {
  int* a = in;
  int* b = inout;
  for (int k = 0; k < *len; k++, a += 4, b += 4) {
    int c[4] = {a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]};
    memcpy(b, c, sizeof c);
  }
}
static MPI_Datatype seen_type;
static void absmax(void* in, void* inout, int* len, MPI_Datatype* type) {
  seen_type = *type;
  int* a = in;
  int* b = inout;
  for (int k = 0; k < *len; k++) if (abs(a[k]) > abs(b[k])) b[k] = a[k];
}
static void mat_of(int r, int* m) { m[0] = 1; m[1] = r % 3; m[2] = (r + 1) % 2; m[3] = 1; }

int main(int argc, char** argv) {
  OK(MPI_Init(&argc, &argv));
  int rank, size;
  OK(MPI_Comm_rank(MPI_COMM_WORLD, &rank));
  OK(MPI_Comm_size(MPI_COMM_WORLD, &size));
  check_rank = rank;
  int combos = 0;
  combos += test_int8_t(rank, size) + test_int16_t(rank, size) + test_int32_t(rank, size) + test_int(rank, size);
  combos += test_int64_t(rank, size) + test_uint8_t(rank, size) + test_uint16_t(rank, size) + test_uint32_t(rank, size);
  combos += test_uint(rank, size) + test_uint64_t(rank, size) + test_long(rank, size) + test_longlong(rank, size);
  combos += test_bool(rank, size) + test_byte(rank, size) + test_float(rank, size) + test_double(rank, size);
  /* MPI_LONG_LONG_INT is MPI_LONG_LONG's alias type id 13. */
  long long ll = rank, llo = 0;
  OK(MPI_Allreduce(&ll, &llo, 1, MPI_LONG_LONG_INT, MPI_SUM, MPI_COMM_WORLD));
  CHECK(llo == (long long)size * (size - 1) / 2, "long long int");
  combos += 1;

  /* MAXLOC / MINLOC on DOUBLE_INT: ties take the lower index. */
  struct dint di[2] = {{(double)(rank % 3), rank}, {-(double)(rank % 2), rank}}, dout[2];
  OK(MPI_Allreduce(di, dout, 2, MPI_DOUBLE_INT, MPI_MAXLOC, MPI_COMM_WORLD));
  double maxv = size > 2 ? 2 : size - 1;
  CHECK(dout[0].v == maxv && dout[0].i == (int)maxv, "maxloc %f %d", dout[0].v, dout[0].i);
  CHECK(dout[1].v == 0 && dout[1].i == 0, "maxloc tie lowest index");
  OK(MPI_Allreduce(di, dout, 2, MPI_DOUBLE_INT, MPI_MINLOC, MPI_COMM_WORLD));
  CHECK(dout[0].v == 0 && dout[0].i == 0, "minloc");
  CHECK(dout[1].v == (size > 1 ? -1 : 0) && dout[1].i == (size > 1 ? 1 : 0), "minloc 2");
  combos += 2;

  /* User ops. */
  MPI_Op mm, am;
  OK(MPI_Op_create(matmul, 0, &mm));
  OK(MPI_Op_create(absmax, 1, &am));
  MPI_Datatype mat;
  OK(MPI_Type_contiguous(4, MPI_INT, &mat));
  OK(MPI_Type_commit(&mat));
  int want[4] = {1, 0, 0, 1};
  for (int r = 0; r < size; r++) {
    int m[4];
    mat_of(r, m);
    int one = 1;
    matmul(want, m, &one, &mat);
    memcpy(want, m, sizeof m);
  }
  int m[4], res[4] = {0, 0, 0, 0};
  mat_of(rank, m);
  OK(MPI_Reduce(m, res, 1, mat, mm, 0, MPI_COMM_WORLD));
  if (rank == 0) CHECK(memcmp(res, want, sizeof want) == 0, "user reduce non-commutative %d %d %d %d", res[0], res[1], res[2], res[3]);
  OK(MPI_Allreduce(m, res, 1, mat, mm, MPI_COMM_WORLD));
  CHECK(memcmp(res, want, sizeof want) == 0, "user allreduce non-commutative");
  int pre[4] = {1, 0, 0, 1};
  for (int r = 0; r <= rank; r++) {
    int q[4];
    mat_of(r, q);
    int one = 1;
    matmul(pre, q, &one, &mat);
    memcpy(pre, q, sizeof q);
  }
  OK(MPI_Scan(m, res, 1, mat, mm, MPI_COMM_WORLD));
  CHECK(memcmp(res, pre, sizeof pre) == 0, "user scan non-commutative");
  int vals[3] = {rank - 2, -rank, rank % 2}, vout[3];
  OK(MPI_Allreduce(vals, vout, 3, MPI_INT, am, MPI_COMM_WORLD));
  CHECK(vout[1] == -(size - 1), "user commutative absmax %d", vout[1]);
  seen_type = MPI_DATATYPE_NULL;
  OK(MPI_Reduce(vals, vout, 3, MPI_INT, am, 0, MPI_COMM_WORLD));
  CHECK(rank != 0 || size == 1 || seen_type == MPI_INT, "user op receives the datatype handle");
  OK(MPI_Op_free(&mm));
  OK(MPI_Op_free(&am));
  CHECK(mm == MPI_OP_NULL, "op_free sets MPI_OP_NULL");
  OK(MPI_Type_free(&mat));
  CHECK(mat == MPI_DATATYPE_NULL, "type_free sets MPI_DATATYPE_NULL");
  combos += 3;

  OK(MPI_Finalize());
  if (rank == 0) printf("ops OK %d combos %d\n", size, combos);
  return 0;
}
