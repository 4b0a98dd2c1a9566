import { Errno } from '@faasm/abi';
import { joinPath } from './backend.js';
import { Filetype } from './constants.js';
import { dirComponents, within } from './access.js';
import { fail, type WasiHost } from './state.js';

/** POSIX's SYMLOOP_MAX as Linux sets it: more symlinks on one path → LOOP. */
const MAX_SYMLINKS = 40;
const DEC = new TextDecoder('utf-8', { fatal: false });

/** A guest path resolved inside its preopen. */
export interface Resolved {
  /** Preopen index (the sandbox root). */
  root: number;
  /** Components below the root; the last one may not exist (and may be a symlink when not followed). */
  rel: string[];
  /** The backend path. */
  path: string;
  /** The path ended in `/` (the final object must be a directory). */
  trailingSlash: boolean;
  /** The final component as written (`.`/`..` when the path ends in them). */
  last: string;
}

/**
 * Checks a guest path without decoding it: out of bounds traps; a NUL inside → INVAL,
 * empty → NOENT, absolute → NOTCAPABLE. Returns the normalised pointer.
 */
export function checkGuestPath(w: WasiHost, ptr: number, len: number): number {
  const p = w.memory.check(ptr, len >>> 0);
  const end = p + (len >>> 0);
  const bytes = w.memory.all;
  for (let i = p; i < end; i++) if (bytes[i] === 0) fail(Errno.INVAL);
  if (end === p) fail(Errno.NOENT);
  if (bytes[p] === 0x2f) fail(Errno.NOTCAPABLE);
  return p;
}

/** Reads a guest path (NUL inside → INVAL, empty → NOENT, absolute → NOTCAPABLE). */
export function guestPath(w: WasiHost, ptr: number, len: number): string {
  checkGuestPath(w, ptr, len);
  return DEC.decode(w.memory.bytes(ptr, len));
}

/**
 * Resolves `path` relative to the directory fd `slot`, component by component, the way
 * the kernel would but never above the preopen: `..` at the root and absolute symlink
 * targets are NOTCAPABLE (as in wasmtime's cap-std), more than 40 symlinks LOOP.
 * Intermediate symlinks are always followed; the final one only when `follow`.
 */
export function resolve(w: WasiHost, slot: number, path: string, follow: boolean): Resolved {
  const { root, rel: base } = dirComponents(w, slot);
  const rootPath = w.table.preopens[root]!.host;
  const rel = base.slice();
  const trailingSlash = path.endsWith('/');
  const queue = path.split('/').filter((c) => c !== '');
  let last = queue.length > 0 ? queue[queue.length - 1]! : '.';
  let links = 0;
  while (queue.length > 0) {
    const c = queue.shift()!;
    const final = queue.length === 0;
    if (c === '.') continue;
    if (c === '..') {
      if (rel.length === 0) fail(Errno.NOTCAPABLE);
      rel.pop();
      continue;
    }
    rel.push(c);
    if (final && !follow && !trailingSlash) break;
    let stat;
    try {
      stat = w.fs.lstat(joinPath(rootPath, rel));
    } catch (e) {
      if (final && (e as { code?: string; errno?: number }).code === 'ENOENT') break;
      if (final && (e as { errno?: number }).errno === Errno.NOENT) break;
      throw e;
    }
    if (stat.filetype === Filetype.SYMBOLIC_LINK) {
      if (++links > MAX_SYMLINKS) fail(Errno.LOOP);
      const target = w.fs.readlink(joinPath(rootPath, rel));
      if (target.startsWith('/')) fail(Errno.NOTCAPABLE);
      rel.pop();
      const parts = target.split('/').filter((p) => p !== '');
      if (final && trailingSlash) parts.push('.');
      queue.unshift(...parts);
      if (queue.length > 0) last = queue[queue.length - 1]!;
      continue;
    }
    if (!final && stat.filetype !== Filetype.DIRECTORY) fail(Errno.NOTDIR);
    if (final && trailingSlash && stat.filetype !== Filetype.DIRECTORY) fail(Errno.NOTDIR);
  }
  return { root, rel, path: joinPath(rootPath, rel), trailingSlash, last };
}

/** A lexically simple relative path (no `..`), eligible for the kernel fast path. */
export function isSimple(path: string): boolean {
  return !path.includes('..');
}

const OPEN_PARENT = { read: true, write: false, create: false, exclusive: false, truncate: false, directory: true, noFollow: true, sync: false, dsync: false };

/**
 * Runs `fn` on the resolved paths, each anchored at its parent directory where the
 * backend can (Node: `/proc/self/fd/<parent>/<name>`, the `*at()` calls Node lacks): the
 * parent is opened, checked to lie inside the preopen, and the operation then acts on that
 * directory whatever happens to the path meanwhile. A directory swapped for a symlink
 * between the walk and the syscall cannot redirect mkdir, unlink, rename, link,
 * symlink, readlink, stat or utimes outside the preopen.
 */
export function anchored<T>(w: WasiHost, resolved: Resolved[], fn: (...paths: string[]) => T): T {
  const beneath = w.fs.beneath;
  if (!beneath || !w.fs.realpathOf) return fn(...resolved.map((r) => r.path));
  const opened: number[] = [];
  try {
    const paths = resolved.map((r) => {
      // The preopen itself and its direct entries need no anchor: the root is trusted.
      if (r.rel.length <= 1) return r.path;
      const rootPath = w.table.preopens[r.root]!.host;
      const parent = w.fs.open(joinPath(rootPath, r.rel.slice(0, -1)), OPEN_PARENT);
      opened.push(parent);
      const real = w.fs.realpathOf!(parent);
      if (real === undefined || !within(rootPath, real)) fail(Errno.NOTCAPABLE);
      return beneath(parent, r.rel[r.rel.length - 1]!);
    });
    return fn(...paths);
  } finally {
    for (const h of opened) w.fs.close(h);
  }
}
