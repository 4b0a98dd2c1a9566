// faasm-cc: --threads
// Failure paths, selected by argv[1]: traps and exits inside threads, and bad guest input.
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static volatile int about_to_trap;
static void *trap(void *arg) {
  (void)arg;
  __atomic_store_n(&about_to_trap, 1, __ATOMIC_SEQ_CST);
  __builtin_trap();
}
static void *exit_three(void *arg) { (void)arg; exit(3); }
static void *quick(void *arg) { return arg; }

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  pthread_t t;
  if (!strcmp(mode, "trap")) {
    pthread_create(&t, NULL, trap, NULL);
    pthread_join(t, NULL);
    return 0;
  }
  if (!strcmp(mode, "exit")) {
    pthread_create(&t, NULL, exit_three, NULL);
    pthread_join(t, NULL);
    return 0;
  }
  if (!strcmp(mode, "detached-trap")) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&t, &attr, trap, NULL);
    while (!__atomic_load_n(&about_to_trap, __ATOMIC_SEQ_CST)) {}
    struct timespec pause = {0, 100000000};
    nanosleep(&pause, NULL);
    return 0;
  }
  if (!strcmp(mode, "wild-mutex")) return pthread_mutex_lock((pthread_mutex_t *)0xfffffff0);
  if (!strcmp(mode, "unaligned-mutex")) return pthread_mutex_lock((pthread_mutex_t *)((char *)malloc(64) + 2));
  if (!strcmp(mode, "wild-cond")) return pthread_cond_signal((pthread_cond_t *)0x7ffffff0);
  if (!strcmp(mode, "wild-create")) return pthread_create((pthread_t *)0xfffffffc, NULL, quick, NULL);
  if (!strcmp(mode, "wild-join")) {
    pthread_create(&t, NULL, quick, NULL);
    return pthread_join(t, (void **)0xfffffffd);
  }
  if (!strcmp(mode, "relock")) {
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&m);
    return pthread_mutex_lock(&m);
  }
  if (!strcmp(mode, "codes")) {
    // Bad handles are errors, not traps.
    int bad = 0;
    bad += pthread_join((pthread_t)12345, NULL) != ESRCH;
    bad += pthread_detach((pthread_t)12345) != ESRCH;
    bad += pthread_key_delete(9999) != EINVAL;
    bad += pthread_setspecific(9999, NULL) != EINVAL;
    bad += pthread_getspecific(9999) != NULL;
    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    bad += pthread_mutex_unlock(&m) != EPERM;
    pthread_mutexattr_t ma = { 3 };
    bad += pthread_mutex_init(&m, &ma) != EINVAL;
    // errno (the overlay's plain global) works with -matomics
    errno = 0;
    strtol("99999999999999999999999", NULL, 10);
    bad += errno != ERANGE;
    printf("codes bad=%d\n", bad);
    return bad;
  }
  return 100;
}
