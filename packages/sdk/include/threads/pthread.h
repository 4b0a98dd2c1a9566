/*
 * POSIX threads for Faasm guests built with `faasm cc --threads`.
 *
 * wasi-libc ships the pthread types (musl's layout, from <sys/types.h>) but no
 * <pthread.h>. The functions marked "host" are imports provided by @faasm/pthreads
 * (env.*, Faasm's 27 pthread imports); the attribute accessors are inline here,
 * because they only read and write the attribute objects the host later reads.
 *
 * Object layouts the host relies on (32-bit musl, word = int):
 *   pthread_attr_t      word 0 stack size, word 3 detach state
 *   pthread_mutexattr_t bits 0-1 mutex type
 *   pthread_mutex_t     word 0 type, word 1 lock, word 2 owner, word 5 recursion count
 *   pthread_cond_t      word 0 sequence, word 1 clock
 *   pthread_condattr_t  the clock id
 *   pthread_once_t      0 not run, 1 running, 2 done
 */
#ifndef _FAASM_PTHREAD_H
#define _FAASM_PTHREAD_H

#define __NEED_time_t
#define __NEED_clockid_t
#define __NEED_struct_timespec
#define __NEED_sigset_t
#define __NEED_pthread_t
#define __NEED_pthread_attr_t
#define __NEED_pthread_mutexattr_t
#define __NEED_pthread_condattr_t
#define __NEED_pthread_rwlockattr_t
#define __NEED_pthread_barrierattr_t
#define __NEED_pthread_mutex_t
#define __NEED_pthread_cond_t
#define __NEED_pthread_rwlock_t
#define __NEED_pthread_barrier_t
#define __NEED_pthread_spinlock_t
#define __NEED_pthread_key_t
#define __NEED_pthread_once_t
#define __NEED_size_t
#include <bits/alltypes.h>

#include <sched.h>
#include <time.h>
#include <errno.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PTHREAD_CREATE_JOINABLE 0
#define PTHREAD_CREATE_DETACHED 1

#define PTHREAD_MUTEX_NORMAL 0
#define PTHREAD_MUTEX_DEFAULT 0
#define PTHREAD_MUTEX_RECURSIVE 1
#define PTHREAD_MUTEX_ERRORCHECK 2

#define PTHREAD_PROCESS_PRIVATE 0
#define PTHREAD_PROCESS_SHARED 1

#define PTHREAD_MUTEX_INITIALIZER {{{0}}}
#define PTHREAD_COND_INITIALIZER {{{0}}}
#define PTHREAD_ONCE_INIT 0

#define PTHREAD_KEYS_MAX 128
#define PTHREAD_DESTRUCTOR_ITERATIONS 4
#define PTHREAD_STACK_MIN 16384

/* Threads (host). */
int pthread_create(pthread_t *__restrict thread, const pthread_attr_t *__restrict attr,
                   void *(*start)(void *), void *__restrict arg);
int pthread_join(pthread_t thread, void **result);
int pthread_detach(pthread_t thread);
__attribute__((__noreturn__)) void pthread_exit(void *result);
pthread_t pthread_self(void);
int pthread_equal(pthread_t a, pthread_t b);
int pthread_once(pthread_once_t *once, void (*init)(void));

/* Thread attributes: init/destroy/setstacksize are host imports. */
int pthread_attr_init(pthread_attr_t *attr);
int pthread_attr_destroy(pthread_attr_t *attr);
int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size);

static inline int pthread_attr_getstacksize(const pthread_attr_t *attr, size_t *size) {
  *size = attr->__u.__s[0];
  return 0;
}
static inline int pthread_attr_setdetachstate(pthread_attr_t *attr, int state) {
  if (state != PTHREAD_CREATE_JOINABLE && state != PTHREAD_CREATE_DETACHED) return EINVAL;
  attr->__u.__i[3] = state;
  return 0;
}
static inline int pthread_attr_getdetachstate(const pthread_attr_t *attr, int *state) {
  *state = attr->__u.__i[3];
  return 0;
}

/* Thread-specific data (host). */
int pthread_key_create(pthread_key_t *key, void (*destructor)(void *));
int pthread_key_delete(pthread_key_t key);
void *pthread_getspecific(pthread_key_t key);
int pthread_setspecific(pthread_key_t key, const void *value);

/* Mutexes (host). */
int pthread_mutex_init(pthread_mutex_t *__restrict mutex, const pthread_mutexattr_t *__restrict attr);
int pthread_mutex_destroy(pthread_mutex_t *mutex);
int pthread_mutex_lock(pthread_mutex_t *mutex);
int pthread_mutex_trylock(pthread_mutex_t *mutex);
int pthread_mutex_unlock(pthread_mutex_t *mutex);
int pthread_mutexattr_init(pthread_mutexattr_t *attr);
int pthread_mutexattr_destroy(pthread_mutexattr_t *attr);

static inline int pthread_mutexattr_settype(pthread_mutexattr_t *attr, int type) {
  if ((unsigned)type > PTHREAD_MUTEX_ERRORCHECK) return EINVAL;
  attr->__attr = (attr->__attr & ~3u) | (unsigned)type;
  return 0;
}
static inline int pthread_mutexattr_gettype(const pthread_mutexattr_t *attr, int *type) {
  *type = (int)(attr->__attr & 3u);
  return 0;
}

/* Condition variables (host); the attribute carries the clock of timed waits. */
int pthread_cond_init(pthread_cond_t *__restrict cond, const pthread_condattr_t *__restrict attr);
int pthread_cond_destroy(pthread_cond_t *cond);
int pthread_cond_wait(pthread_cond_t *__restrict cond, pthread_mutex_t *__restrict mutex);
int pthread_cond_timedwait(pthread_cond_t *__restrict cond, pthread_mutex_t *__restrict mutex,
                           const struct timespec *__restrict abstime);
int pthread_cond_signal(pthread_cond_t *cond);
int pthread_cond_broadcast(pthread_cond_t *cond);

static inline int pthread_condattr_init(pthread_condattr_t *attr) {
  attr->__attr = 0u;
  return 0;
}
static inline int pthread_condattr_destroy(pthread_condattr_t *attr) {
  (void)attr;
  return 0;
}
static inline int pthread_condattr_setclock(pthread_condattr_t *attr, clockid_t clock) {
  if (clock == CLOCK_MONOTONIC) attr->__attr = 1u;
  else if (clock == CLOCK_REALTIME) attr->__attr = 0u;
  else return EINVAL;
  return 0;
}

/* Spin locks: guest atomics, no host call. */
static inline int pthread_spin_init(pthread_spinlock_t *lock, int pshared) {
  (void)pshared;
  __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
  return 0;
}
static inline int pthread_spin_destroy(pthread_spinlock_t *lock) {
  (void)lock;
  return 0;
}
static inline int pthread_spin_trylock(pthread_spinlock_t *lock) {
  int expected = 0;
  return __atomic_compare_exchange_n(lock, &expected, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED) ? 0 : EBUSY;
}
static inline int pthread_spin_lock(pthread_spinlock_t *lock) {
  while (pthread_spin_trylock(lock) != 0) sched_yield();
  return 0;
}
static inline int pthread_spin_unlock(pthread_spinlock_t *lock) {
  __atomic_store_n(lock, 0, __ATOMIC_RELEASE);
  return 0;
}

#ifdef __cplusplus
}
#endif

#endif
