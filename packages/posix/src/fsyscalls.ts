import { Errno, type FaasletHost } from '@faasm/abi';
import { Identity } from './constants.js';
import { Filetype, SYMLINK_FOLLOW, pathArg, statPath } from './fs.js';
import { closeSocket } from './sockets.js';
import { Static, posixOf } from './state.js';

// The file syscalls of Faasm's `s__*` list (musl i386 numbering, Linux flag values),
// implemented over WASI. Each returns a value ≥ 0 or a negative errno (WASI numbering).

/** Linux open flags (musl). */
export const O = { WRONLY: 1, RDWR: 2, CREAT: 0o100, EXCL: 0o200, TRUNC: 0o1000, APPEND: 0o2000, NONBLOCK: 0o4000, DSYNC: 0o10000, DIRECTORY: 0o200000, NOFOLLOW: 0o400000, SYNC: 0o4010000 } as const;

const RIGHT_FD_READ = 1n << 1n;
const RIGHT_FD_WRITE = 1n << 6n;
const RIGHT_FD_READDIR = 1n << 14n;

/** A path argument read from the guest; traps if the pointer is wild. */
function path(host: FaasletHost, ptr: number): string {
  return host.memory.cstring(ptr, 4096);
}

/** open(path, flags, mode) → fd or -errno (path_open under the matching preopen). */
export function sysOpen(host: FaasletHost, pathPtr: number, flags: number, _mode: number, dirFd?: number): number {
  const wasi = posixOf(host).wasi;
  const name = path(host, pathPtr);
  let dir: number;
  let relPtr: number;
  let relLen: number;
  if (dirFd !== undefined && !name.startsWith('/')) {
    const written = wasi.scratchString(name, 256);
    if (!written) return -Errno.NAMETOOLONG;
    [dir, relPtr, relLen] = [dirFd, written[0], written[1]];
  } else {
    const arg = pathArg(host, name);
    if (typeof arg === 'number') return arg;
    [dir, relPtr, relLen] = arg;
  }
  const stat = wasi.scratch(4096);
  const e1 = wasi.call('fd_fdstat_get', dir, stat);
  if (e1 !== 0) return -e1;
  let rights = host.memory.u64(stat + 16);
  const access = flags & 3;
  if (access === 0) rights &= ~RIGHT_FD_WRITE;
  if (access === O.WRONLY) rights &= ~(RIGHT_FD_READ | RIGHT_FD_READDIR);
  const oflags = (flags & O.CREAT ? 1 : 0) | (flags & O.DIRECTORY ? 2 : 0) | (flags & O.EXCL ? 4 : 0) | (flags & O.TRUNC ? 8 : 0);
  const fdflags = (flags & O.APPEND ? 1 : 0) | ((flags & O.SYNC) === O.SYNC ? 16 : flags & O.DSYNC ? 2 : 0) | (flags & O.NONBLOCK ? 4 : 0);
  const out = wasi.scratch(4096 + 64);
  const errno = wasi.call('path_open', dir, flags & O.NOFOLLOW ? 0 : SYMLINK_FOLLOW, relPtr, relLen, oflags, rights, rights, fdflags, out);
  return errno === 0 ? host.memory.u32(out) : -errno;
}

/** close(fd) → 0 or -errno (sockets included). */
export function sysClose(host: FaasletHost, fd: number): number {
  const state = posixOf(host);
  if (closeSocket(host, fd)) return 0;
  state.dirCookies.delete(fd);
  return -state.wasi.call('fd_close', fd);
}

/** read/write(fd, buf, n) through one iovec in scratch. */
export function sysReadWrite(host: FaasletHost, op: 'fd_read' | 'fd_write', fd: number, buf: number, len: number): number {
  const wasi = posixOf(host).wasi;
  host.memory.check(buf, len >>> 0);
  const iov = wasi.scratch(0);
  host.memory.setU32(iov, buf);
  host.memory.setU32(iov + 4, len >>> 0);
  const errno = wasi.call(op, fd, iov, 1, wasi.scratch(8));
  return errno === 0 ? host.memory.u32(wasi.scratch(8)) : -errno;
}

/** readv/writev(fd, iov, n): musl's iovec is WASI's iovec: passed straight through. */
export function sysReadvWritev(host: FaasletHost, op: 'fd_read' | 'fd_write', fd: number, iov: number, count: number): number {
  const wasi = posixOf(host).wasi;
  host.memory.iovecs(iov, count);
  const errno = wasi.call(op, fd, iov, count, wasi.scratch(8));
  return errno === 0 ? host.memory.u32(wasi.scratch(8)) : -errno;
}

/** _llseek(fd, hi, lo, result*, whence) and lseek: fd_seek. */
export function sysSeek(host: FaasletHost, fd: number, offset: bigint, whence: number, result: number): number {
  const state = posixOf(host);
  if (result !== 0) host.memory.check(result, 8);
  if (whence < 0 || whence > 2) return -Errno.INVAL;
  if (state.dirCookies.has(fd) && offset === 0n && whence === 0) {
    state.dirCookies.set(fd, 0n);
    if (result !== 0) host.memory.setI64(result, 0n);
    return 0;
  }
  const out = state.wasi.scratch(8);
  const errno = state.wasi.call('fd_seek', fd, offset, whence, out);
  if (errno !== 0) return -errno;
  const pos = host.memory.u64(out);
  if (result !== 0) host.memory.setU64(result, pos);
  return pos > 0x7fffffffn ? -Errno.OVERFLOW : Number(pos);
}

const MODE_OF: Readonly<Record<number, number>> = {
  [Filetype.BLOCK_DEVICE]: 0o060660,
  [Filetype.CHARACTER_DEVICE]: 0o020666,
  [Filetype.DIRECTORY]: 0o040755,
  [Filetype.REGULAR_FILE]: 0o100644,
  [Filetype.SOCKET_DGRAM]: 0o140777,
  [Filetype.SOCKET_STREAM]: 0o140777,
  [Filetype.SYMBOLIC_LINK]: 0o120777,
};

/**
 * Writes musl's wasm32 `struct stat` (Faasm's wasm_stat, 144 bytes: dev u64, ino u64,
 * nlink u64, mode u32, uid, gid, pad, rdev u64 @40, size i64 @48, blksize i32 @56,
 * blocks i64 @64, atim/mtim/ctim { i64 sec; i32 nsec } @72/88/104) from a WASI filestat.
 */
function writeStat(host: FaasletHost, filestat: number, out: number): void {
  const m = host.memory;
  m.check(out, 144);
  const size = m.u64(filestat + 32);
  const type = m.u8(filestat + 16);
  m.fill(out, 144, 0);
  m.setU64(out, m.u64(filestat));
  m.setU64(out + 8, m.u64(filestat + 8));
  m.setU64(out + 16, m.u64(filestat + 24));
  m.setU32(out + 24, MODE_OF[type] ?? 0);
  m.setU32(out + 28, Identity.UID);
  m.setU32(out + 32, Identity.GID);
  m.setU64(out + 48, size);
  m.setI32(out + 56, 4096);
  m.setU64(out + 64, (size + 511n) / 512n);
  [40, 48, 56].forEach((src, i) => {
    const ns = m.u64(filestat + src);
    m.setI64(out + 72 + i * 16, ns / 1_000_000_000n);
    m.setI32(out + 80 + i * 16, Number(ns % 1_000_000_000n));
  });
}

/** stat64/lstat64(path, buf). */
export function sysStat(host: FaasletHost, pathPtr: number, buf: number, follow: boolean): number {
  host.memory.check(buf, 144);
  const st = statPath(host, path(host, pathPtr), follow);
  if (st < 0) return st;
  writeStat(host, st, buf);
  return 0;
}

/** fstat64(fd, buf). */
export function sysFstat(host: FaasletHost, fd: number, buf: number): number {
  const state = posixOf(host);
  host.memory.check(buf, 144);
  if (state.sockets.has(fd)) {
    host.memory.fill(buf, 144, 0);
    host.memory.setU32(buf + 24, 0o140777);
    return 0;
  }
  const st = state.wasi.scratch(4096);
  const errno = state.wasi.call('fd_filestat_get', fd, st);
  if (errno !== 0) return -errno;
  writeStat(host, st, buf);
  return 0;
}

const DT_OF: Readonly<Record<number, number>> = { 1: 6, 2: 2, 3: 4, 4: 8, 5: 12, 6: 12, 7: 10 };

/**
 * getdents64(fd, buf, len): WASI readdir entries turned into `struct linux_dirent64
 * { u64 d_ino; i64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }`, the position kept
 * per fd. Returns bytes written, 0 at the end, -EINVAL if the buffer is too small.
 */
export function sysGetdents64(host: FaasletHost, fd: number, buf: number, len: number): number {
  const state = posixOf(host);
  const wasi = state.wasi;
  const m = host.memory;
  m.check(buf, len >>> 0);
  const cookie = state.dirCookies.get(fd) ?? 0n;
  const scratch = wasi.scratch(64);
  const scratchLen = Static.SCRATCH_SIZE - 128;
  const errno = wasi.call('fd_readdir', fd, scratch, scratchLen, cookie, wasi.scratch(8));
  if (errno !== 0) return -errno;
  const used = m.u32(wasi.scratch(8));
  let at = 0;
  let out = 0;
  let next = cookie;
  while (at + 24 <= used) {
    const namlen = m.u32(scratch + at + 16);
    if (at + 24 + namlen > used) break;
    const reclen = Math.ceil((19 + namlen + 1) / 8) * 8;
    if (out + reclen > (len >>> 0)) break;
    const d = buf + out;
    const dNext = m.u64(scratch + at);
    m.fill(d, reclen, 0);
    m.setU64(d, m.u64(scratch + at + 8));
    m.setU64(d + 8, dNext);
    m.setU16(d + 16, reclen);
    m.setU8(d + 18, DT_OF[m.u8(scratch + at + 20)] ?? 0);
    m.move(d + 19, scratch + at + 24, namlen);
    next = dNext;
    out += reclen;
    at += 24 + namlen;
  }
  if (out === 0 && at + 24 <= used) return -Errno.INVAL;
  state.dirCookies.set(fd, next);
  return out;
}

/** A path syscall that maps to one WASI path function: (fd, path, len). */
export function sysPathOp(host: FaasletHost, op: 'path_create_directory' | 'path_unlink_file' | 'path_remove_directory', pathPtr: number): number {
  const arg = pathArg(host, path(host, pathPtr));
  if (typeof arg === 'number') return arg;
  return -posixOf(host).wasi.call(op, ...arg);
}

/** rename(src, dst). */
export function sysRename(host: FaasletHost, srcPtr: number, dstPtr: number): number {
  const src = pathArg(host, path(host, srcPtr), 256);
  if (typeof src === 'number') return src;
  const dst = pathArg(host, path(host, dstPtr), 256 + 4100);
  if (typeof dst === 'number') return dst;
  return -posixOf(host).wasi.call('path_rename', ...src, ...dst);
}

/** access(path, mode): 0 if the path exists (WASI has no permission bits), else -errno. */
export function sysAccess(host: FaasletHost, pathPtr: number, _mode: number): number {
  const st = statPath(host, path(host, pathPtr));
  return st < 0 ? st : 0;
}

/** readlink(path, buf, len): bytes placed (no NUL) or -errno. */
export function sysReadlink(host: FaasletHost, pathPtr: number, buf: number, len: number): number {
  host.memory.check(buf, len >>> 0);
  const arg = pathArg(host, path(host, pathPtr));
  if (typeof arg === 'number') return arg;
  const wasi = posixOf(host).wasi;
  const errno = wasi.call('path_readlink', ...arg, buf, len >>> 0, wasi.scratch(8));
  return errno === 0 ? host.memory.u32(wasi.scratch(8)) : -errno;
}

/** getcwd(buf, size): the cwd with a NUL; returns its length + 1, or -ERANGE. */
export function sysGetcwd(host: FaasletHost, buf: number, size: number): number {
  const cwd = posixOf(host).cwd ?? '/';
  const bytes = new TextEncoder().encode(cwd);
  if (bytes.length + 1 > size >>> 0) return -Errno.RANGE;
  host.memory.writeCString(buf, cwd);
  return bytes.length + 1;
}
