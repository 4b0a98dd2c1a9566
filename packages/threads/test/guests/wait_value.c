// faasm-cc: --threads
// A value held across memory.atomic.wait32 in a thread: V8 11.3's Liftoff loses it
// (41 + wait() gives 1); with --no-liftoff, which every worker sets, it is 42.
#include <pthread.h>
#include <stdio.h>

static int word;

__attribute__((noinline)) static int add_wait(int x) {
  return x + __builtin_wasm_memory_atomic_wait32(&word, 1, 0);
}

static void *thread(void *arg) {
  return (void *)(long)add_wait((int)(long)arg);
}

int main(void) {
  pthread_t t;
  void *r;
  pthread_create(&t, NULL, thread, (void *)41L);
  pthread_join(t, &r);
  printf("thread=%ld main=%d\n", (long)r, add_wait(41));
  return 0;
}
