import { Errno } from '@faasm/abi';
import { Advice, Fdflags, Filetype, Fstflags, Rights, Whence } from './constants.js';
import { NOT_AN_ERRNO, NOT_TAKEN, type FastPaths } from './backend.js';
import { DescKind, Mode } from './fdtable.js';
import { FDSTAT, FILESTAT, PRESTAT } from './layout.js';
import { filetypeOf, slotWith } from './access.js';
import { errnoOf, fail, type WasiHost } from './state.js';
import { realtimeNs } from './process.js';

const MAX_OFFSET = Number.MAX_SAFE_INTEGER;
const MAX_OFFSET_BIG = BigInt(MAX_OFFSET);

function isStdio(kind: number): boolean {
  return kind !== DescKind.FILE;
}

/** Like slotWith, but a stream (stdio, pipe, socket) is SPIPE before any rights check (seek-type calls). */
function seekable(w: WasiHost, fd: number, right: number): number {
  const s = w.table.slot(fd);
  if (s < 0) fail(Errno.BADF);
  const d = w.table.desc(s);
  if (isStdio(w.table.kind(d)) || (w.table.mode(d) & Mode.STREAM) !== 0) fail(Errno.SPIPE);
  const type = filetypeOf(w, d);
  // FIFOs show as UNKNOWN (preview1 has no fifo type); character devices may seek (/dev/null does).
  if (type === Filetype.UNKNOWN || type === Filetype.SOCKET_STREAM || type === Filetype.SOCKET_DGRAM) fail(Errno.SPIPE);
  return slotWith(w, fd, right);
}

/**
 * The position an fd_read/fd_write passes to the backend. While the description's
 * position equals the handle's own (kernel) position — no seek has moved it apart —
 * plain read()/write() are used, as node:wasi does (positional I/O is measurably
 * slower through Node's fs); after such a seek, pread()/pwrite() at the tracked position.
 */
function ioPosition(w: WasiHost, d: number): number | null {
  const mode = w.table.mode(d);
  return (mode & Mode.STREAM) !== 0 || (mode & Mode.DESYNC) === 0 ? null : w.table.position(d);
}

/** Reads into each buffer in turn (at `at`, or at the description's position); stops at a short read. */
function readInto(w: WasiHost, d: number, views: Uint8Array[], at: number | null): number {
  const t = w.table;
  const kind = t.kind(d);
  let total = 0;
  if (kind === DescKind.STDIN) {
    for (const v of views) {
      const n = w.stdio.read(v);
      total += n;
      if (n < v.byteLength) break;
    }
    return total;
  }
  if (kind !== DescKind.FILE) fail(Errno.BADF);
  const h = t.handleOf(d);
  let pos = at ?? ioPosition(w, d);
  for (const v of views) {
    if (v.byteLength === 0) continue;
    let n: number;
    try {
      n = w.fs.read(h, v, pos);
    } catch (e) {
      // Pipes refuse pread: the description becomes a stream, read at the stream position.
      if ((e as { code?: string }).code !== 'ESPIPE' || at !== null || pos === null) throw e;
      t.setMode(d, t.mode(d) | Mode.STREAM);
      return readInto(w, d, views, null);
    }
    total += n;
    if (pos !== null) pos += n;
    if (n < v.byteLength) break;
  }
  if (at === null && (t.mode(d) & Mode.STREAM) === 0) t.setPosition(d, t.position(d) + total);
  return total;
}

/** Writes each buffer in turn; APPEND writes at the end of file (the table emulates it). */
function writeFrom(w: WasiHost, d: number, views: Uint8Array[], at: number | null): number {
  const t = w.table;
  const kind = t.kind(d);
  let total = 0;
  if (kind === DescKind.STDOUT || kind === DescKind.STDERR) {
    for (const v of views) total += w.stdio.write(kind === DescKind.STDOUT ? 1 : 2, v);
    return total;
  }
  if (kind !== DescKind.FILE) fail(Errno.BADF);
  const h = t.handleOf(d);
  const mode = t.mode(d);
  const append = at === null && (t.fdflags(d) & Fdflags.APPEND) !== 0 && (mode & Mode.STREAM) === 0;
  let pos = at ?? (append ? Number(w.fs.fstat(h).size) : ioPosition(w, d));
  const start = pos;
  for (const v of views) {
    if (v.byteLength === 0) continue;
    let n: number;
    try {
      n = w.fs.write(h, v, pos);
    } catch (e) {
      if ((e as { code?: string }).code !== 'ESPIPE' || at !== null || pos === null) throw e;
      t.setMode(d, t.mode(d) | Mode.STREAM);
      return writeFrom(w, d, views, null);
    }
    total += n;
    if (pos !== null) pos += n;
    if (n < v.byteLength) break;
  }
  if (at === null && (t.mode(d) & Mode.STREAM) === 0) {
    if (append) {
      // The handle's own position did not move: the description is now apart from it.
      t.setPosition(d, start! + total);
      t.setMode(d, t.mode(d) | Mode.DESYNC);
    } else {
      t.setPosition(d, t.position(d) + total);
    }
  }
  return total;
}

/** A FastPaths readv/writev result that failed → its WASI errno, or NOT_TAKEN (the portable path decides). */
function fastErrno(fast: FastPaths, n: number): number {
  return n < NOT_AN_ERRNO ? NOT_TAKEN : fast.errno(-n);
}

/**
 * fd_read/fd_write of a file through the backend's fast path: one readv/writev of the
 * guest's iovec array straight from guest memory, at the handle's own position (or
 * positional at the tracked one after a seek moved them apart), the count stored at
 * `resultPtr` → an errno, or NOT_TAKEN (e.g. a range out of bounds: the portable path
 * traps on it). No allocation.
 */
function fastStreamIo(w: WasiHost, fast: FastPaths, d: number, iovs: number, count: number, resultPtr: number, writing: boolean): number {
  const t = w.table;
  const h = t.handleOf(d);
  const mode = t.mode(d);
  const memory = w.memory.all;
  const position = (mode & (Mode.STREAM | Mode.DESYNC)) === Mode.DESYNC ? t.position(d) : -1;
  const n = writing ? fast.writev(h, memory, iovs, count, position, resultPtr) : fast.readv(h, memory, iovs, count, position, resultPtr);
  if (n < 0) return fastFailed(w, fast, d, iovs, count, resultPtr, writing, n, position);
  if (n > 0 && (mode & Mode.STREAM) === 0) t.setPosition(d, t.position(d) + n);
  return Errno.SUCCESS;
}

/** fastStreamIo's failure `n` → its errno or NOT_TAKEN; positional I/O refused by a pipe is retried as a stream. */
function fastFailed(w: WasiHost, fast: FastPaths, d: number, iovs: number, count: number, resultPtr: number, writing: boolean, n: number, position: number): number {
  const e = fastErrno(fast, n);
  if (e !== Errno.SPIPE || position < 0) return e;
  // Pipes refuse positional I/O: the description becomes a stream (as in readInto).
  const t = w.table;
  t.setMode(d, t.mode(d) | Mode.STREAM);
  const h = t.handleOf(d);
  const memory = w.memory.all;
  const again = writing ? fast.writev(h, memory, iovs, count, -1, resultPtr) : fast.readv(h, memory, iovs, count, -1, resultPtr);
  return again >= 0 ? Errno.SUCCESS : fastErrno(fast, again);
}

/**
 * fd_read/fd_write of a file without the portable path's iovec array: through the
 * backend's fast path (one readv/writev from guest memory; any pointer out of bounds
 * comes back NOT_TAKEN before any I/O, and the portable path traps on it), or, without
 * one, a single buffer at the file's own position. → an errno, or NOT_TAKEN (stdio,
 * APPEND writes, missing rights: the portable path handles them and their errors).
 */
function fileIo(w: WasiHost, fd: number, iovs: number, iovsLen: number, resultPtr: number, writing: boolean): number {
  const t = w.table;
  const s = t.slot(fd);
  if (s < 0 || (t.rightsLo(s) & (writing ? Rights.FD_WRITE : Rights.FD_READ)) === 0) return NOT_TAKEN;
  const d = t.desc(s);
  if (t.kind(d) !== DescKind.FILE || (writing && (t.fdflags(d) & Fdflags.APPEND) !== 0)) return NOT_TAKEN;
  const fast = w.fast;
  return fast !== undefined
    ? fastStreamIo(w, fast, d, iovs >>> 0, iovsLen >>> 0, resultPtr >>> 0, writing)
    : portableFileIo(w, d, iovs, iovsLen, resultPtr, writing);
}

/**
 * fileIo without fast paths: one buffer at the file's own position (no array, no
 * position arithmetic) → an errno, or NOT_TAKEN (several buffers, or after a seek).
 */
function portableFileIo(w: WasiHost, d: number, iovs: number, iovsLen: number, resultPtr: number, writing: boolean): number {
  const t = w.table;
  if (iovsLen !== 1 || (t.mode(d) & Mode.DESYNC) !== 0) return NOT_TAKEN;
  const m = w.memory;
  m.check(resultPtr, 4);
  const view = m.bytes(m.u32(iovs), m.u32(iovs + 4));
  let n: number;
  try {
    n = writing ? w.fs.write(t.handleOf(d), view, null) : view.byteLength === 0 ? 0 : w.fs.read(t.handleOf(d), view, null);
  } catch (e) {
    return errnoOf(e);
  }
  if ((t.mode(d) & Mode.STREAM) === 0) t.setPosition(d, t.position(d) + n);
  m.setU32(resultPtr, n);
  return Errno.SUCCESS;
}

/**
 * `errno fd_write(fd, const ciovec *iovs, size iovs_len, size *nwritten)`. Files take the
 * backend's fast path (one writev from guest memory) or, portably, one write per buffer;
 * stdout/stderr go to the STDIO service (capture or passthrough); APPEND writes at the
 * end of file.
 */
export function fdWrite(w: WasiHost, fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number {
  // Small on purpose: V8 inlines the whole quick path into the import's wrapper.
  const quick = fileIo(w, fd, iovs, iovsLen, nwrittenPtr, true);
  return quick !== NOT_TAKEN ? quick : writePortable(w, fd, iovs, iovsLen, nwrittenPtr);
}

/** fd_write's portable path: stdio, APPEND, errors and traps in the witx order. */
function writePortable(w: WasiHost, fd: number, iovs: number, iovsLen: number, nwrittenPtr: number): number {
  w.memory.check(nwrittenPtr, 4);
  const views = w.memory.iovecs(iovs, iovsLen);
  try {
    const s = slotWith(w, fd, Rights.FD_WRITE);
    w.memory.setU32(nwrittenPtr, writeFrom(w, w.table.desc(s), views, null));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_read(fd, const iovec *iovs, size iovs_len, size *nread)`: files as fd_write; stdin empty or inherited. */
export function fdRead(w: WasiHost, fd: number, iovs: number, iovsLen: number, nreadPtr: number): number {
  const quick = fileIo(w, fd, iovs, iovsLen, nreadPtr, false);
  return quick !== NOT_TAKEN ? quick : readPortable(w, fd, iovs, iovsLen, nreadPtr);
}

/** fd_read's portable path, as writePortable. */
function readPortable(w: WasiHost, fd: number, iovs: number, iovsLen: number, nreadPtr: number): number {
  w.memory.check(nreadPtr, 4);
  const views = w.memory.iovecs(iovs, iovsLen);
  try {
    const s = slotWith(w, fd, Rights.FD_READ);
    w.memory.setU32(nreadPtr, readInto(w, w.table.desc(s), views, null));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/**
 * fd_pread/fd_pwrite through the fast path when nothing can fail before the I/O: the fd
 * is an open, seekable, non-directory file with the rights, and the offset is valid.
 * Otherwise (or for iovecs out of bounds) NOT_TAKEN, and the portable path reports the
 * error or trap in its own order. → an errno, or NOT_TAKEN.
 */
function fastPositional(w: WasiHost, fd: number, iovs: number, count: number, offset: bigint, resultPtr: number, writing: boolean): number {
  const fast = w.fast;
  const t = w.table;
  const s = t.slot(fd);
  const rights = (writing ? Rights.FD_WRITE : Rights.FD_READ) | Rights.FD_SEEK;
  if (fast === undefined || s < 0 || (t.rightsLo(s) & rights) !== rights || offset < 0n || offset > MAX_OFFSET_BIG) return NOT_TAKEN;
  const d = t.desc(s);
  if (t.kind(d) !== DescKind.FILE || (t.mode(d) & Mode.STREAM) !== 0) return NOT_TAKEN;
  const type = t.filetype(d);
  if (type !== Filetype.REGULAR_FILE && type !== Filetype.CHARACTER_DEVICE && type !== Filetype.BLOCK_DEVICE) return NOT_TAKEN;
  const memory = w.memory.all;
  const at = Number(offset);
  const h = t.handleOf(d);
  const n = writing ? fast.writev(h, memory, iovs >>> 0, count >>> 0, at, resultPtr >>> 0) : fast.readv(h, memory, iovs >>> 0, count >>> 0, at, resultPtr >>> 0);
  return n >= 0 ? Errno.SUCCESS : fastErrno(fast, n);
}

function offsetArg(offset: bigint): number {
  if (offset < 0n || offset > MAX_OFFSET_BIG) fail(Errno.INVAL);
  return Number(offset);
}

/** `errno fd_pread(fd, const iovec *iovs, size iovs_len, filesize offset, size *nread)`: SPIPE on streams. */
export function fdPread(w: WasiHost, fd: number, iovs: number, iovsLen: number, offset: bigint, nreadPtr: number): number {
  const quick = fastPositional(w, fd, iovs, iovsLen, offset, nreadPtr, false);
  if (quick !== NOT_TAKEN) return quick;
  w.memory.check(nreadPtr, 4);
  const views = w.memory.iovecs(iovs, iovsLen);
  try {
    const s = seekable(w, fd, Rights.FD_READ | Rights.FD_SEEK);
    const d = w.table.desc(s);
    if (filetypeOf(w, d) === Filetype.DIRECTORY) fail(Errno.ISDIR);
    w.memory.setU32(nreadPtr, readInto(w, d, views, offsetArg(offset)));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_pwrite(fd, const ciovec *iovs, size iovs_len, filesize offset, size *nwritten)`: SPIPE on streams. */
export function fdPwrite(w: WasiHost, fd: number, iovs: number, iovsLen: number, offset: bigint, nwrittenPtr: number): number {
  const quick = fastPositional(w, fd, iovs, iovsLen, offset, nwrittenPtr, true);
  if (quick !== NOT_TAKEN) return quick;
  w.memory.check(nwrittenPtr, 4);
  const views = w.memory.iovecs(iovs, iovsLen);
  try {
    const s = seekable(w, fd, Rights.FD_WRITE | Rights.FD_SEEK);
    const d = w.table.desc(s);
    w.memory.setU32(nwrittenPtr, writeFrom(w, d, views, offsetArg(offset)));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_seek(fd, filedelta offset, whence whence, filesize *newoffset)`: SPIPE on streams, INVAL before 0. */
export function fdSeek(w: WasiHost, fd: number, offset: bigint, whence: number, newOffsetPtr: number): number {
  w.memory.check(newOffsetPtr, 8);
  try {
    // witx: seeking by 0 from CUR only needs FD_TELL.
    const right = offset === 0n && whence === Whence.CUR ? Rights.FD_TELL : Rights.FD_SEEK;
    const s = seekable(w, fd, right);
    const t = w.table;
    const d = t.desc(s);
    let base: bigint;
    if (whence === Whence.SET) base = 0n;
    else if (whence === Whence.CUR) base = BigInt(t.position(d));
    else if (whence === Whence.END) base = w.fs.fstat(t.handleOf(d)).size;
    else return Errno.INVAL;
    const next = base + offset;
    if (next < 0n) return Errno.INVAL;
    if (next > BigInt(MAX_OFFSET)) return Errno.OVERFLOW;
    if (Number(next) !== t.position(d)) t.setMode(d, t.mode(d) | Mode.DESYNC);
    t.setPosition(d, Number(next));
    w.memory.setU64(newOffsetPtr, next);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_tell(fd, filesize *offset)` */
export function fdTell(w: WasiHost, fd: number, offsetPtr: number): number {
  w.memory.check(offsetPtr, 8);
  try {
    const s = seekable(w, fd, Rights.FD_TELL);
    const d = w.table.desc(s);
    w.memory.setU64(offsetPtr, BigInt(w.table.position(d)));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_close(fd)`: BADF if not open. Preopens may be closed too. */
export function fdClose(w: WasiHost, fd: number): number {
  try {
    w.table.close(fd);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_renumber(fd from, fd to)`: both must be open; `to` then refers to `from`'s file and `from` is closed. */
export function fdRenumber(w: WasiHost, from: number, to: number): number {
  try {
    w.table.renumber(from, to);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_fdstat_get(fd, fdstat *buf)` */
export function fdFdstatGet(w: WasiHost, fd: number, statPtr: number): number {
  w.memory.check(statPtr, FDSTAT.size);
  try {
    const s = w.table.slot(fd);
    if (s < 0) return Errno.BADF;
    const d = w.table.desc(s);
    const [base, inheriting] = w.table.rights(s);
    w.memory.fill(statPtr, FDSTAT.size, 0);
    w.memory.setU8(statPtr + FDSTAT.filetype, filetypeOf(w, d));
    w.memory.setU16(statPtr + FDSTAT.flags, w.table.fdflags(d));
    w.memory.setU64(statPtr + FDSTAT.rightsBase, base);
    w.memory.setU64(statPtr + FDSTAT.rightsInheriting, inheriting);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_fdstat_set_flags(fd, fdflags flags)`: APPEND and NONBLOCK can change; the sync flags only at open (NOTSUP). */
export function fdFdstatSetFlags(w: WasiHost, fd: number, flags: number): number {
  try {
    const s = slotWith(w, fd, Rights.FD_FDSTAT_SET_FLAGS);
    const d = w.table.desc(s);
    const fixed = Fdflags.DSYNC | Fdflags.RSYNC | Fdflags.SYNC;
    if ((flags & ~0x1f) !== 0) return Errno.INVAL;
    if ((flags & fixed) !== (w.table.fdflags(d) & fixed)) return Errno.NOTSUP;
    w.table.setFdflags(d, flags);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_fdstat_set_rights(fd, rights base, rights inheriting)`: rights can only shrink (NOTCAPABLE otherwise). */
export function fdFdstatSetRights(w: WasiHost, fd: number, base: bigint, inheriting: bigint): number {
  try {
    const s = w.table.slot(fd);
    if (s < 0) return Errno.BADF;
    const [b, i] = w.table.rights(s);
    const ub = BigInt.asUintN(64, base);
    const ui = BigInt.asUintN(64, inheriting);
    if ((ub & ~b) !== 0n || (ui & ~i) !== 0n) return Errno.NOTCAPABLE;
    w.table.setRights(s, ub, ui);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** Writes a filestat struct. */
export function writeFilestat(w: WasiHost, ptr: number, st: { dev: bigint; ino: bigint; filetype: number; nlink: bigint; size: bigint; atimNs: bigint; mtimNs: bigint; ctimNs: bigint }): void {
  const m = w.memory;
  m.fill(ptr, FILESTAT.size, 0);
  m.setU64(ptr + FILESTAT.dev, st.dev);
  m.setU64(ptr + FILESTAT.ino, st.ino);
  m.setU8(ptr + FILESTAT.filetype, st.filetype);
  m.setU64(ptr + FILESTAT.nlink, st.nlink);
  m.setU64(ptr + FILESTAT.fileSize, st.size);
  m.setU64(ptr + FILESTAT.atim, st.atimNs);
  m.setU64(ptr + FILESTAT.mtim, st.mtimNs);
  m.setU64(ptr + FILESTAT.ctim, st.ctimNs);
}

/** `errno fd_filestat_get(fd, filestat *buf)`: stdio reports a character device. */
export function fdFilestatGet(w: WasiHost, fd: number, statPtr: number): number {
  w.memory.check(statPtr, FILESTAT.size);
  try {
    const s = slotWith(w, fd, Rights.FD_FILESTAT_GET);
    const d = w.table.desc(s);
    if (isStdio(w.table.kind(d))) {
      writeFilestat(w, statPtr, { dev: 0n, ino: 0n, filetype: Filetype.CHARACTER_DEVICE, nlink: 1n, size: 0n, atimNs: 0n, mtimNs: 0n, ctimNs: 0n });
    } else {
      writeFilestat(w, statPtr, w.fs.fstat(w.table.handleOf(d)));
    }
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** A regular file's description (INVAL for stdio, ISDIR for a directory). */
function fileDesc(w: WasiHost, s: number): number {
  const d = w.table.desc(s);
  if (isStdio(w.table.kind(d))) fail(Errno.INVAL);
  if (filetypeOf(w, d) === Filetype.DIRECTORY) fail(Errno.ISDIR);
  return d;
}

/** `errno fd_filestat_set_size(fd, filesize size)` */
export function fdFilestatSetSize(w: WasiHost, fd: number, size: bigint): number {
  try {
    const s = slotWith(w, fd, Rights.FD_FILESTAT_SET_SIZE);
    const d = fileDesc(w, s);
    if (size < 0n || size > BigInt(MAX_OFFSET)) return Errno.FBIG;
    w.fs.ftruncate(w.table.handleOf(d), Number(size));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** Resolves fstflags into the times to set (undefined = leave), INVAL on contradictory flags. */
export function timesFrom(atim: bigint, mtim: bigint, flags: number): [bigint | undefined, bigint | undefined] {
  if ((flags & ~0xf) !== 0) fail(Errno.INVAL);
  if ((flags & Fstflags.ATIM) && (flags & Fstflags.ATIM_NOW)) fail(Errno.INVAL);
  if ((flags & Fstflags.MTIM) && (flags & Fstflags.MTIM_NOW)) fail(Errno.INVAL);
  const now = flags & (Fstflags.ATIM_NOW | Fstflags.MTIM_NOW) ? realtimeNs() : 0n;
  const a = flags & Fstflags.ATIM ? BigInt.asUintN(64, atim) : flags & Fstflags.ATIM_NOW ? now : undefined;
  const m = flags & Fstflags.MTIM ? BigInt.asUintN(64, mtim) : flags & Fstflags.MTIM_NOW ? now : undefined;
  return [a, m];
}

/** `errno fd_filestat_set_times(fd, timestamp atim, timestamp mtim, fstflags flags)`: nanoseconds. */
export function fdFilestatSetTimes(w: WasiHost, fd: number, atim: bigint, mtim: bigint, flags: number): number {
  try {
    const s = slotWith(w, fd, Rights.FD_FILESTAT_SET_TIMES);
    const d = w.table.desc(s);
    if (isStdio(w.table.kind(d))) return Errno.NOTSUP;
    const [a, m] = timesFrom(atim, mtim, flags);
    if (a !== undefined || m !== undefined) w.fs.futimes(w.table.handleOf(d), a, m);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

function sync(w: WasiHost, fd: number, right: number, dataOnly: boolean): number {
  try {
    const s = slotWith(w, fd, right);
    const d = w.table.desc(s);
    if (isStdio(w.table.kind(d))) return Errno.INVAL;
    w.fs.fsync(w.table.handleOf(d), dataOnly);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_sync(fd)`: INVAL on stdio (as fsync on a terminal). */
export function fdSync(w: WasiHost, fd: number): number {
  return sync(w, fd, Rights.FD_SYNC, false);
}

/** `errno fd_datasync(fd)`: INVAL on stdio. */
export function fdDatasync(w: WasiHost, fd: number): number {
  return sync(w, fd, Rights.FD_DATASYNC, true);
}

/** `errno fd_advise(fd, filesize offset, filesize len, advice advice)`: advisory, accepted; INVAL for bad advice, SPIPE on stdio. */
export function fdAdvise(w: WasiHost, fd: number, _offset: bigint, _len: bigint, advice: number): number {
  try {
    const s = slotWith(w, fd, Rights.FD_ADVISE);
    if (advice < Advice.NORMAL || advice > Advice.NOREUSE) return Errno.INVAL;
    const d = w.table.desc(s);
    if (isStdio(w.table.kind(d))) return Errno.SPIPE;
    if (filetypeOf(w, d) === Filetype.DIRECTORY) return Errno.BADF;
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_allocate(fd, filesize offset, filesize len)`: grows the file to offset+len (posix_fallocate); INVAL for len 0. */
export function fdAllocate(w: WasiHost, fd: number, offset: bigint, len: bigint): number {
  try {
    const s = slotWith(w, fd, Rights.FD_ALLOCATE);
    const d = w.table.desc(s);
    if (isStdio(w.table.kind(d))) return Errno.SPIPE;
    if (filetypeOf(w, d) === Filetype.DIRECTORY) return Errno.BADF;
    if (len === 0n || offset < 0n || len < 0n) return Errno.INVAL;
    const end = offset + len;
    if (end > BigInt(MAX_OFFSET)) return Errno.FBIG;
    const h = w.table.handleOf(d);
    if (w.fs.fstat(h).size < end) w.fs.ftruncate(h, Number(end));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno fd_prestat_get(fd, prestat *buf)`: BADF for an fd that is not a preopen (ends wasi-libc's scan). */
export function fdPrestatGet(w: WasiHost, fd: number, prestatPtr: number): number {
  w.memory.check(prestatPtr, PRESTAT.size);
  const s = w.table.slot(fd);
  if (s < 0) return Errno.BADF;
  const p = w.table.preopenOf(s);
  const pre = w.table.preopens[p];
  if (p < 0 || !pre) return Errno.BADF;
  w.memory.fill(prestatPtr, PRESTAT.size, 0);
  w.memory.setU32(prestatPtr + PRESTAT.nameLen, Buffer.byteLength(pre.guest));
  return Errno.SUCCESS;
}

/** `errno fd_prestat_dir_name(fd, u8 *path, size path_len)`: NAMETOOLONG if the buffer is short; no NUL written. */
export function fdPrestatDirName(w: WasiHost, fd: number, pathPtr: number, pathLen: number): number {
  const out = w.memory.bytes(pathPtr, pathLen);
  const s = w.table.slot(fd);
  if (s < 0) return Errno.BADF;
  const pre = w.table.preopens[w.table.preopenOf(s)];
  if (w.table.preopenOf(s) < 0 || !pre) return Errno.BADF;
  const name = Buffer.from(pre.guest);
  if (name.byteLength > out.byteLength) return Errno.NAMETOOLONG;
  out.set(name);
  return Errno.SUCCESS;
}
