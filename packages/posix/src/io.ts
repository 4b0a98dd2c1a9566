import { Errno, ErrnoError, ServiceKey, type FaasletHost } from '@faasm/abi';
import { FD_TABLE } from '@faasm/wasi';
import { Ioctl, Lockf, Poll } from './constants.js';
import { Filetype, absolute, pathArg, statFiletype, statPath } from './fs.js';
import { formatC } from './printf.js';
import { Static, posixOf } from './state.js';

/** Duplicates fds: provided by the fd table's owner (WASI preview1 has no dup). */
export interface FdDup {
  /** The lowest free fd ≥ minFd sharing fd's open file description; throws ErrnoError(BADF). */
  dup(fd: number, minFd?: number): number;
  /** dup2: makes `to` share fd's description (closing `to` first); returns `to`. */
  dupTo?(fd: number, to: number): number;
}
export const FD_DUP = new ServiceKey<FdDup>('@faasm/posix/fd-dup');

const STDOUT = 1;

/** Duplicates an fd through FD_DUP; a positive fd or a negative errno. */
export function dupFd(host: FaasletHost, fd: number, minFd = 0): number {
  const service = host.services.get(FD_DUP) ?? host.services.get(FD_TABLE);
  if (!service) return -Errno.NOSYS;
  try {
    return service.dup(fd, minFd);
  } catch (error) {
    if (error instanceof ErrnoError) return -error.errno;
    throw error;
  }
}

/** `int dup(int fd)`: the lowest free fd sharing fd's description; -1/EBADF for a bad fd. */
export function dup(host: FaasletHost, fd: number): number {
  const r = dupFd(host, fd);
  return r < 0 ? posixOf(host).fail(-r) : r;
}

/** `__wasi_errno_t __wasi_fd_dup(__wasi_fd_t fd, __wasi_fd_t* out)`: as dup, WASI errno result. */
export function wasiFdDup(host: FaasletHost, fd: number, out: number): number {
  host.memory.check(out, 4);
  const r = dupFd(host, fd);
  if (r < 0) return -r;
  host.memory.setU32(out, r);
  return 0;
}

/** ioctl body shared with the syscall: 0 or a negative errno. */
export function ioctlErrno(host: FaasletHost, fd: number, request: number, arg: number): number {
  const state = posixOf(host);
  const type = state.wasi.filetype(fd);
  if (type < 0) return type;
  const tty = type === Filetype.CHARACTER_DEVICE;
  switch (request >>> 0) {
    case Ioctl.TIOCGWINSZ: {
      if (!tty) return -Errno.NOTTY;
      const size = state.options.winsize ?? { rows: 24, cols: 80 };
      host.memory.setU16(arg, size.rows);
      host.memory.setU16(arg + 2, size.cols);
      host.memory.setU16(arg + 4, 0);
      host.memory.setU16(arg + 6, 0);
      return 0;
    }
    case Ioctl.TCGETS:
      if (!tty) return -Errno.NOTTY;
      host.memory.fill(arg, 60, 0);
      return 0;
    case Ioctl.TIOCSWINSZ:
    case Ioctl.TCSETS:
    case Ioctl.TIOCGPGRP:
      return tty ? -Errno.PERM : -Errno.NOTTY;
    case Ioctl.FIONREAD_LINUX:
    case Ioctl.FIONREAD_WASI:
      host.memory.setI32(arg, 0);
      return 0;
    case Ioctl.FIONBIO_LINUX:
    case Ioctl.FIONBIO_WASI:
      host.memory.check(arg, 4);
      return 0;
    default:
      return -Errno.NOTTY;
  }
}

/** `int ioctl(int fd, unsigned long req, void* arg)`: TIOCGWINSZ/TCGETS on ttys, FIONREAD (0), FIONBIO; others -1/ENOTTY. */
export function ioctl(host: FaasletHost, fd: number, request: number, arg: number): number {
  const r = ioctlErrno(host, fd, request, arg);
  return r < 0 ? posixOf(host).fail(-r) : r;
}

function writeStdout(host: FaasletHost, text: string): number {
  const bytes = new TextEncoder().encode(text);
  const errno = posixOf(host).wasi.writeBytes(STDOUT, bytes);
  return errno === 0 ? bytes.length : posixOf(host).fail(errno);
}

/** `int puts(const char* s)`: writes s and a newline to stdout; 0, or EOF (-1) on error. */
export function puts(host: FaasletHost, s: number): number {
  return writeStdout(host, `${host.memory.cstring(s)}\n`) < 0 ? -1 : 0;
}

/** `int putc(int c, FILE* stream)`: writes the byte to stdout (the stream is ignored, as in Faasm); c, or EOF. */
export function putc(host: FaasletHost, c: number, _stream: number): number {
  const errno = posixOf(host).wasi.writeBytes(STDOUT, Uint8Array.of(c & 0xff));
  return errno === 0 ? c & 0xff : posixOf(host).fail(errno);
}

/** `int vfprintf(FILE* f, const char* fmt, va_list ap)`: formatted to stdout (as Faasm); bytes written. */
export function vfprintf(host: FaasletHost, _file: number, format: number, ap: number): number {
  return writeStdout(host, formatC(host.memory, host.memory.cstring(format), ap));
}

/** `int fiprintf(FILE* f, const char* fmt, ...)`: integer-only fprintf, formatted to stdout; bytes written. */
export function fiprintf(host: FaasletHost, file: number, format: number, args: number): number {
  return vfprintf(host, file, format, args);
}

/** `int __small_sprintf(char* buf, const char* fmt, ...)`: formats into buf with a NUL; returns the length. */
export function smallSprintf(host: FaasletHost, buf: number, format: number, args: number): number {
  return host.memory.writeCString(buf, formatC(host.memory, host.memory.cstring(format), args)) - 1;
}

/** `void bzero(void* p, size_t n)`: zeroes n bytes. */
export function bzero(host: FaasletHost, ptr: number, len: number): void {
  host.memory.fill(ptr, len >>> 0, 0);
}

/** `FILE* tmpfile(void)`: NULL/ENOSYS (a FILE belongs to the guest's libc; use mkstemp). */
export function tmpfile(host: FaasletHost): number {
  posixOf(host).fail(Errno.NOSYS);
  return 0;
}

/** Copies a string to a guest buffer the caller owns: its malloc if exported, else the static path buffer. */
function returnString(host: FaasletHost, text: string): number {
  const bytes = new TextEncoder().encode(text);
  const malloc = host.exports.function('malloc');
  const state = posixOf(host);
  const ptr = malloc ? (malloc(bytes.length + 1) as number) >>> 0 : state.at(Static.PATH);
  if (ptr === 0 || (!malloc && bytes.length + 1 > Static.PATH_SIZE)) {
    state.fail(ptr === 0 ? Errno.NOMEM : Errno.NAMETOOLONG);
    return 0;
  }
  host.memory.write(ptr, bytes);
  host.memory.setU8(ptr + bytes.length, 0);
  return ptr;
}

/** `char* tempnam(const char* dir, const char* pfx)`: a fresh name under dir (or /tmp), malloc'd; NULL/EEXIST after 100 tries. */
export function tempnam(host: FaasletHost, dir: number, pfx: number): number {
  const base = dir !== 0 ? host.memory.cstring(dir, 4096) : '/tmp';
  const prefix = pfx !== 0 ? host.memory.cstring(pfx, 4096).slice(0, 5) : 'file';
  for (let i = 0; i < 100; i++) {
    const suffix = Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');
    const name = `${base.replace(/\/+$/, '')}/${prefix}${suffix}`;
    if (statPath(host, name, false) === -Errno.NOENT) return returnString(host, name);
  }
  posixOf(host).fail(Errno.EXIST);
  return 0;
}

/** `char* realpath(const char* path, char* resolved)`: the absolute normalised path if it exists; into resolved (PATH_MAX) or malloc'd; NULL/errno. */
export function realpath(host: FaasletHost, path: number, resolved: number): number {
  const name = host.memory.cstring(path, 4096);
  const stat = statPath(host, name);
  if (stat < 0) {
    posixOf(host).fail(-stat);
    return 0;
  }
  const full = absolute(host, name);
  if (resolved === 0) return returnString(host, full);
  host.memory.check(resolved, 4096);
  host.memory.writeCString(resolved, full);
  return resolved;
}

/** `int dirfd(DIR* d)`: the fd stored first in the libc's DIR; NULL → -1/EINVAL. */
export function dirfd(host: FaasletHost, dir: number): number {
  if (dir === 0) return posixOf(host).fail(Errno.INVAL);
  return host.memory.i32(dir);
}

/**
 * `int poll(struct pollfd* fds, nfds_t n, int timeout)` (`{ int fd; short events; short
 * revents; }`): files and stdio are always ready for what they support; a bad fd gets
 * POLLNVAL. With nothing ready the timeout elapses (bounded by 60 s). Returns the number
 * of entries with events; -1/EINVAL for n > 1024 or an infinite wait on nothing.
 */
export function poll(host: FaasletHost, fds: number, nfds: number, timeout: number): number {
  const state = posixOf(host);
  const n = nfds >>> 0;
  if (n > 1024 || (n === 0 && timeout < 0)) return state.fail(Errno.INVAL);
  host.memory.check(fds, n * 8);
  let ready = 0;
  for (let i = 0; i < n; i++) {
    const at = fds + i * 8;
    const fd = host.memory.i32(at);
    const events = host.memory.u16(at + 4);
    let revents = 0;
    if (fd >= 0) {
      const type = state.wasi.filetype(fd);
      if (type < 0) revents = Poll.NVAL;
      else if (type === Filetype.SOCKET_STREAM || type === Filetype.SOCKET_DGRAM) revents = events & Poll.OUT;
      else revents = events & (Poll.IN | Poll.OUT);
    }
    host.memory.setU16(at + 6, revents);
    if (revents !== 0) ready++;
  }
  if (ready === 0 && timeout > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Math.min(timeout, 60_000));
  return ready;
}

/**
 * `ssize_t sendfile(int out, int in, off_t* offset, size_t count)`: copies one chunk (at
 * most 56 KiB: a short count is allowed, callers loop) through scratch, from *offset
 * (updated) or the current position. Returns bytes copied, 0 at end of file, or -1/errno
 * (EINVAL when in == out).
 */
export function sendfile(host: FaasletHost, outFd: number, inFd: number, offsetPtr: number, count: number): number {
  const state = posixOf(host);
  const wasi = state.wasi;
  const offset = offsetPtr !== 0 ? host.memory.i32(offsetPtr) : -1;
  if (outFd === inFd) return state.fail(Errno.INVAL);
  const iov = wasi.scratch(0);
  const nread = wasi.scratch(8);
  const buf = wasi.scratch(64);
  const want = Math.min(Static.SCRATCH_SIZE - 64, count >>> 0);
  if (want === 0) return 0;
  host.memory.setU32(iov, buf);
  host.memory.setU32(iov + 4, want);
  host.memory.setU32(nread, 0);
  const errno = offset >= 0 ? wasi.call('fd_pread', inFd, iov, 1, BigInt(offset), nread) : wasi.call('fd_read', inFd, iov, 1, nread);
  if (errno !== 0) return state.fail(errno);
  const n = host.memory.u32(nread);
  if (n > want) return state.fail(Errno.IO);
  const werr = wasi.writeAll(outFd, buf, n);
  if (werr !== 0) return state.fail(werr);
  if (offsetPtr !== 0) host.memory.setI32(offsetPtr, offset + n);
  return n;
}

/** `int lockf(int fd, int cmd, off_t len)`: no other process can hold a lock: 0 for a valid fd; EBADF/EINVAL. */
export function lockf(host: FaasletHost, fd: number, cmd: number, _len: bigint): number {
  const state = posixOf(host);
  const type = state.wasi.filetype(fd);
  if (type < 0) return state.fail(-type);
  if (cmd !== Lockf.ULOCK && cmd !== Lockf.LOCK && cmd !== Lockf.TLOCK && cmd !== Lockf.TEST) return state.fail(Errno.INVAL);
  return 0;
}

/** `int chdir(const char* path)`: sets the Faaslet's cwd to an existing directory; -1/ENOENT/ENOTDIR. */
export function chdir(host: FaasletHost, path: number): number {
  const state = posixOf(host);
  const name = host.memory.cstring(path, 4096);
  const stat = statPath(host, name);
  if (stat < 0) return state.fail(-stat);
  if (statFiletype(host, stat) !== Filetype.DIRECTORY) return state.fail(Errno.NOTDIR);
  state.cwd = absolute(host, name);
  return 0;
}

/** `int fchdir(int fd)`: to a preopened directory fd; other directories -1/ENOSYS (fds do not keep paths); -1/EBADF/ENOTDIR. */
export function fchdir(host: FaasletHost, fd: number): number {
  const state = posixOf(host);
  const type = state.wasi.filetype(fd);
  if (type < 0) return state.fail(-type);
  if (type !== Filetype.DIRECTORY) return state.fail(Errno.NOTDIR);
  const preopen = state.wasi.preopens().find((p) => p.fd === fd);
  if (!preopen) return state.fail(Errno.NOSYS);
  state.cwd = preopen.name === '.' ? undefined : absolute(host, preopen.name);
  return 0;
}

/** `int chmod(const char* path, mode_t mode)`: WASI files have no modes: 0 if the path exists, else -1/errno. */
export function chmod(host: FaasletHost, path: number, _mode: number): number {
  const stat = statPath(host, host.memory.cstring(path, 4096));
  return stat < 0 ? posixOf(host).fail(-stat) : 0;
}

/** `int utime(const char* path, const struct utimbuf* t)` (`{ i64 actime; i64 modtime; }`, NULL = now): 0 or -1/errno. */
export function utime(host: FaasletHost, path: number, times: number): number {
  const state = posixOf(host);
  const arg = pathArg(host, host.memory.cstring(path, 4096));
  if (typeof arg === 'number') return state.fail(-arg);
  let atim = 0n;
  let mtim = 0n;
  let flags = 2 | 8; // ATIM_NOW | MTIM_NOW
  if (times !== 0) {
    atim = host.memory.i64(times) * 1_000_000_000n;
    mtim = host.memory.i64(times + 8) * 1_000_000_000n;
    flags = 1 | 4; // ATIM | MTIM
  }
  const errno = state.wasi.call('path_filestat_set_times', arg[0], 1, arg[1], arg[2], atim, mtim, flags);
  return errno === 0 ? 0 : state.fail(errno);
}

/** `char* strncat(char* dst, const char* src, size_t n)`: appends at most n bytes of src and a NUL; returns dst. */
export function strncat(host: FaasletHost, dst: number, src: number, n: number): number {
  const end = dst + host.memory.cstringBytes(dst).length;
  const wanted = n >>> 0;
  const limit = Math.min(wanted, Math.max(0, host.memory.size - (src >>> 0)));
  const view = host.memory.bytes(src, limit);
  const nul = view.indexOf(0);
  if (nul < 0 && limit < wanted) host.memory.check(src, limit + 1);
  const part = view.subarray(0, nul < 0 ? limit : nul).slice();
  host.memory.write(end, part);
  host.memory.setU8(end + part.length, 0);
  return dst;
}

/** `int atoi(const char* s)`: C's atoi (leading space, sign, decimal digits; wraps to 32 bits). */
export function atoi(host: FaasletHost, s: number): number {
  const text = host.memory.cstring(s);
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d*)/.exec(text)!;
  let v = 0;
  for (const d of m[2] ?? '') v = (v * 10 + Number(d)) % 4294967296;
  return (m[1] === '-' ? -v : v) | 0;
}
