/* Self-checking helpers for the MPI test guests: a failed check prints where and
 * exits non-zero, which aborts the world naming this rank. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_rank = -1;

#define CHECK(cond, ...)                                                          \
  do {                                                                            \
    if (!(cond)) {                                                                \
      fprintf(stderr, "rank %d: %s:%d: CHECK(%s) failed: ", check_rank, __FILE__, \
              __LINE__, #cond);                                                   \
      fprintf(stderr, __VA_ARGS__);                                               \
      fprintf(stderr, "\n");                                                      \
      exit(3);                                                                    \
    }                                                                             \
  } while (0)

#define OK(call) CHECK((call) == MPI_SUCCESS, "%s", #call)
