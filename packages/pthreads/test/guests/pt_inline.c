// A Faasm guest built without --threads (no shared memory) using the pthread imports:
// each thread runs to completion inside pthread_create.
#include <stdio.h>

int pthread_create(unsigned *thread, const void *attr, void *(*start)(void *), void *arg);
int pthread_join(unsigned thread, void **result);
int pthread_mutex_lock(void *mutex);
int pthread_mutex_unlock(void *mutex);
unsigned pthread_self(void);

static int mutex[6];
static int total;
static unsigned ids[4];

static void *work(void *arg) {
  long i = (long)arg;
  pthread_mutex_lock(mutex);
  total += (int)i;
  pthread_mutex_unlock(mutex);
  ids[i] = pthread_self();
  return (void *)(i * 10);
}

int main(int argc, char **argv) {
  if (argc > 1) {
    pthread_mutex_lock(mutex);
    return pthread_mutex_lock(mutex);
  }
  unsigned t[4];
  long sum = 0;
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, work, (void *)i);
  for (int i = 0; i < 4; i++) {
    void *r;
    pthread_join(t[i], &r);
    sum += (long)r;
  }
  int distinct = ids[0] != ids[1] && ids[1] != ids[2] && ids[2] != ids[3] && ids[0] != pthread_self();
  printf("inline sum=%ld total=%d distinct=%d\n", sum, total, distinct);
  return 0;
}
