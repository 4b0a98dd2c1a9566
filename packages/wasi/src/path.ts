import { Errno } from '@faasm/abi';
import { joinPath, NOT_TAKEN, OpenBits, openRequest, type FastPaths } from './backend.js';
import { ALL_RIGHTS, Fdflags, Filetype, Lookupflags, Oflags, Rights } from './constants.js';
import { DescKind, FILETYPE_UNKNOWN } from './fdtable.js';
import { FILESTAT } from './layout.js';
import { slotWith, within } from './access.js';
import { timesFrom, writeFilestat } from './fd.js';
import { anchored, checkGuestPath, guestPath, isSimple, resolve, type Resolved } from './resolve.js';
import { errnoOf, fail, type WasiHost } from './state.js';

const READ_RIGHTS = Rights.FD_READ | Rights.FD_READDIR;
const WRITE_RIGHTS = Rights.FD_DATASYNC | Rights.FD_WRITE | Rights.FD_ALLOCATE | Rights.FD_FILESTAT_SET_SIZE;

/** The low 32 bits of a rights mask (every WASI right lies below bit 30). */
function lo(r: bigint): number {
  return Number(r & 0xffffffffn) | 0;
}

/** Paths this long or longer take path_open's full path (whose checks come before the length's). */
const MAX_QUICK_PATH = 4096;

/** Closes a handle opened outside the preopen (a race or a symlink the kernel followed) and refuses. */
export function verifyInside(w: WasiHost, handle: number, root: number): boolean {
  const real = w.fs.realpathOf?.(handle);
  if (real === undefined || within(w.table.preopens[root]!.host, real)) return true;
  w.fs.close(handle);
  return false;
}

/**
 * The OpenBits of a path_open (askBase: the rights asked, already masked). O_CREAT|O_EXCL
 * never follows a final symlink (POSIX: EEXIST even if it dangles).
 */
function requestBits(askBase: number, dirflags: number, oflags: number, fdflags: number): number {
  const directory = (oflags & Oflags.DIRECTORY) !== 0;
  const create = (oflags & Oflags.CREAT) !== 0;
  const exclusive = create && (oflags & Oflags.EXCL) !== 0;
  let bits = 0;
  if ((askBase & READ_RIGHTS) !== 0 || (askBase & WRITE_RIGHTS) === 0) bits |= OpenBits.READ;
  if (!directory && (askBase & WRITE_RIGHTS) !== 0) bits |= OpenBits.WRITE;
  if (create) bits |= OpenBits.CREATE;
  if (exclusive) bits |= OpenBits.EXCLUSIVE;
  if ((oflags & Oflags.TRUNC) !== 0) bits |= OpenBits.TRUNCATE;
  if (directory) bits |= OpenBits.DIRECTORY;
  if ((dirflags & Lookupflags.SYMLINK_FOLLOW) === 0 || exclusive) bits |= OpenBits.NO_FOLLOW;
  if ((fdflags & (Fdflags.SYNC | Fdflags.RSYNC)) !== 0) bits |= OpenBits.SYNC;
  if ((fdflags & Fdflags.DSYNC) !== 0) bits |= OpenBits.DSYNC;
  return bits;
}

/**
 * path_open's quick path over the backend's FastPaths: when the directory fd, its rights
 * and the flags are all valid and the path is relative and shorter than a page, the only
 * errors left are the path's own (NUL → INVAL) and the kernel's, so one openat2 below the
 * directory's handle decides them, in the order the full path would. No object, string or
 * BigInt is made. → an errno, or NOT_TAKEN: anything else (a bad fd or flag, missing
 * rights, a path out of bounds, XDEV below a non-preopen, a retried race) goes through the
 * full path, which reports it in its own order or traps.
 */
function quickOpen(
  w: WasiHost, fast: FastPaths, fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
  base: bigint, inheriting: bigint, fdflags: number, openedPtr: number,
): number {
  const t = w.table;
  const s = t.slot(fd);
  if (s < 0 || (oflags & ~0xf) !== 0 || (fdflags & ~0x1f) !== 0) return NOT_TAKEN;
  const dirRights = t.rightsLo(s);
  let needed: number = Rights.PATH_OPEN;
  if ((oflags & Oflags.CREAT) !== 0) needed |= Rights.PATH_CREATE_FILE;
  if ((oflags & Oflags.TRUNC) !== 0) needed |= Rights.PATH_FILESTAT_SET_SIZE;
  const inh = t.inheritingLo(s);
  const askBase = lo(base) & ALL_RIGHTS;
  const askInh = lo(inheriting) & ALL_RIGHTS;
  if ((dirRights & needed) !== needed || ((askBase | askInh) & ~inh) !== 0) return NOT_TAKEN;
  const ptr = pathPtr >>> 0;
  const len = pathLen >>> 0;
  const memory = w.memory.all;
  // Empty, absolute or page-long paths: the full path's checks come first for them.
  if (len === 0 || len >= MAX_QUICK_PATH || memory[ptr] === 0x2f) return NOT_TAKEN;
  const h = fast.openBeneath(t.handleOf(t.desc(s)), memory, ptr, len, requestBits(askBase, dirflags, oflags, fdflags));
  if (h < 0) {
    // XDEV: the path would leave the directory, which for a preopen means the sandbox.
    if (h === -Errno.XDEV && t.preopenOf(s) >= 0) return Errno.NOTCAPABLE;
    return h === -Errno.XDEV || h === -Errno.AGAIN || h === NOT_TAKEN ? NOT_TAKEN : -h;
  }
  let opened: number;
  try {
    const filetype = (oflags & Oflags.DIRECTORY) !== 0 ? Filetype.DIRECTORY : FILETYPE_UNKNOWN;
    opened = t.openFile(h, filetype, fdflags, t.root(s), askBase, askInh);
  } catch (e) {
    w.fs.close(h);
    return errnoOf(e);
  }
  // openedPtr was checked before this quick path ran.
  w.memory.setU32(openedPtr, opened);
  return Errno.SUCCESS;
}

/**
 * `errno path_open(fd dirfd, lookupflags dirflags, const char *path, size path_len,
 * oflags oflags, rights base, rights inheriting, fdflags fdflags, fd *opened)`.
 * Rights asked beyond the directory's inheriting rights are NOTCAPABLE; CREAT needs
 * PATH_CREATE_FILE and TRUNC PATH_FILESTAT_SET_SIZE on the directory.
 */
export function pathOpen(
  w: WasiHost, fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
  base: bigint, inheriting: bigint, fdflags: number, openedPtr: number,
): number {
  w.memory.check(openedPtr, 4);
  // Small on purpose: V8 inlines the quick path into the import's wrapper.
  const fast = w.fast;
  const quick = fast === undefined ? NOT_TAKEN : quickOpen(w, fast, fd, dirflags, pathPtr, pathLen, oflags, base, inheriting, fdflags, openedPtr);
  return quick !== NOT_TAKEN ? quick : openPortable(w, fd, dirflags, pathPtr, pathLen, oflags, base, inheriting, fdflags, openedPtr);
}

/** path_open's full path: every check in the witx order, the kernel's or the walk's resolution. */
function openPortable(
  w: WasiHost, fd: number, dirflags: number, pathPtr: number, pathLen: number, oflags: number,
  base: bigint, inheriting: bigint, fdflags: number, openedPtr: number,
): number {
  const fast = w.fast;
  try {
    checkGuestPath(w, pathPtr, pathLen);
    const s = slotWith(w, fd, Rights.PATH_OPEN);
    const t = w.table;
    if ((oflags & ~0xf) !== 0 || (fdflags & ~0x1f) !== 0) return Errno.INVAL;
    if (oflags & Oflags.CREAT && (t.rightsLo(s) & Rights.PATH_CREATE_FILE) === 0) return Errno.NOTCAPABLE;
    if (oflags & Oflags.TRUNC && (t.rightsLo(s) & Rights.PATH_FILESTAT_SET_SIZE) === 0) return Errno.NOTCAPABLE;
    const inh = t.inheritingLo(s);
    const askBase = lo(base) & ALL_RIGHTS;
    const askInh = lo(inheriting) & ALL_RIGHTS;
    if ((askBase & ~inh) !== 0 || (askInh & ~inh) !== 0) return Errno.NOTCAPABLE;
    const directory = (oflags & Oflags.DIRECTORY) !== 0;
    const follow = (dirflags & Lookupflags.SYMLINK_FOLLOW) !== 0;
    const bits = requestBits(askBase, dirflags, oflags, fdflags);
    const request = openRequest(bits);
    let handle = -1;
    let root = t.root(s);
    let rel = '';
    if (fast !== undefined) {
      // The kernel resolves the whole path below the directory's handle in one race-free
      // call (openat2 RESOLVE_BENEATH). XDEV: it would leave that directory, which for a
      // preopen means leaving the sandbox; below a directory that is not a preopen, a `..`
      // may still stay inside the preopen, so the walk decides (as after a retried race).
      const h = fast.openBeneath(t.handleOf(t.desc(s)), w.memory.all, pathPtr >>> 0, pathLen >>> 0, bits);
      if (h >= 0) handle = h;
      else if (h === -Errno.XDEV && t.preopenOf(s) >= 0) return Errno.NOTCAPABLE;
      else if (h !== -Errno.XDEV && h !== -Errno.AGAIN && h !== NOT_TAKEN) return -h;
    }
    const path = handle < 0 ? guestPath(w, pathPtr, pathLen) : '';
    // Portable fast path: let the kernel walk a plain path below a preopen, then check where
    // the opened file really is. Not for CREAT/TRUNC, which must not touch anything outside.
    if (handle < 0 && fast === undefined && w.fs.realpathOf && t.preopenOf(s) >= 0 && !request.create && !request.truncate && isSimple(path)) {
      const pre = t.preopens[root]!;
      if (!path.includes('/') && path !== '.') {
        // One component below the preopen and O_NOFOLLOW: nothing the kernel can follow.
        // A symlink (LOOP) or any error goes to the component walk.
        try {
          handle = w.fs.open(`${pre.host}/${path}`, { ...request, noFollow: true });
        } catch {
          handle = -1;
        }
      } else {
        try {
          // The components are joined without a trailing slash: say "directory" for it instead.
          const asked = path.endsWith('/') ? { ...request, directory: true } : request;
          const h = w.fs.open(joinPath(pre.host, path.split('/').filter((c) => c !== '' && c !== '.')), asked);
          const real = w.fs.realpathOf(h);
          if (real !== undefined && within(pre.host, real)) handle = h;
          else w.fs.close(h);
        } catch {
          handle = -1;
        }
      }
    }
    if (handle < 0) {
      // O_CREAT|O_EXCL never follows a final symlink (POSIX: EEXIST even if it dangles).
      const r: Resolved = resolve(w, s, path, follow && !request.exclusive);
      if (r.trailingSlash) request.directory = true;
      // The walk resolved every symlink it was asked to follow: the kernel must follow
      // none (a final component swapped for a symlink meanwhile is LOOP, not an escape),
      // and the open acts on the parent directory the walk checked.
      handle = anchored(w, [r], (p) => w.fs.open(p, { ...request, noFollow: true }));
      if (!verifyInside(w, handle, r.root)) return Errno.NOTCAPABLE;
      root = r.root;
      // The stored path is only needed where the backend cannot locate a directory by its handle.
      if (!w.fs.realpathOf) rel = r.rel.join('/');
    }
    try {
      const filetype = directory ? Filetype.DIRECTORY : FILETYPE_UNKNOWN;
      const opened = rel === ''
        ? t.openFile(handle, filetype, fdflags, root, askBase, askInh)
        : t.open({ kind: DescKind.FILE, handle, filetype, fdflags, mode: 0, root, path: rel }, BigInt(askBase), BigInt(askInh));
      w.memory.setU32(openedPtr, opened);
    } catch (e) {
      w.fs.close(handle);
      throw e;
    }
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

function at(w: WasiHost, fd: number, right: number, pathPtr: number, pathLen: number, follow: boolean): Resolved {
  const path = guestPath(w, pathPtr, pathLen);
  const s = slotWith(w, fd, right);
  return resolve(w, s, path, follow);
}

/** `errno path_create_directory(fd, const char *path, size path_len)`: EXIST if present. */
export function pathCreateDirectory(w: WasiHost, fd: number, pathPtr: number, pathLen: number): number {
  try {
    const r = at(w, fd, Rights.PATH_CREATE_DIRECTORY, pathPtr, pathLen, false);
    if (r.rel.length === 0 || r.last === '.' || r.last === '..') return Errno.EXIST;
    anchored(w, [r], (p) => w.fs.mkdir(p));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno path_remove_directory(fd, const char *path, size path_len)`: NOTEMPTY, NOTDIR, INVAL for `.`. */
export function pathRemoveDirectory(w: WasiHost, fd: number, pathPtr: number, pathLen: number): number {
  try {
    const r = at(w, fd, Rights.PATH_REMOVE_DIRECTORY, pathPtr, pathLen, false);
    if (r.last === '.') return Errno.INVAL;
    if (r.last === '..' || r.rel.length === 0) return Errno.NOTEMPTY;
    return anchored(w, [r], (p) => {
      if (w.fs.lstat(p).filetype !== Filetype.DIRECTORY) return Errno.NOTDIR;
      w.fs.rmdir(p);
      return Errno.SUCCESS;
    });
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno path_unlink_file(fd, const char *path, size path_len)`: ISDIR for a directory. */
export function pathUnlinkFile(w: WasiHost, fd: number, pathPtr: number, pathLen: number): number {
  try {
    const r = at(w, fd, Rights.PATH_UNLINK_FILE, pathPtr, pathLen, false);
    if (r.rel.length === 0 || r.last === '.' || r.last === '..') return Errno.ISDIR;
    return anchored(w, [r], (p) => {
      const type = w.fs.lstat(p).filetype;
      if (type === Filetype.DIRECTORY) return Errno.ISDIR;
      if (r.trailingSlash) return Errno.NOTDIR;
      w.fs.unlink(p);
      return Errno.SUCCESS;
    });
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno path_rename(fd, const char *old, size old_len, fd new_fd, const char *new, size new_len)` */
export function pathRename(w: WasiHost, fd: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
  try {
    const from = at(w, fd, Rights.PATH_RENAME_SOURCE, oldPtr, oldLen, false);
    const to = at(w, newFd, Rights.PATH_RENAME_TARGET, newPtr, newLen, false);
    if (from.rel.length === 0 || to.rel.length === 0 || from.last === '..' || to.last === '..' || from.last === '.' || to.last === '.') return Errno.BUSY;
    anchored(w, [from, to], (a, b) => w.fs.rename(a!, b!));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno path_link(fd old_fd, lookupflags, const char *old, size, fd new_fd, const char *new, size)` */
export function pathLink(w: WasiHost, oldFd: number, flags: number, oldPtr: number, oldLen: number, newFd: number, newPtr: number, newLen: number): number {
  try {
    const from = at(w, oldFd, Rights.PATH_LINK_SOURCE, oldPtr, oldLen, (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
    const to = at(w, newFd, Rights.PATH_LINK_TARGET, newPtr, newLen, false);
    if (to.rel.length === 0 || to.last === '.' || to.last === '..') return Errno.EXIST;
    return anchored(w, [from, to], (a, b) => {
      if (w.fs.lstat(a!).filetype === Filetype.DIRECTORY) return Errno.PERM;
      w.fs.link(a!, b!);
      return Errno.SUCCESS;
    });
  } catch (e) {
    return errnoOf(e);
  }
}

/**
 * `errno path_symlink(const char *old, size old_len, fd, const char *new, size new_len)`:
 * any target text may be stored; following it is what the sandbox checks.
 */
export function pathSymlink(w: WasiHost, oldPtr: number, oldLen: number, fd: number, newPtr: number, newLen: number): number {
  try {
    const bytes = w.memory.bytes(oldPtr, oldLen);
    if (bytes.indexOf(0) >= 0) return Errno.INVAL;
    if (bytes.byteLength === 0) return Errno.NOENT;
    const target = Buffer.from(bytes).toString('utf8');
    const to = at(w, fd, Rights.PATH_SYMLINK, newPtr, newLen, false);
    if (to.rel.length === 0 || to.last === '.' || to.last === '..') return Errno.EXIST;
    anchored(w, [to], (p) => w.fs.symlink(target, p));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno path_readlink(fd, const char *path, size path_len, u8 *buf, size buf_len, size *bufused)`: truncates to buf_len. */
export function pathReadlink(w: WasiHost, fd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, usedPtr: number): number {
  const out = w.memory.bytes(buf, bufLen);
  w.memory.check(usedPtr, 4);
  try {
    const r = at(w, fd, Rights.PATH_READLINK, pathPtr, pathLen, false);
    const text = anchored(w, [r], (p) => (w.fs.lstat(p).filetype === Filetype.SYMBOLIC_LINK ? w.fs.readlink(p) : undefined));
    if (text === undefined) return Errno.INVAL;
    const target = Buffer.from(text);
    const n = Math.min(target.byteLength, out.byteLength);
    out.set(target.subarray(0, n));
    w.memory.setU32(usedPtr, n);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno path_filestat_get(fd, lookupflags flags, const char *path, size path_len, filestat *buf)` */
export function pathFilestatGet(w: WasiHost, fd: number, flags: number, pathPtr: number, pathLen: number, statPtr: number): number {
  w.memory.check(statPtr, FILESTAT.size);
  try {
    const r = at(w, fd, Rights.PATH_FILESTAT_GET, pathPtr, pathLen, (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
    writeFilestat(w, statPtr, anchored(w, [r], (p) => w.fs.lstat(p)));
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}

/** `errno path_filestat_set_times(fd, lookupflags, const char *path, size, timestamp atim, timestamp mtim, fstflags)` */
export function pathFilestatSetTimes(w: WasiHost, fd: number, flags: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fst: number): number {
  try {
    const r = at(w, fd, Rights.PATH_FILESTAT_SET_TIMES, pathPtr, pathLen, (flags & Lookupflags.SYMLINK_FOLLOW) !== 0);
    const [a, m] = timesFrom(atim, mtim, fst);
    anchored(w, [r], (p) => {
      w.fs.lstat(p);
      if (a !== undefined || m !== undefined) w.fs.utimes(p, a, m);
    });
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}


/**
 * Reads a whole file at a guest path for the host (GUEST_FILES): the path is matched to
 * the preopen with the longest guest prefix (absolute paths) or to `.` (relative ones),
 * then resolved and opened exactly like path_open, so it never leaves the sandbox.
 */
export function readGuestFile(w: WasiHost, path: string): Uint8Array {
  if (path.includes('\0')) fail(Errno.INVAL);
  const t = w.table;
  let best: { fd: number; rel: string; guestLength: number } | undefined;
  for (const fd of t.openFds()) {
    const pre = t.preopenOf(t.require(fd));
    if (pre < 0) continue;
    const guest = t.preopens[pre]!.guest;
    let rel: string | undefined;
    if (path.startsWith('/')) {
      const prefix = guest.endsWith('/') ? guest : `${guest}/`;
      if (guest === '/' || path === guest) rel = path.slice(guest.length);
      else if (path.startsWith(prefix)) rel = path.slice(prefix.length);
    } else if (guest === '.') {
      rel = path;
    }
    if (rel !== undefined && (!best || guest.length > best.guestLength)) best = { fd, rel, guestLength: guest.length };
  }
  if (!best) fail(Errno.NOTCAPABLE);
  const s = slotWith(w, best.fd, Rights.PATH_OPEN);
  const r = resolve(w, s, best.rel.replace(/^\/+/, '') || '.', true);
  const request = { read: true, write: false, create: false, exclusive: false, truncate: false, directory: false, noFollow: true, sync: false, dsync: false };
  const handle = anchored(w, [r], (p) => w.fs.open(p, request));
  if (!verifyInside(w, handle, r.root)) fail(Errno.NOTCAPABLE);
  try {
    const size = Number(w.fs.fstat(handle).size);
    const out = new Uint8Array(size);
    let got = 0;
    while (got < size) {
      const n = w.fs.read(handle, out.subarray(got), got);
      if (n === 0) break;
      got += n;
    }
    return out.subarray(0, got);
  } finally {
    w.fs.close(handle);
  }
}
