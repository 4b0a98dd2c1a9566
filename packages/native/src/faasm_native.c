// @faasm/native: the few Linux system calls Node's fs module lacks or makes slow, for the
// host interface's hot paths. Every function is synchronous, takes plain numbers and typed
// arrays, never throws for a failed system call (it returns -errno), and checks every
// offset into guest memory before touching it.
#define _GNU_SOURCE
#include <node_api.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>
#ifdef __linux__
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sched.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#endif

// Returned (instead of -errno) when a guest offset or length lies outside guest memory:
// the caller traps naming the import. Below -4095, so it never collides with an errno.
#define OUT_OF_BOUNDS (-0x10000)
// Returned when the call is valid but this module does not take it (too many iovecs):
// the caller uses its portable path.
#define NOT_TAKEN (-0x10001)
#define MAX_IOVS 1024
#define MAX_PATH_BYTES 4096

/** A result that fits an int32 (an fd, a count, -errno) as a small integer: no heap number. */
static napi_value integer(napi_env env, long value) {
  napi_value out;
  if (value >= INT32_MIN && value <= INT32_MAX) napi_create_int32(env, (int32_t)value, &out);
  else napi_create_double(env, (double)value, &out);
  return out;
}

#ifdef __linux__
// The hot calls go straight to the kernel: glibc's wrappers make read, write and close
// pthread cancellation points, which in a multi-threaded process (Node always is) costs
// two atomic updates of the thread's cancel state around every call. Nothing here is
// ever cancelled, so the raw system calls behave the same.
#define SYS_CALL(name, ...) syscall(SYS_##name, __VA_ARGS__)
#else
#define SYS_CALL(name, ...) name(__VA_ARGS__)
#endif

static int arg_i64(napi_env env, napi_value v, int64_t *out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

static int arg_bytes(napi_env env, napi_value v, uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, v, &type, length, &raw, &buffer, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = raw;
  return 1;
}

static napi_value type_error(napi_env env, const char *what) {
  napi_throw_type_error(env, NULL, what);
  return NULL;
}

#define ARGS(n)                                                       \
  size_t argc = (n);                                                  \
  napi_value argv[(n) > 0 ? (n) : 1];                                 \
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);               \
  if (argc < (n)) return type_error(env, "@faasm/native: too few arguments")

// openat2 with RESOLVE_BENEATH fails with EAGAIN when a concurrent rename might have let
// a ".." escape; the kernel's advice is to retry. After this many tries the caller gets
// -EAGAIN (and uses its portable path).
#define BENEATH_RETRIES 16

/** openat2(dirfd, path, {flags | O_CLOEXEC, mode, resolve}), retried on EAGAIN → fd | -errno. */
static long open_how_beneath(int64_t dirfd, const char *path, int64_t flags, int64_t mode, int64_t resolve) {
#ifdef SYS_openat2
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = (uint64_t)flags | O_CLOEXEC;
  // openat2 refuses a mode without O_CREAT or O_TMPFILE (EINVAL). O_TMPFILE includes the
  // O_DIRECTORY bit, so test for all of its bits, not any.
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? (uint64_t)mode : 0;
  how.resolve = (uint64_t)resolve;
  for (int attempt = 0;; attempt++) {
    long fd = syscall(SYS_openat2, (int)dirfd, path, &how, sizeof how);
    if (fd >= 0) return fd;
    if (errno != EAGAIN || attempt == BENEATH_RETRIES) return -errno;
  }
#else
  return -ENOSYS;
#endif
}

/** openBeneath(dirfd, path, flags, mode, resolve) → fd | -errno: openat2(2) with O_CLOEXEC. */
static napi_value open_beneath(napi_env env, napi_callback_info info) {
  ARGS(5);
  int64_t dirfd, flags, mode, resolve;
  char path[MAX_PATH_BYTES + 1];
  size_t length;
  if (!arg_i64(env, argv[0], &dirfd) || !arg_i64(env, argv[2], &flags) || !arg_i64(env, argv[3], &mode) ||
      !arg_i64(env, argv[4], &resolve))
    return type_error(env, "openBeneath(dirfd, path, flags, mode, resolve): numbers expected");
  if (napi_get_value_string_utf8(env, argv[1], path, sizeof path, &length) != napi_ok)
    return type_error(env, "openBeneath: path must be a string");
  if (length >= MAX_PATH_BYTES) return integer(env, -ENAMETOOLONG);
  if (strlen(path) != length) return integer(env, -EINVAL);
  return integer(env, open_how_beneath(dirfd, path, flags, mode, resolve));
}

/**
 * openBeneathIn(dirfd, memory, pathPtr, pathLength, flags, mode, resolve) → fd | -errno |
 * OUT_OF_BOUNDS: openBeneath with the path read straight from guest memory (no string
 * decoding on the way); a NUL inside it is -EINVAL, an empty path -ENOENT.
 */
static napi_value open_beneath_in(napi_env env, napi_callback_info info) {
  ARGS(7);
  int64_t dirfd, ptr, length, flags, mode, resolve;
  uint8_t *memory;
  size_t size;
  if (!arg_i64(env, argv[0], &dirfd) || !arg_bytes(env, argv[1], &memory, &size) || !arg_i64(env, argv[2], &ptr) ||
      !arg_i64(env, argv[3], &length) || !arg_i64(env, argv[4], &flags) || !arg_i64(env, argv[5], &mode) ||
      !arg_i64(env, argv[6], &resolve))
    return type_error(env, "openBeneathIn(dirfd, memory: Uint8Array, pathPtr, pathLength, flags, mode, resolve): bad arguments");
  if (ptr < 0 || length < 0 || (uint64_t)ptr + (uint64_t)length > size) return integer(env, OUT_OF_BOUNDS);
  if (length >= MAX_PATH_BYTES) return integer(env, -ENAMETOOLONG);
  if (length == 0) return integer(env, -ENOENT);
  char path[MAX_PATH_BYTES];
  memcpy(path, memory + ptr, (size_t)length);
  if (memchr(path, 0, (size_t)length) != NULL) return integer(env, -EINVAL);
  path[length] = 0;
  return integer(env, open_how_beneath(dirfd, path, flags, mode, resolve));
}

/** close(fd) → 0 | -errno. */
static napi_value close_fd(napi_env env, napi_callback_info info) {
  ARGS(1);
  int64_t fd;
  if (!arg_i64(env, argv[0], &fd)) return type_error(env, "close(fd): a number expected");
  return integer(env, SYS_CALL(close, (int)fd) < 0 ? -errno : 0);
}

/**
 * Gathers a guest iovec array (u32 pointer, u32 length pairs at `iovs` in `memory`) into
 * host iovecs, checking every range. Returns the count, or OUT_OF_BOUNDS / NOT_TAKEN.
 */
static long gather(uint8_t *memory, size_t size, int64_t iovs, int64_t count, struct iovec *out) {
  if (iovs < 0 || count < 0) return OUT_OF_BOUNDS;
  if (count > MAX_IOVS) return NOT_TAKEN;
  if ((uint64_t)iovs + (uint64_t)count * 8 > size) return OUT_OF_BOUNDS;
  for (int64_t i = 0; i < count; i++) {
    uint32_t ptr, len;
    memcpy(&ptr, memory + iovs + i * 8, 4);
    memcpy(&len, memory + iovs + i * 8 + 4, 4);
    if ((uint64_t)ptr + len > size) return OUT_OF_BOUNDS;
    out[i].iov_base = memory + ptr;
    out[i].iov_len = len;
  }
  return (long)count;
}

/**
 * Shared body of readv/writev: (fd, memory, iovs, count, position[, resultPtr]) with
 * position -1 = the file offset. A resultPtr ≥ 0 is checked with the iovecs before any
 * I/O and receives the byte count as a little-endian u32 (WASI's nread/nwritten).
 */
static napi_value vector_io(napi_env env, napi_callback_info info, int writing) {
  size_t argc = 6;
  napi_value argv[6];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 5) return type_error(env, "@faasm/native: too few arguments");
  int64_t fd, iovs, count, position, result = -1;
  uint8_t *memory;
  size_t size;
  if (!arg_i64(env, argv[0], &fd) || !arg_bytes(env, argv[1], &memory, &size) || !arg_i64(env, argv[2], &iovs) ||
      !arg_i64(env, argv[3], &count) || !arg_i64(env, argv[4], &position) || (argc > 5 && !arg_i64(env, argv[5], &result)))
    return type_error(env, "readv/writev(fd, memory: Uint8Array, iovs, count, position, resultPtr?): bad arguments");
  if (result >= 0 && (uint64_t)result + 4 > size) return integer(env, OUT_OF_BOUNDS);
  struct iovec vec[MAX_IOVS];
  long n = gather(memory, size, iovs, count, vec);
  if (n < 0) return integer(env, n);
  ssize_t done;
  // One buffer (the common case) goes through write/read, as libuv does: the kernel then
  // copies no iovec array in.
  if (n == 1 && vec[0].iov_len > 0 && position < 0)
    done = writing ? SYS_CALL(write, (int)fd, vec[0].iov_base, vec[0].iov_len) : SYS_CALL(read, (int)fd, vec[0].iov_base, vec[0].iov_len);
  else if (n == 1 && vec[0].iov_len > 0)
    done = writing ? pwrite((int)fd, vec[0].iov_base, vec[0].iov_len, (off_t)position)
                   : pread((int)fd, vec[0].iov_base, vec[0].iov_len, (off_t)position);
  else if (position < 0)
    done = writing ? SYS_CALL(writev, (int)fd, vec, (int)n) : SYS_CALL(readv, (int)fd, vec, (int)n);
  else
    done = writing ? pwritev((int)fd, vec, (int)n, (off_t)position) : preadv((int)fd, vec, (int)n, (off_t)position);
  if (done < 0) return integer(env, -errno);
  if (result >= 0) {
    uint32_t le = (uint32_t)done;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    le = __builtin_bswap32(le);
#endif
    memcpy(memory + result, &le, 4);
  }
  return integer(env, done);
}

/** readv(fd, memory, iovs, count, position, resultPtr?) → bytes read | -errno | OUT_OF_BOUNDS | NOT_TAKEN. */
static napi_value read_vector(napi_env env, napi_callback_info info) { return vector_io(env, info, 0); }

/** writev(fd, memory, iovs, count, position, resultPtr?) → bytes written | -errno | OUT_OF_BOUNDS | NOT_TAKEN. */
static napi_value write_vector(napi_env env, napi_callback_info info) { return vector_io(env, info, 1); }

/** read(fd, bytes, offset, length) / write(...): one contiguous range of a Uint8Array. */
static napi_value range_io(napi_env env, napi_callback_info info, int writing) {
  ARGS(4);
  int64_t fd, offset, length;
  uint8_t *bytes;
  size_t size;
  if (!arg_i64(env, argv[0], &fd) || !arg_bytes(env, argv[1], &bytes, &size) || !arg_i64(env, argv[2], &offset) ||
      !arg_i64(env, argv[3], &length))
    return type_error(env, "read/write(fd, bytes: Uint8Array, offset, length): bad arguments");
  if (offset < 0 || length < 0 || (uint64_t)offset + (uint64_t)length > size) return integer(env, OUT_OF_BOUNDS);
  ssize_t done = writing ? SYS_CALL(write, (int)fd, bytes + offset, (size_t)length) : SYS_CALL(read, (int)fd, bytes + offset, (size_t)length);
  return integer(env, done < 0 ? -errno : done);
}

static napi_value read_range(napi_env env, napi_callback_info info) { return range_io(env, info, 0); }
static napi_value write_range(napi_env env, napi_callback_info info) { return range_io(env, info, 1); }

/** fileType(fd) → the S_IFMT bits of fstat(2) | -errno. */
static napi_value file_type(napi_env env, napi_callback_info info) {
  ARGS(1);
  int64_t fd;
  if (!arg_i64(env, argv[0], &fd)) return type_error(env, "fileType(fd): a number expected");
  struct stat st;
  if (fstat((int)fd, &st) < 0) return integer(env, -errno);
  return integer(env, st.st_mode & S_IFMT);
}

/**
 * connectTcp(ipv4, port, timeoutMs) → fd | -errno: a blocking TCP socket with TCP_NODELAY
 * whose reads and writes give up after timeoutMs (EAGAIN), for synchronous clients in
 * workers whose event loop is blocked by the guest.
 */
static napi_value connect_tcp(napi_env env, napi_callback_info info) {
  ARGS(3);
  char host[64];
  size_t length;
  int64_t port, timeout;
  if (napi_get_value_string_utf8(env, argv[0], host, sizeof host, &length) != napi_ok || !arg_i64(env, argv[1], &port) ||
      !arg_i64(env, argv[2], &timeout))
    return type_error(env, "connectTcp(ipv4, port, timeoutMs): bad arguments");
#ifdef __linux__
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)port);
  if (port <= 0 || port > 65535 || inet_pton(AF_INET, host, &addr.sin_addr) != 1) return integer(env, -EINVAL);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return integer(env, -errno);
  int one = 1;
  struct timeval tv = {.tv_sec = timeout / 1000, .tv_usec = (timeout % 1000) * 1000};
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int error = errno;
    close(fd);
    return integer(env, -error);
  }
  return integer(env, fd);
#else
  return integer(env, -ENOSYS);
#endif
}

/**
 * setThreadAffinity(cpus: number[]) → 0 | -errno: sched_setaffinity(0, cpus) for the
 * calling OS thread only (a Node worker or the main thread), as libomp binds its threads.
 * An empty list, a negative id or one past CPU_SETSIZE is -EINVAL.
 */
static napi_value set_thread_affinity(napi_env env, napi_callback_info info) {
  ARGS(1);
  bool is_array;
  uint32_t count;
  if (napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[0], &count) != napi_ok)
    return type_error(env, "setThreadAffinity(cpus): an array of CPU ids expected");
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (count == 0) return integer(env, -EINVAL);
  for (uint32_t i = 0; i < count; i++) {
    napi_value item;
    int64_t cpu;
    if (napi_get_element(env, argv[0], i, &item) != napi_ok || !arg_i64(env, item, &cpu))
      return type_error(env, "setThreadAffinity(cpus): an array of CPU ids expected");
    if (cpu < 0 || cpu >= CPU_SETSIZE) return integer(env, -EINVAL);
    CPU_SET((int)cpu, &set);
  }
  if (sched_setaffinity(0, sizeof set, &set) < 0) return integer(env, -errno);
  return integer(env, 0);
#else
  return integer(env, -ENOSYS);
#endif
}

/** threadAffinity() → number[] | -errno: the calling OS thread's CPUs (sched_getaffinity(0)). */
static napi_value thread_affinity(napi_env env, napi_callback_info info) {
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) < 0) return integer(env, -errno);
  napi_value out;
  napi_create_array(env, &out);
  uint32_t n = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (CPU_ISSET(cpu, &set)) napi_set_element(env, out, n++, integer(env, cpu));
  }
  return out;
#else
  return integer(env, -ENOSYS);
#endif
}

/** threadId() → the calling OS thread's id (gettid), or -errno. */
static napi_value thread_id(napi_env env, napi_callback_info info) {
#ifdef __linux__
  return integer(env, (long)syscall(SYS_gettid));
#else
  return integer(env, -ENOSYS);
#endif
}

/**
 * yieldThread() → 0 or -errno: sched_yield(), so a thread that spins waiting for a
 * teammate lets a runnable thread queued on its CPU go first.
 */
static napi_value yield_thread(napi_env env, napi_callback_info info) {
#ifdef __linux__
  return integer(env, syscall(SYS_sched_yield) < 0 ? -errno : 0);
#else
  return integer(env, -ENOSYS);
#endif
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"openBeneath", NULL, open_beneath, NULL, NULL, NULL, napi_enumerable, NULL},
      {"openBeneathIn", NULL, open_beneath_in, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, close_fd, NULL, NULL, NULL, napi_enumerable, NULL},
      {"readv", NULL, read_vector, NULL, NULL, NULL, napi_enumerable, NULL},
      {"writev", NULL, write_vector, NULL, NULL, NULL, napi_enumerable, NULL},
      {"read", NULL, read_range, NULL, NULL, NULL, napi_enumerable, NULL},
      {"write", NULL, write_range, NULL, NULL, NULL, napi_enumerable, NULL},
      {"fileType", NULL, file_type, NULL, NULL, NULL, napi_enumerable, NULL},
      {"connectTcp", NULL, connect_tcp, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setThreadAffinity", NULL, set_thread_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threadAffinity", NULL, thread_affinity, NULL, NULL, NULL, napi_enumerable, NULL},
      {"threadId", NULL, thread_id, NULL, NULL, NULL, napi_enumerable, NULL},
      {"yieldThread", NULL, yield_thread, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
