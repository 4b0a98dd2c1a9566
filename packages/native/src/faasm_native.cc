// @faasm/native: the few Linux system calls Node's fs module lacks or makes slow, for the
// host interface's hot paths. Every function is synchronous, takes plain numbers and typed
// arrays, never throws for a failed system call (it returns -errno), and checks every
// offset into guest memory before touching it.
//
// Written against V8's C++ API (v8::FunctionCallbackInfo) rather than N-API: an N-API
// call goes through a trampoline that allocates a callback-info wrapper, looks up the
// env, and checks every argument through a status-returning call; measured on the
// project's machine, that is ~100 ns of a 1.2–1.6 µs system call. The price is that the
// module must be built for the Node it runs in (build.mjs records the ABI beside it).
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <node.h>
#include <v8.h>

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cmath>
#ifdef __linux__
#include <arpa/inet.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#endif

namespace {

using v8::Array;
using v8::Context;
using v8::Exception;
using v8::FunctionCallbackInfo;
using v8::FunctionTemplate;
using v8::Int32;
using v8::Integer;
using v8::Isolate;
using v8::Local;
using v8::Number;
using v8::Object;
using v8::String;
using v8::Uint8Array;
using v8::Value;

using Args = FunctionCallbackInfo<Value>;

// Returned (instead of -errno) when a guest offset or length lies outside guest memory:
// the caller traps naming the import. Below -4095, so it never collides with an errno.
constexpr int32_t OUT_OF_BOUNDS = -0x10000;
// Returned when the call is valid but this module does not take it (too many iovecs):
// the caller uses its portable path.
constexpr int32_t NOT_TAKEN = -0x10001;
constexpr int64_t MAX_IOVS = 1024;
constexpr int64_t MAX_PATH_BYTES = 4096;
// openat2 with RESOLVE_BENEATH fails with EAGAIN when a concurrent rename might have let
// a ".." escape; the kernel's advice is to retry. After this many tries the caller gets
// -EAGAIN (and uses its portable path).
constexpr int BENEATH_RETRIES = 16;

#ifdef __linux__
// The hot calls go straight to the kernel: glibc's wrappers make read, write and close
// pthread cancellation points, which in a multi-threaded process (Node always is) costs
// two atomic updates of the thread's cancel state around every call. Nothing here is
// ever cancelled, so the raw system calls behave the same.
#define SYS_CALL(name, ...) syscall(SYS_##name, __VA_ARGS__)
#else
#define SYS_CALL(name, ...) name(__VA_ARGS__)
#endif

/** A result that fits an int32 (an fd, a count, -errno) as a small integer: no heap number. */
inline void give(const Args& info, long value) {
  if (value >= INT32_MIN && value <= INT32_MAX) info.GetReturnValue().Set(static_cast<int32_t>(value));
  else info.GetReturnValue().Set(static_cast<double>(value));
}

/** Throws a TypeError with `what` (the function returns right after). */
void type_error(const Args& info, const char* what) {
  Isolate* isolate = info.GetIsolate();
  isolate->ThrowException(Exception::TypeError(String::NewFromUtf8(isolate, what).ToLocalChecked()));
}

/**
 * A number argument as int64, as N-API's napi_get_value_int64 reads it (so the JS
 * interface is unchanged): any Number, truncated toward zero, NaN and ±Infinity as 0,
 * saturated beyond int64; anything else (a BigInt, a string, undefined) is refused.
 */
inline bool arg_i64(Local<Value> v, int64_t* out) {
  if (v->IsInt32()) {
    *out = v.As<Int32>()->Value();
    return true;
  }
  if (!v->IsNumber()) return false;
  double d = v.As<Number>()->Value();
  if (!std::isfinite(d)) *out = 0;
  else if (d >= 9223372036854775808.0) *out = INT64_MAX;
  else if (d <= -9223372036854775808.0) *out = INT64_MIN;
  else *out = static_cast<int64_t>(d);
  return true;
}

/** A Uint8Array argument's bytes (shared or not) and length; anything else is refused. */
inline bool arg_bytes(Local<Value> v, uint8_t** data, size_t* length) {
  if (!v->IsUint8Array()) return false;
  Local<Uint8Array> array = v.As<Uint8Array>();
  *length = array->Length();
  *data = static_cast<uint8_t*>(array->Buffer()->Data()) + array->ByteOffset();
  return true;
}

/**
 * A string argument as NUL-terminated UTF-8 (lone surrogates become U+FFFD, as N-API
 * converts them) into `out`, which holds 3 × MAX_PATH_BYTES + 1 bytes. Returns false
 * for a non-string; otherwise sets *length to the UTF-8 byte count, or to a value
 * ≥ MAX_PATH_BYTES when the string is that long or longer (never a truncated copy).
 */
bool arg_path(Isolate* isolate, Local<Value> v, char* out, int64_t* length) {
  if (!v->IsString()) return false;
  Local<String> s = v.As<String>();
  // UTF-8 takes at least one byte per UTF-16 unit: a string this long is too long.
  if (s->Length() >= MAX_PATH_BYTES) {
    *length = s->Length();
    return true;
  }
  // At most 3 bytes per unit (a surrogate pair is 4 bytes for 2 units): it all fits.
  int written = s->WriteUtf8(isolate, out, static_cast<int>(3 * MAX_PATH_BYTES), nullptr,
                             String::REPLACE_INVALID_UTF8 | String::NO_NULL_TERMINATION);
  out[written] = 0;
  *length = written;
  return true;
}

/** openat2(dirfd, path, {flags | O_CLOEXEC, mode, resolve}), retried on EAGAIN → fd | -errno. */
long open_how_beneath(int64_t dirfd, const char* path, int64_t flags, int64_t mode, int64_t resolve) {
#ifdef SYS_openat2
  struct open_how how;
  memset(&how, 0, sizeof how);
  how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC;
  // openat2 refuses a mode without O_CREAT or O_TMPFILE (EINVAL). O_TMPFILE includes the
  // O_DIRECTORY bit, so test for all of its bits, not any.
  how.mode = ((flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE) ? static_cast<uint64_t>(mode) : 0;
  how.resolve = static_cast<uint64_t>(resolve);
  for (int attempt = 0;; attempt++) {
    long fd = syscall(SYS_openat2, static_cast<int>(dirfd), path, &how, sizeof how);
    if (fd >= 0) return fd;
    if (errno != EAGAIN || attempt == BENEATH_RETRIES) return -errno;
  }
#else
  (void)dirfd, (void)path, (void)flags, (void)mode, (void)resolve;
  return -ENOSYS;
#endif
}

/** int openBeneath(int dirfd, const char *path, int flags, mode_t mode, uint64_t resolve) → fd | -errno: openat2(2) with O_CLOEXEC. */
void OpenBeneath(const Args& info) {
  int64_t dirfd, flags, mode, resolve, length;
  char path[3 * MAX_PATH_BYTES + 1];
  if (info.Length() < 5) return type_error(info, "@faasm/native: too few arguments");
  if (!arg_i64(info[0], &dirfd) || !arg_i64(info[2], &flags) || !arg_i64(info[3], &mode) || !arg_i64(info[4], &resolve))
    return type_error(info, "openBeneath(dirfd, path, flags, mode, resolve): numbers expected");
  if (!arg_path(info.GetIsolate(), info[1], path, &length)) return type_error(info, "openBeneath: path must be a string");
  if (length >= MAX_PATH_BYTES) return give(info, -ENAMETOOLONG);
  if (memchr(path, 0, static_cast<size_t>(length)) != nullptr) return give(info, -EINVAL);
  give(info, open_how_beneath(dirfd, path, flags, mode, resolve));
}

/**
 * int openBeneathIn(int dirfd, uint8_t *memory, uint32_t pathPtr, uint32_t pathLength,
 * int flags, mode_t mode, uint64_t resolve) → fd | -errno | OUT_OF_BOUNDS: openBeneath
 * with the path read straight from guest memory (no string decoding on the way); a NUL
 * inside it is -EINVAL, an empty path -ENOENT.
 */
void OpenBeneathIn(const Args& info) {
  int64_t dirfd, ptr, length, flags, mode, resolve;
  uint8_t* memory;
  size_t size;
  if (info.Length() < 7) return type_error(info, "@faasm/native: too few arguments");
  if (!arg_i64(info[0], &dirfd) || !arg_bytes(info[1], &memory, &size) || !arg_i64(info[2], &ptr) ||
      !arg_i64(info[3], &length) || !arg_i64(info[4], &flags) || !arg_i64(info[5], &mode) || !arg_i64(info[6], &resolve))
    return type_error(info, "openBeneathIn(dirfd, memory: Uint8Array, pathPtr, pathLength, flags, mode, resolve): bad arguments");
  if (ptr < 0 || length < 0 || static_cast<uint64_t>(ptr) + static_cast<uint64_t>(length) > size)
    return give(info, OUT_OF_BOUNDS);
  if (length >= MAX_PATH_BYTES) return give(info, -ENAMETOOLONG);
  if (length == 0) return give(info, -ENOENT);
  char path[MAX_PATH_BYTES];
  memcpy(path, memory + ptr, static_cast<size_t>(length));
  if (memchr(path, 0, static_cast<size_t>(length)) != nullptr) return give(info, -EINVAL);
  path[length] = 0;
  give(info, open_how_beneath(dirfd, path, flags, mode, resolve));
}

/** int close(int fd) → 0 | -errno. */
void Close(const Args& info) {
  int64_t fd;
  if (info.Length() < 1) return type_error(info, "@faasm/native: too few arguments");
  if (!arg_i64(info[0], &fd)) return type_error(info, "close(fd): a number expected");
  give(info, SYS_CALL(close, static_cast<int>(fd)) < 0 ? -errno : 0);
}

/**
 * Gathers a guest iovec array (u32 pointer, u32 length pairs at `iovs` in `memory`) into
 * host iovecs, checking every range. Returns the count, or OUT_OF_BOUNDS / NOT_TAKEN.
 */
long gather(uint8_t* memory, size_t size, int64_t iovs, int64_t count, struct iovec* out) {
  if (iovs < 0 || count < 0) return OUT_OF_BOUNDS;
  if (count > MAX_IOVS) return NOT_TAKEN;
  if (static_cast<uint64_t>(iovs) + static_cast<uint64_t>(count) * 8 > size) return OUT_OF_BOUNDS;
  for (int64_t i = 0; i < count; i++) {
    uint32_t ptr, len;
    memcpy(&ptr, memory + iovs + i * 8, 4);
    memcpy(&len, memory + iovs + i * 8 + 4, 4);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    ptr = __builtin_bswap32(ptr);
    len = __builtin_bswap32(len);
#endif
    if (static_cast<uint64_t>(ptr) + len > size) return OUT_OF_BOUNDS;
    out[i].iov_base = memory + ptr;
    out[i].iov_len = len;
  }
  return static_cast<long>(count);
}

/**
 * Shared body of readv/writev: (fd, memory, iovs, count, position[, resultPtr]) with
 * position -1 = the file offset. A resultPtr ≥ 0 is checked with the iovecs before any
 * I/O and receives the byte count as a little-endian u32 (WASI's nread/nwritten).
 */
template <bool writing>
void vector_io(const Args& info) {
  int64_t fd, iovs, count, position, result = -1;
  uint8_t* memory;
  size_t size;
  int argc = info.Length();
  if (argc < 5) return type_error(info, "@faasm/native: too few arguments");
  if (!arg_i64(info[0], &fd) || !arg_bytes(info[1], &memory, &size) || !arg_i64(info[2], &iovs) ||
      !arg_i64(info[3], &count) || !arg_i64(info[4], &position) || (argc > 5 && !arg_i64(info[5], &result)))
    return type_error(info, "readv/writev(fd, memory: Uint8Array, iovs, count, position, resultPtr?): bad arguments");
  if (result >= 0 && static_cast<uint64_t>(result) + 4 > size) return give(info, OUT_OF_BOUNDS);
  struct iovec vec[MAX_IOVS];
  long n = gather(memory, size, iovs, count, vec);
  if (n < 0) return give(info, n);
  ssize_t done;
  // One buffer (the common case) goes through write/read, as libuv does: the kernel then
  // copies no iovec array in.
  if (n == 1 && vec[0].iov_len > 0 && position < 0)
    done = writing ? SYS_CALL(write, static_cast<int>(fd), vec[0].iov_base, vec[0].iov_len)
                   : SYS_CALL(read, static_cast<int>(fd), vec[0].iov_base, vec[0].iov_len);
  else if (n == 1 && vec[0].iov_len > 0)
    done = writing ? pwrite(static_cast<int>(fd), vec[0].iov_base, vec[0].iov_len, static_cast<off_t>(position))
                   : pread(static_cast<int>(fd), vec[0].iov_base, vec[0].iov_len, static_cast<off_t>(position));
  else if (position < 0)
    done = writing ? SYS_CALL(writev, static_cast<int>(fd), vec, static_cast<int>(n))
                   : SYS_CALL(readv, static_cast<int>(fd), vec, static_cast<int>(n));
  else
    done = writing ? pwritev(static_cast<int>(fd), vec, static_cast<int>(n), static_cast<off_t>(position))
                   : preadv(static_cast<int>(fd), vec, static_cast<int>(n), static_cast<off_t>(position));
  if (done < 0) return give(info, -errno);
  if (result >= 0) {
    uint32_t le = static_cast<uint32_t>(done);
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    le = __builtin_bswap32(le);
#endif
    memcpy(memory + result, &le, 4);
  }
  give(info, done);
}

/** ssize_t readv(int fd, uint8_t *memory, uint32_t iovs, uint32_t count, off_t position, uint32_t resultPtr?) → bytes read | -errno | OUT_OF_BOUNDS | NOT_TAKEN. */
void ReadVector(const Args& info) { vector_io<false>(info); }

/** ssize_t writev(int fd, uint8_t *memory, uint32_t iovs, uint32_t count, off_t position, uint32_t resultPtr?) → bytes written | -errno | OUT_OF_BOUNDS | NOT_TAKEN. */
void WriteVector(const Args& info) { vector_io<true>(info); }

/** read(fd, bytes, offset, length) / write(...): one contiguous range of a Uint8Array. */
template <bool writing>
void range_io(const Args& info) {
  int64_t fd, offset, length;
  uint8_t* bytes;
  size_t size;
  if (info.Length() < 4) return type_error(info, "@faasm/native: too few arguments");
  if (!arg_i64(info[0], &fd) || !arg_bytes(info[1], &bytes, &size) || !arg_i64(info[2], &offset) || !arg_i64(info[3], &length))
    return type_error(info, "read/write(fd, bytes: Uint8Array, offset, length): bad arguments");
  if (offset < 0 || length < 0 || static_cast<uint64_t>(offset) + static_cast<uint64_t>(length) > size)
    return give(info, OUT_OF_BOUNDS);
  ssize_t done = writing ? SYS_CALL(write, static_cast<int>(fd), bytes + offset, static_cast<size_t>(length))
                         : SYS_CALL(read, static_cast<int>(fd), bytes + offset, static_cast<size_t>(length));
  give(info, done < 0 ? -errno : done);
}

/** ssize_t read(int fd, uint8_t *bytes, size_t offset, size_t length) → bytes read | -errno | OUT_OF_BOUNDS. */
void ReadRange(const Args& info) { range_io<false>(info); }

/** ssize_t write(int fd, const uint8_t *bytes, size_t offset, size_t length) → bytes written | -errno | OUT_OF_BOUNDS. */
void WriteRange(const Args& info) { range_io<true>(info); }

/** mode_t fileType(int fd) → the S_IFMT bits of fstat(2) | -errno. */
void FileType(const Args& info) {
  int64_t fd;
  if (info.Length() < 1) return type_error(info, "@faasm/native: too few arguments");
  if (!arg_i64(info[0], &fd)) return type_error(info, "fileType(fd): a number expected");
  struct stat st;
  if (fstat(static_cast<int>(fd), &st) < 0) return give(info, -errno);
  give(info, st.st_mode & S_IFMT);
}

/**
 * int connectTcp(const char *ipv4, int port, int timeoutMs) → fd | -errno: a blocking TCP
 * socket with TCP_NODELAY whose reads and writes give up after timeoutMs (EAGAIN), for
 * synchronous clients in workers whose event loop is blocked by the guest.
 */
void ConnectTcp(const Args& info) {
  int64_t port, timeout;
  if (info.Length() < 3) return type_error(info, "@faasm/native: too few arguments");
  if (!info[0]->IsString() || !arg_i64(info[1], &port) || !arg_i64(info[2], &timeout))
    return type_error(info, "connectTcp(ipv4, port, timeoutMs): bad arguments");
#ifdef __linux__
  // A dotted quad is at most 15 characters: anything much longer is no address.
  char host[64];
  Local<String> text = info[0].As<String>();
  if (text->Length() >= static_cast<int>(sizeof host) / 3) return give(info, -EINVAL);
  int written = text->WriteUtf8(info.GetIsolate(), host, sizeof host - 1, nullptr,
                                String::REPLACE_INVALID_UTF8 | String::NO_NULL_TERMINATION);
  host[written] = 0;
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (port <= 0 || port > 65535 || strlen(host) != static_cast<size_t>(written) || inet_pton(AF_INET, host, &addr.sin_addr) != 1)
    return give(info, -EINVAL);
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return give(info, -errno);
  int one = 1;
  struct timeval tv;
  tv.tv_sec = static_cast<time_t>(timeout / 1000);
  tv.tv_usec = static_cast<suseconds_t>((timeout % 1000) * 1000);
  if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one) < 0 || setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv) < 0 ||
      setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) < 0 ||
      connect(fd, reinterpret_cast<struct sockaddr*>(&addr), sizeof addr) < 0) {
    int error = errno;
    close(fd);
    return give(info, -error);
  }
  give(info, fd);
#else
  give(info, -ENOSYS);
#endif
}

/**
 * int pollIn(int fd, int timeoutMs) → revents | -errno: poll(2) of one fd for POLLIN |
 * POLLRDHUP (0 when nothing happened within timeoutMs; 0 ms does not block). Whether a
 * kept socket is still usable before a request is sent on it: POLLIN on an idle
 * request/reply connection means the peer closed it (EOF) or sent something unasked,
 * POLLRDHUP / POLLHUP / POLLERR that it is gone, POLLNVAL that fd is not open. EINTR is
 * retried. Allocation-free.
 */
void PollIn(const Args& info) {
  int64_t fd, timeout;
  if (info.Length() < 2) return type_error(info, "@faasm/native: too few arguments");
  if (!arg_i64(info[0], &fd) || !arg_i64(info[1], &timeout)) return type_error(info, "pollIn(fd, timeoutMs): numbers expected");
  if (fd < 0 || fd > INT32_MAX) return give(info, -EBADF);
  if (timeout < -1) timeout = -1;
  if (timeout > INT32_MAX) timeout = INT32_MAX;
#ifdef __linux__
  struct pollfd p;
  p.fd = static_cast<int>(fd);
  p.events = POLLIN | POLLRDHUP;
  p.revents = 0;
  long n;
  do n = poll(&p, 1, static_cast<int>(timeout));
  while (n < 0 && errno == EINTR);
  if (n < 0) return give(info, -errno);
  give(info, n == 0 ? 0 : p.revents);
#else
  give(info, -ENOSYS);
#endif
}

/**
 * int setThreadAffinity(const int *cpus, size_t count) → 0 | -errno: sched_setaffinity(0,
 * cpus) for the calling OS thread only (a Node worker or the main thread), as libomp binds
 * its threads. An empty list, a negative id or one past CPU_SETSIZE is -EINVAL.
 */
void SetThreadAffinity(const Args& info) {
  if (info.Length() < 1) return type_error(info, "@faasm/native: too few arguments");
  if (!info[0]->IsArray()) return type_error(info, "setThreadAffinity(cpus): an array of CPU ids expected");
#ifdef __linux__
  Local<Array> cpus = info[0].As<Array>();
  Local<Context> context = info.GetIsolate()->GetCurrentContext();
  uint32_t count = cpus->Length();
  cpu_set_t set;
  CPU_ZERO(&set);
  if (count == 0) return give(info, -EINVAL);
  for (uint32_t i = 0; i < count; i++) {
    Local<Value> item;
    int64_t cpu;
    if (!cpus->Get(context, i).ToLocal(&item)) return;  // an element getter threw: it propagates
    if (!arg_i64(item, &cpu)) return type_error(info, "setThreadAffinity(cpus): an array of CPU ids expected");
    if (cpu < 0 || cpu >= CPU_SETSIZE) return give(info, -EINVAL);
    CPU_SET(static_cast<int>(cpu), &set);
  }
  if (sched_setaffinity(0, sizeof set, &set) < 0) return give(info, -errno);
  give(info, 0);
#else
  give(info, -ENOSYS);
#endif
}

/** int threadAffinity(int *cpus) → the calling OS thread's CPUs, ascending (sched_getaffinity(0)) | -errno. */
void ThreadAffinity(const Args& info) {
#ifdef __linux__
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) < 0) return give(info, -errno);
  Isolate* isolate = info.GetIsolate();
  Local<Value> ids[CPU_SETSIZE];
  size_t n = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (CPU_ISSET(cpu, &set)) ids[n++] = Integer::New(isolate, cpu);
  }
  info.GetReturnValue().Set(Array::New(isolate, ids, n));
#else
  give(info, -ENOSYS);
#endif
}

/** pid_t threadId(void) → the calling OS thread's id (gettid), or -errno. */
void ThreadId(const Args& info) {
#ifdef __linux__
  give(info, syscall(SYS_gettid));
#else
  give(info, -ENOSYS);
#endif
}

/**
 * int yieldThread(void) → 0 | -errno: sched_yield(), so a thread that spins waiting for a
 * teammate lets a runnable thread queued on its CPU go first.
 */
void YieldThread(const Args& info) {
#ifdef __linux__
  give(info, syscall(SYS_sched_yield) < 0 ? -errno : 0);
#else
  give(info, -ENOSYS);
#endif
}

/**
 * Adds `name` to exports as a plain function (no prototype, not a constructor), read-only
 * and enumerable, as N-API's napi_define_properties with napi_enumerable defined it.
 */
void define(Local<Context> context, Local<Object> exports, const char* name, v8::FunctionCallback callback) {
  Isolate* isolate = context->GetIsolate();
  Local<String> key = String::NewFromUtf8(isolate, name, v8::NewStringType::kInternalized).ToLocalChecked();
  Local<FunctionTemplate> tmpl = FunctionTemplate::New(isolate, callback, Local<Value>(), Local<v8::Signature>(), 0,
                                                       v8::ConstructorBehavior::kThrow);
  tmpl->SetClassName(key);
  Local<v8::Function> function = tmpl->GetFunction(context).ToLocalChecked();
  exports->DefineOwnProperty(context, key, function, static_cast<v8::PropertyAttribute>(v8::ReadOnly | v8::DontDelete)).Check();
}

}  // namespace

// Context-aware (NODE_MODULE_INIT): the module holds no per-process state, so each
// context (the main thread's, every worker's) gets its own functions.
NODE_MODULE_INIT(/* exports, module, context */) {
  (void)module;
  define(context, exports, "openBeneath", OpenBeneath);
  define(context, exports, "openBeneathIn", OpenBeneathIn);
  define(context, exports, "close", Close);
  define(context, exports, "readv", ReadVector);
  define(context, exports, "writev", WriteVector);
  define(context, exports, "read", ReadRange);
  define(context, exports, "write", WriteRange);
  define(context, exports, "fileType", FileType);
  define(context, exports, "connectTcp", ConnectTcp);
  define(context, exports, "pollIn", PollIn);
  define(context, exports, "setThreadAffinity", SetThreadAffinity);
  define(context, exports, "threadAffinity", ThreadAffinity);
  define(context, exports, "threadId", ThreadId);
  define(context, exports, "yieldThread", YieldThread);
}
