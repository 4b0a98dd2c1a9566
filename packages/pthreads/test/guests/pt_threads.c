// faasm-cc: --threads
// pthread create/join/detach/exit/self/equal/once/keys and attributes.
// Exit code = number of failed checks.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d ", __func__, __LINE__); printf(__VA_ARGS__); printf("\n"); __atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST); } } while (0)

static _Thread_local int tls_value = 7;

static void *square(void *arg) {
  long v = (long)arg;
  CHECK(tls_value == 7, "fresh thread-local %d", tls_value);
  tls_value = (int)v;
  return (void *)(v * v);
}

static void *exits_early(void *arg) {
  pthread_exit((void *)((long)arg + 1));
  return NULL;
}

static volatile int flag;
static void *spinner(void *arg) {
  (void)arg;
  while (!__atomic_load_n(&flag, __ATOMIC_SEQ_CST)) {}
  return (void *)42;
}

static pthread_t seen_self;
static void *self_reporter(void *arg) {
  seen_self = pthread_self();
  *(pthread_t *)arg = pthread_self();
  return NULL;
}

static int once_runs;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static void once_init(void) { __atomic_fetch_add(&once_runs, 1, __ATOMIC_SEQ_CST); }
static void *call_once(void *arg) {
  (void)arg;
  pthread_once(&once, once_init);
  return NULL;
}

static pthread_key_t key;
static int destroyed_sum;
static void destructor(void *value) { __atomic_fetch_add(&destroyed_sum, (int)(long)value, __ATOMIC_SEQ_CST); }
static void *use_key(void *arg) {
  CHECK(pthread_getspecific(key) == NULL, "key starts NULL");
  pthread_setspecific(key, arg);
  CHECK(pthread_getspecific(key) == arg, "getspecific");
  return NULL;
}

static void *child(void *arg) { return (void *)((long)arg * 2); }
static void *parent(void *arg) {
  pthread_t c;
  void *r = NULL;
  if (pthread_create(&c, NULL, child, arg) != 0) return (void *)-1;
  pthread_join(c, &r);
  return r;
}

static volatile int detached_done;
static void *detached_worker(void *arg) {
  (void)arg;
  __atomic_store_n(&detached_done, 1, __ATOMIC_SEQ_CST);
  return NULL;
}

int main(void) {
  pthread_t t[8];
  void *result;
  for (long i = 0; i < 8; i++) CHECK(pthread_create(&t[i], NULL, square, (void *)i) == 0, "create %ld", i);
  for (long i = 0; i < 8; i++) {
    CHECK(pthread_join(t[i], &result) == 0, "join %ld", i);
    CHECK((long)result == i * i, "result %ld = %ld", i, (long)result);
  }
  CHECK(tls_value == 7, "main thread-local %d", tls_value);
  CHECK(pthread_join(t[0], NULL) != 0, "second join of a joined thread");

  CHECK(pthread_create(&t[0], NULL, exits_early, (void *)41) == 0, "create exits_early");
  CHECK(pthread_join(t[0], &result) == 0 && (long)result == 42, "pthread_exit value %ld", (long)result);

  // Real concurrency: the thread spins until main sets the flag.
  CHECK(pthread_create(&t[0], NULL, spinner, NULL) == 0, "create spinner");
  usleep(1000);
  __atomic_store_n(&flag, 1, __ATOMIC_SEQ_CST);
  CHECK(pthread_join(t[0], &result) == 0 && (long)result == 42, "spinner");

  pthread_t reported = 0;
  CHECK(pthread_create(&t[0], NULL, self_reporter, &reported) == 0, "create self");
  pthread_join(t[0], NULL);
  CHECK(pthread_equal(reported, t[0]) && pthread_equal(seen_self, t[0]), "pthread_self in thread");
  CHECK(!pthread_equal(pthread_self(), t[0]), "main is not the thread");
  CHECK(pthread_equal(pthread_self(), pthread_self()), "self equal");
  CHECK(pthread_join(pthread_self(), NULL) == EDEADLK, "join self");

  for (int i = 0; i < 4; i++) pthread_create(&t[i], NULL, call_once, NULL);
  pthread_once(&once, once_init);
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  CHECK(once_runs == 1, "once ran %d times", once_runs);

  CHECK(pthread_key_create(&key, destructor) == 0, "key_create");
  for (long i = 0; i < 4; i++) pthread_create(&t[i], NULL, use_key, (void *)(i + 1));
  for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
  CHECK(destroyed_sum == 10, "destructors saw %d", destroyed_sum);
  pthread_setspecific(key, (void *)5);
  CHECK(pthread_getspecific(key) == (void *)5, "main specific");
  CHECK(pthread_key_delete(key) == 0, "key_delete");
  CHECK(pthread_key_delete(key) == EINVAL, "key_delete twice");
  CHECK(pthread_setspecific(key, (void *)1) == EINVAL, "setspecific deleted key");

  pthread_attr_t attr;
  CHECK(pthread_attr_init(&attr) == 0, "attr_init");
  CHECK(pthread_attr_setstacksize(&attr, 256 * 1024) == 0, "setstacksize");
  CHECK(pthread_attr_setstacksize(&attr, 100) == EINVAL, "tiny stack");
  size_t size;
  pthread_attr_getstacksize(&attr, &size);
  CHECK(size == 256 * 1024, "getstacksize %zu", size);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  CHECK(pthread_create(&t[0], &attr, detached_worker, NULL) == 0, "create detached");
  CHECK(pthread_join(t[0], NULL) == EINVAL || pthread_join(t[0], NULL) == ESRCH, "join detached");
  while (!__atomic_load_n(&detached_done, __ATOMIC_SEQ_CST)) usleep(100);
  pthread_attr_destroy(&attr);

  CHECK(pthread_create(&t[0], NULL, square, (void *)3) == 0, "create to detach");
  CHECK(pthread_detach(t[0]) == 0, "detach");
  CHECK(pthread_detach(t[0]) == EINVAL || pthread_detach(t[0]) == ESRCH, "detach twice");

  // A thread that creates and joins its own thread.
  CHECK(pthread_create(&t[0], NULL, parent, (void *)21) == 0, "create parent");
  CHECK(pthread_join(t[0], &result) == 0 && (long)result == 42, "nested create/join %ld", (long)result);

  printf("pt_threads failures=%d\n", failures);
  return failures;
}
