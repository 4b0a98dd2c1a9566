// faasm-cc: --threads -fopenmp
// C++ with the thread kit: the headers in C++ mode, new/delete (the locked allocator)
// from threads at once, and an OpenMP loop over a std::vector.
#include <cerrno>
#include <cstdio>
#include <omp.h>
#include <pthread.h>
#include <vector>

static void *churn(void *arg) {
  long sum = 0;
  for (int i = 0; i < 2000; i++) {
    std::vector<int> *v = new std::vector<int>(static_cast<size_t>(1 + i % 64), i);
    sum += (*v)[0];
    delete v;
  }
  return reinterpret_cast<void *>(sum + reinterpret_cast<long>(arg));
}

int main() {
  pthread_t a, b;
  pthread_create(&a, nullptr, churn, nullptr);
  pthread_create(&b, nullptr, churn, nullptr);
  void *ra, *rb;
  pthread_join(a, &ra);
  pthread_join(b, &rb);
  std::vector<long> squares(1000);
#pragma omp parallel for
  for (int i = 0; i < 1000; i++) squares[i] = static_cast<long>(i) * i;
  long total = 0;
  for (long s : squares) total += s;
  errno = 0;
  std::printf("cxx threads=%ld total=%ld errno=%d\n", reinterpret_cast<long>(ra) + reinterpret_cast<long>(rb), total, errno);
  return 0;
}
