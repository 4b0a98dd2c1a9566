// faasm-cc: --threads -fopenmp
// Synchronisation constructs, tasks, threadprivate and the omp_* queries.
// Exit code = number of failed checks.
#include <omp.h>
#include <stdio.h>
#include <string.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL %s:%d ", __func__, __LINE__); printf(__VA_ARGS__); printf("\n"); __atomic_fetch_add(&failures, 1, __ATOMIC_SEQ_CST); } } while (0)

static int tp = -1;
#pragma omp threadprivate(tp)

static void queries(int n) {
  CHECK(omp_get_max_threads() == n, "max threads %d", omp_get_max_threads());
  CHECK(omp_in_parallel() == 0 && omp_get_level() == 0 && omp_get_num_threads() == 1, "outside");
  CHECK(omp_get_thread_num() == 0, "thread num outside");
  CHECK(omp_get_num_procs() >= 1 && omp_get_thread_limit() >= n, "procs/limit");
  CHECK(omp_get_num_devices() == 0 && omp_is_initial_device() == 1, "devices");
  int seen[64] = {0};
  int size = 0;
#pragma omp parallel
  {
    int me = omp_get_thread_num();
    __atomic_fetch_add(&seen[me], 1, __ATOMIC_SEQ_CST);
    if (me == 0) size = omp_get_num_threads();
    CHECK(omp_get_level() == 1 && omp_get_active_level() == (n > 1), "level %d", omp_get_level());
    CHECK(omp_in_parallel() == (n > 1), "in parallel");
    CHECK(omp_get_ancestor_thread_num(1) == me && omp_get_ancestor_thread_num(0) == 0, "ancestor");
    CHECK(omp_get_team_size(1) == n && omp_get_team_size(0) == 1 && omp_get_team_size(2) == -1, "team size");
#pragma omp parallel num_threads(2)
    {
      // Inside an active region a nested one is serialised; inside an inactive one
      // (a team of 1) it is the first active level, as with libomp.
      CHECK(omp_get_num_threads() == (n > 1 ? 1 : 2), "nested team %d", omp_get_num_threads());
      CHECK(omp_get_level() == 2 && omp_get_active_level() == 1, "nested level");
    }
  }
  CHECK(size == n, "team size %d", size);
  for (int i = 0; i < n; i++) CHECK(seen[i] == 1, "thread %d seen %d", i, seen[i]);
  int clause = 0;
#pragma omp parallel num_threads(3)
  {
#pragma omp master
    clause = omp_get_num_threads();
  }
  CHECK(clause == 3, "num_threads(3) gave %d", clause);
  omp_set_num_threads(2);
  CHECK(omp_get_max_threads() == 2, "omp_set_num_threads");
  int two = 0;
#pragma omp parallel
  {
#pragma omp single
    two = omp_get_num_threads();
  }
  CHECK(two == 2, "after omp_set_num_threads(2): %d", two);
  omp_set_num_threads(n);
  double t0 = omp_get_wtime();
  double t1 = omp_get_wtime();
  CHECK(t1 >= t0 && omp_get_wtick() > 0, "wtime");
  // One clock for every thread: a time read after a barrier is not before one read ahead of it.
  double before = 0;
  int behind = 0;
#pragma omp parallel
  {
#pragma omp master
    before = omp_get_wtime();
#pragma omp barrier
    if (omp_get_wtime() < before) __atomic_store_n(&behind, 1, __ATOMIC_SEQ_CST);
  }
  CHECK(!behind && before > 1e9, "omp_get_wtime differs between threads (%f)", before);
}

static void barrier_and_critical(int n) {
  static int phase[64];
  memset(phase, 0, sizeof phase);
  int counter = 0, named = 0, other = 0;
  long long big = 0;
  double half = 0;
#pragma omp parallel
  {
    int me = omp_get_thread_num();
    for (int round = 1; round <= 20; round++) {
      __atomic_store_n(&phase[me], round, __ATOMIC_SEQ_CST);
#pragma omp barrier
      for (int i = 0; i < omp_get_num_threads(); i++)
        CHECK(__atomic_load_n(&phase[i], __ATOMIC_SEQ_CST) == round, "barrier round %d thread %d", round, i);
#pragma omp barrier
    }
    for (int i = 0; i < 1000; i++) {
#pragma omp critical
      counter++;
#pragma omp critical(alpha)
      named += 2;
#pragma omp critical(beta)
      other += 3;
#pragma omp atomic
      big += 5;
#pragma omp atomic
      half += 0.5;
    }
  }
  CHECK(counter == 1000 * n, "critical %d", counter);
  CHECK(named == 2000 * n && other == 3000 * n, "named critical %d %d", named, other);
  CHECK(big == 5000LL * n && half == 500.0 * n, "atomic %lld %f", big, half);
}

static void single_master_copyprivate(int n) {
  int singles = 0, masters = 0, nowaits = 0, mismatch = 0;
#pragma omp parallel
  {
    for (int i = 0; i < 10; i++) {
#pragma omp single
      singles++;
#pragma omp single nowait
      __atomic_fetch_add(&nowaits, 1, __ATOMIC_SEQ_CST);
#pragma omp master
      masters++;
    }
    int value;
#pragma omp single copyprivate(value)
    value = 1234 + omp_get_thread_num();
    if (value < 1234 || value >= 1234 + n) __atomic_fetch_add(&mismatch, 1, __ATOMIC_SEQ_CST);
    int first = value;
#pragma omp barrier
#pragma omp single copyprivate(value)
    value = first + 1;
    if (value != first + 1) __atomic_fetch_add(&mismatch, 1, __ATOMIC_SEQ_CST);
  }
  CHECK(singles == 10 && nowaits == 10 && masters == 10, "single %d nowait %d master %d", singles, nowaits, masters);
  CHECK(mismatch == 0, "copyprivate mismatches %d", mismatch);
}

static void ordered(void) {
  static int order[500];
  int next = 0;
#pragma omp parallel for ordered schedule(dynamic, 3)
  for (int i = 0; i < 500; i++) {
#pragma omp ordered
    order[next++] = i;
  }
  for (int i = 0; i < 500; i++) CHECK(order[i] == i, "ordered %d got %d", i, order[i]);
  next = 0;
#pragma omp parallel for ordered schedule(static)
  for (int i = 0; i < 100; i++) {
    if (i % 3 == 0) {
#pragma omp ordered
      order[next++] = i;
    }
  }
  for (int i = 0; i < 34; i++) CHECK(order[i] == i * 3, "ordered static %d got %d", i, order[i]);
}

static void threadprivate(int n) {
#pragma omp parallel
  tp = 100 + omp_get_thread_num();
  int wrong = 0;
#pragma omp parallel
  if (tp != 100 + omp_get_thread_num()) __atomic_fetch_add(&wrong, 1, __ATOMIC_SEQ_CST);
  CHECK(wrong == 0, "threadprivate lost in %d threads", wrong);
  CHECK(tp == 100, "master threadprivate %d", tp);
  (void)n;
}

static int fib(int k) {
  if (k < 2) return k;
  int a, b;
#pragma omp task shared(a)
  a = fib(k - 1);
#pragma omp task shared(b)
  b = fib(k - 2);
#pragma omp taskwait
  return a + b;
}

static void tasks(void) {
  static int results[200];
  int done = 0;
#pragma omp parallel
  {
#pragma omp single
    {
      for (int i = 0; i < 200; i++) {
#pragma omp task firstprivate(i)
        {
          results[i] = i * i;
          __atomic_fetch_add(&done, 1, __ATOMIC_SEQ_CST);
        }
      }
#pragma omp taskwait
      CHECK(done == 200, "taskwait saw %d", done);
    }
  }
  for (int i = 0; i < 200; i++) CHECK(results[i] == i * i, "task %d", i);
  int f = 0;
#pragma omp parallel
#pragma omp single
  f = fib(15);
  CHECK(f == 610, "fib %d", f);
  int grouped = 0;
#pragma omp parallel
#pragma omp single
#pragma omp taskgroup
  {
#pragma omp task
    __atomic_fetch_add(&grouped, 1, __ATOMIC_SEQ_CST);
#pragma omp task if(0)
    __atomic_fetch_add(&grouped, 1, __ATOMIC_SEQ_CST);
  }
  CHECK(grouped == 2, "taskgroup %d", grouped);
}

static void locks(int n) {
  omp_lock_t lock;
  omp_nest_lock_t nest;
  omp_init_lock(&lock);
  omp_init_nest_lock(&nest);
  int count = 0, nested = 0;
#pragma omp parallel
  {
    for (int i = 0; i < 500; i++) {
      omp_set_lock(&lock);
      count++;
      omp_unset_lock(&lock);
      omp_set_nest_lock(&nest);
      omp_set_nest_lock(&nest);
      nested++;
      omp_unset_nest_lock(&nest);
      omp_unset_nest_lock(&nest);
    }
  }
  CHECK(count == 500 * n && nested == 500 * n, "locks %d %d", count, nested);
  CHECK(omp_test_lock(&lock) == 1, "test_lock free");
  CHECK(omp_test_lock(&lock) == 0, "test_lock held");
  omp_unset_lock(&lock);
  CHECK(omp_test_nest_lock(&nest) == 1 && omp_test_nest_lock(&nest) == 2, "test_nest_lock depth");
  omp_unset_nest_lock(&nest);
  omp_unset_nest_lock(&nest);
  omp_destroy_lock(&lock);
  omp_destroy_nest_lock(&nest);
}

static void concurrency(int n) {
  // Thread 1 spins until thread 0 sets the flag: needs threads that really run together.
  if (n < 2) return;
  volatile int flag = 0;
  int spun = 0;
#pragma omp parallel num_threads(2)
  {
    if (omp_get_thread_num() == 1) {
      while (!__atomic_load_n(&flag, __ATOMIC_SEQ_CST)) spun = 1;
    } else {
      for (volatile int i = 0; i < 100000; i++) {}
      __atomic_store_n(&flag, 1, __ATOMIC_SEQ_CST);
    }
  }
  CHECK(flag == 1, "flag");
  (void)spun;
  int in_sections = 0;
#pragma omp parallel sections
  {
#pragma omp section
    __atomic_fetch_add(&in_sections, 1, __ATOMIC_SEQ_CST);
#pragma omp section
    __atomic_fetch_add(&in_sections, 10, __ATOMIC_SEQ_CST);
#pragma omp section
    __atomic_fetch_add(&in_sections, 100, __ATOMIC_SEQ_CST);
  }
  CHECK(in_sections == 111, "sections %d", in_sections);
}

int main(void) {
  int n = omp_get_max_threads();
  queries(n);
  barrier_and_critical(n);
  single_master_copyprivate(n);
  ordered();
  threadprivate(n);
  tasks();
  locks(n);
  concurrency(n);
  printf("omp_sync threads=%d failures=%d\n", n, failures);
  return failures;
}
