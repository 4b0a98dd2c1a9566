// faasm-cc: --threads
// Mutex kinds, condition variables (wait, signal, broadcast, timed wait), a
// producer/consumer queue, and malloc/free from two threads at once.
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d ", __func__, __LINE__); printf(__VA_ARGS__); printf("\n"); __atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST); } } while (0)

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long counter;
static void *add_many(void *arg) {
  for (int i = 0; i < 20000; i++) {
    pthread_mutex_lock(&counter_lock);
    counter++;
    pthread_mutex_unlock(&counter_lock);
  }
  return arg;
}

static pthread_mutex_t held;
static void *try_held(void *arg) {
  (void)arg;
  return (void *)(long)pthread_mutex_trylock(&held);
}
static void *unlock_foreign(void *arg) {
  return (void *)(long)pthread_mutex_unlock((pthread_mutex_t *)arg);
}

static int nthreads = 2;

static void mutexes(void) {
  pthread_t a, b, many[8];
  for (int i = 0; i < nthreads; i++) pthread_create(&many[i], NULL, add_many, NULL);
  add_many(NULL);
  for (int i = 0; i < nthreads; i++) pthread_join(many[i], NULL);
  CHECK(counter == 20000L * (nthreads + 1), "counter %ld", counter);

  pthread_mutexattr_t ma;
  pthread_mutexattr_init(&ma);
  pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_t rec;
  CHECK(pthread_mutex_init(&rec, &ma) == 0, "init recursive");
  CHECK(pthread_mutex_lock(&rec) == 0 && pthread_mutex_lock(&rec) == 0 && pthread_mutex_trylock(&rec) == 0, "recursive relock");
  CHECK(pthread_mutex_unlock(&rec) == 0 && pthread_mutex_unlock(&rec) == 0, "recursive unlock");
  CHECK(pthread_mutex_destroy(&rec) == EBUSY, "destroy while held");
  CHECK(pthread_mutex_unlock(&rec) == 0, "last unlock");
  CHECK(pthread_mutex_unlock(&rec) == EPERM, "unlock unlocked recursive");
  CHECK(pthread_mutex_destroy(&rec) == 0, "destroy");

  pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_ERRORCHECK);
  pthread_mutex_t ec;
  pthread_mutex_init(&ec, &ma);
  CHECK(pthread_mutex_lock(&ec) == 0, "errorcheck lock");
  CHECK(pthread_mutex_lock(&ec) == EDEADLK, "errorcheck relock");
  void *r;
  pthread_create(&a, NULL, unlock_foreign, &ec);
  pthread_join(a, &r);
  CHECK((long)r == EPERM, "errorcheck unlock by another thread %ld", (long)r);
  CHECK(pthread_mutex_unlock(&ec) == 0, "errorcheck unlock");
  CHECK(pthread_mutex_unlock(&ec) == EPERM, "errorcheck unlock twice");
  pthread_mutexattr_destroy(&ma);

  pthread_mutex_init(&held, NULL);
  pthread_mutex_lock(&held);
  CHECK(pthread_mutex_trylock(&held) == EBUSY, "trylock held by self");
  pthread_create(&a, NULL, try_held, NULL);
  pthread_join(a, &r);
  CHECK((long)r == EBUSY, "trylock from another thread %ld", (long)r);
  pthread_mutex_unlock(&held);
  CHECK(pthread_mutex_trylock(&held) == 0, "trylock free");
  pthread_mutex_unlock(&held);
}

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static int ready, woken;
static void *waiter(void *arg) {
  pthread_mutex_lock(&m);
  while (!ready) pthread_cond_wait(&c, &m);
  woken++;
  pthread_mutex_unlock(&m);
  return arg;
}

static int go;
static void *signal_later(void *arg) {
  pthread_cond_t *cond = arg ? arg : &c;
  pthread_mutex_lock(&m);
  go = 1;
  pthread_cond_signal(cond);
  pthread_mutex_unlock(&m);
  return NULL;
}

static void conditions(void) {
  pthread_t t[3];
  for (int i = 0; i < 3; i++) pthread_create(&t[i], NULL, waiter, NULL);
  struct timespec pause = {0, 2000000};
  nanosleep(&pause, NULL);
  pthread_mutex_lock(&m);
  ready = 1;
  pthread_cond_broadcast(&c);
  pthread_mutex_unlock(&m);
  for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
  CHECK(woken == 3, "broadcast woke %d", woken);

  pthread_mutex_lock(&m);
  pthread_create(&t[0], NULL, signal_later, NULL);
  while (!go) CHECK(pthread_cond_wait(&c, &m) == 0, "wait");
  pthread_mutex_unlock(&m);
  pthread_join(t[0], NULL);

  struct timespec deadline;
  clock_gettime(CLOCK_REALTIME, &deadline);
  deadline.tv_nsec += 20000000;
  if (deadline.tv_nsec >= 1000000000) { deadline.tv_sec++; deadline.tv_nsec -= 1000000000; }
  pthread_mutex_lock(&m);
  CHECK(pthread_cond_timedwait(&c, &m, &deadline) == ETIMEDOUT, "timedwait times out");
  struct timespec past = {1, 0};
  CHECK(pthread_cond_timedwait(&c, &m, &past) == ETIMEDOUT, "timedwait in the past");
  struct timespec bad = {1, 2000000000};
  CHECK(pthread_cond_timedwait(&c, &m, &bad) == EINVAL, "timedwait bad nsec");
  pthread_mutex_unlock(&m);

  pthread_condattr_t ca;
  pthread_condattr_init(&ca);
  pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
  pthread_cond_t mono;
  pthread_cond_init(&mono, &ca);
  go = 0;
  clock_gettime(CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += 5;
  pthread_mutex_lock(&m);
  pthread_create(&t[0], NULL, signal_later, &mono);
  int rc = 0;
  while (!go && rc == 0) rc = pthread_cond_timedwait(&mono, &m, &deadline);
  CHECK(go == 1 && rc == 0, "timedwait woken before the deadline rc=%d", rc);
  pthread_mutex_unlock(&m);
  pthread_join(t[0], NULL);
  pthread_cond_destroy(&mono);
  pthread_condattr_destroy(&ca);
}

// Producer/consumer: a bounded queue, two producers, two consumers.
#define CAP 8
#define ITEMS 2400
static int queue[CAP], head, tail, count;
static pthread_cond_t not_full = PTHREAD_COND_INITIALIZER, not_empty = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t qlock = PTHREAD_MUTEX_INITIALIZER;
static long consumed_sum;
static int consumed;

static void *producer(void *arg) {
  int base = (int)(long)arg;
  for (int i = 1; i <= ITEMS / nthreads; i++) {
    pthread_mutex_lock(&qlock);
    while (count == CAP) pthread_cond_wait(&not_full, &qlock);
    queue[tail] = base + i;
    tail = (tail + 1) % CAP;
    count++;
    pthread_cond_signal(&not_empty);
    pthread_mutex_unlock(&qlock);
  }
  return NULL;
}

static void *consumer(void *arg) {
  (void)arg;
  for (;;) {
    pthread_mutex_lock(&qlock);
    while (count == 0 && consumed < ITEMS) pthread_cond_wait(&not_empty, &qlock);
    if (consumed == ITEMS) {
      pthread_cond_broadcast(&not_empty);
      pthread_mutex_unlock(&qlock);
      return NULL;
    }
    consumed_sum += queue[head];
    head = (head + 1) % CAP;
    count--;
    consumed++;
    if (consumed == ITEMS) pthread_cond_broadcast(&not_empty);
    pthread_cond_signal(&not_full);
    pthread_mutex_unlock(&qlock);
  }
}

// nthreads producers and nthreads consumers; ITEMS in all.
static void producer_consumer(void) {
  pthread_t p[8], q[8];
  for (int i = 0; i < nthreads; i++) pthread_create(&q[i], NULL, consumer, NULL);
  for (int i = 0; i < nthreads; i++) pthread_create(&p[i], NULL, producer, (void *)(100000L * i));
  for (int i = 0; i < nthreads; i++) pthread_join(p[i], NULL);
  for (int i = 0; i < nthreads; i++) pthread_join(q[i], NULL);
  long per = ITEMS / nthreads;
  long expected = 0;
  for (int i = 0; i < nthreads; i++) expected += per * (per + 1) / 2 + 100000L * i * per;
  CHECK(consumed == per * nthreads && consumed_sum == expected, "queue consumed %d sum %ld", consumed, consumed_sum);
}

// malloc/free stress from two threads at once (the thread kit's locked allocator).
static void *churn(void *arg) {
  unsigned seed = (unsigned)(long)arg;
  void *slots[64] = {0};
  for (int i = 0; i < 20000; i++) {
    seed = seed * 1103515245u + 12345u;
    int k = (seed >> 8) & 63;
    if (slots[k]) {
      unsigned char *p = slots[k];
      if (p[0] != (unsigned char)k) return (void *)1;
      free(p);
      slots[k] = NULL;
    } else {
      size_t size = 1 + ((seed >> 16) % 2048);
      unsigned char *p = (i & 7) == 0 ? calloc(1, size) : malloc(size);
      if (!p) return (void *)2;
      memset(p, k, size);
      if ((i & 15) == 0) {
        p = realloc(p, size * 2);
        if (!p || p[0] != (unsigned char)k) return (void *)3;
      }
      slots[k] = p;
    }
  }
  for (int k = 0; k < 64; k++) free(slots[k]);
  return NULL;
}

static void malloc_stress(void) {
  pthread_t a, b;
  pthread_create(&a, NULL, churn, (void *)1L);
  pthread_create(&b, NULL, churn, (void *)2L);
  void *ra, *rb;
  pthread_join(a, &ra);
  pthread_join(b, &rb);
  CHECK(ra == NULL && rb == NULL, "churn %ld %ld", (long)ra, (long)rb);
}

int main(int argc, char **argv) {
  if (argc > 1) nthreads = atoi(argv[1]);
  if (nthreads < 1 || nthreads > 8) return 99;
  mutexes();
  conditions();
  producer_consumer();
  malloc_stress();
  printf("pt_sync threads=%d failures=%d\n", nthreads, failures);
  return failures;
}
