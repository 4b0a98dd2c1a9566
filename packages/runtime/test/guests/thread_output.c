// faasm-cc: --threads
// Output from every thread of a team: each thread writes one line to stdout and one to
// stderr (write(2): wasi-libc's stdio buffers are not thread-safe), the main thread
// writes before and after. With captured stdout the call's output holds all of it.
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void put(int fd, const char* text) { write(fd, text, strlen(text)); }

static void* body(void* arg) {
  char line[64];
  snprintf(line, sizeof line, "thread %d out\n", (int)(long)arg);
  put(1, line);
  snprintf(line, sizeof line, "thread %d err\n", (int)(long)arg);
  put(2, line);
  return 0;
}

int main(void) {
  put(1, "main start\n");
  pthread_t t[3];
  for (long i = 0; i < 3; i++)
    if (pthread_create(&t[i], 0, body, (void*)i) != 0) return 1;
  for (int i = 0; i < 3; i++) pthread_join(t[i], 0);
  put(1, "main end\n");
  return 0;
}
