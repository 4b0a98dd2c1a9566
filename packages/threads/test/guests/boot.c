// faasm-cc: --threads
// One thread, for the worker boot-failure test.
#include <pthread.h>
static void *noop(void *arg) { return arg; }
int main(void) {
  pthread_t t;
  pthread_create(&t, NULL, noop, NULL);
  return pthread_join(t, NULL);
}
