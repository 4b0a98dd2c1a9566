/*
 * The thread kit's allocator lock (linked by `faasm cc --threads`).
 *
 * wasi-libc's dlmalloc is built without locks: concurrent malloc/free from two
 * threads corrupt the heap (THREADS.md). The link wraps the allocator
 * (--wrap=malloc,free,calloc,realloc,posix_memalign,aligned_alloc) and these
 * wrappers serialise it with one lock word. The fast path is a guest atomic; the slow
 * path blocks in the host (@faasm/pthreads' __faasm_futex_wait/_wake), so a waiting
 * thread sleeps instead of spinning, on the main thread as on workers.
 */
#include <stddef.h>

/* `faasm c++ --threads` compiles this file as C++ too: keep C linkage. */
#ifdef __cplusplus
extern "C" {
#endif

__attribute__((import_module("env"), import_name("__faasm_futex_wait")))
int __faasm_futex_wait(volatile int *addr, int expected, long long timeout_ns);
__attribute__((import_module("env"), import_name("__faasm_futex_wake")))
int __faasm_futex_wake(volatile int *addr, int count);

void *__real_malloc(size_t size);
void __real_free(void *ptr);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *ptr, size_t size);
int __real_posix_memalign(void **out, size_t align, size_t size);
void *__real_aligned_alloc(size_t align, size_t size);

/* 0 free, 1 held, 2 held with (possible) waiters. */
static volatile int heap_lock;

static void heap_acquire(void) {
  int c = 0;
  if (__atomic_compare_exchange_n(&heap_lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
  for (int spin = 0; spin < 200; spin++) {
    c = 0;
    if (__atomic_compare_exchange_n(&heap_lock, &c, 1, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) return;
  }
  if (c != 2) c = __atomic_exchange_n(&heap_lock, 2, __ATOMIC_ACQUIRE);
  while (c != 0) {
    __faasm_futex_wait(&heap_lock, 2, -1);
    c = __atomic_exchange_n(&heap_lock, 2, __ATOMIC_ACQUIRE);
  }
}

static void heap_release(void) {
  if (__atomic_fetch_sub(&heap_lock, 1, __ATOMIC_RELEASE) != 1) {
    __atomic_store_n(&heap_lock, 0, __ATOMIC_RELEASE);
    __faasm_futex_wake(&heap_lock, 1);
  }
}

void *__wrap_malloc(size_t size) {
  heap_acquire();
  void *p = __real_malloc(size);
  heap_release();
  return p;
}

void __wrap_free(void *ptr) {
  if (!ptr) return;
  heap_acquire();
  __real_free(ptr);
  heap_release();
}

void *__wrap_calloc(size_t n, size_t size) {
  heap_acquire();
  void *p = __real_calloc(n, size);
  heap_release();
  return p;
}

void *__wrap_realloc(void *ptr, size_t size) {
  heap_acquire();
  void *p = __real_realloc(ptr, size);
  heap_release();
  return p;
}

int __wrap_posix_memalign(void **out, size_t align, size_t size) {
  heap_acquire();
  int r = __real_posix_memalign(out, align, size);
  heap_release();
  return r;
}

void *__wrap_aligned_alloc(size_t align, size_t size) {
  heap_acquire();
  void *p = __real_aligned_alloc(align, size);
  heap_release();
  return p;
}

/*
 * `--export=malloc` on a wrapped symbol exports it as "__wrap_malloc": export the
 * locked allocator under the names hosts call (GuestExports.malloc/free).
 */
__attribute__((export_name("malloc"))) void *__faasm_export_malloc(size_t size) {
  return __wrap_malloc(size);
}

__attribute__((export_name("free"))) void __faasm_export_free(void *ptr) {
  __wrap_free(ptr);
}

#ifdef __cplusplus
}
#endif
