import { Errno } from '@faasm/abi';
import { joinPath } from './backend.js';
import { Filetype } from './constants.js';
import { DescKind, FILETYPE_UNKNOWN } from './fdtable.js';
import { fail, type WasiHost } from './state.js';

/**
 * The uvwasi skeleton: look the fd up with the right the operation needs. BADF if the
 * fd is not open, NOTCAPABLE if it lacks the right.
 */
export function slotWith(w: WasiHost, fd: number, right: number): number {
  const s = w.table.slot(fd);
  if (s < 0) fail(Errno.BADF);
  if ((w.table.rightsLo(s) & right) !== right) fail(Errno.NOTCAPABLE);
  return s;
}

/** The filetype of a description, determined (and cached) on first need. */
export function filetypeOf(w: WasiHost, d: number): number {
  const t = w.table.filetype(d);
  if (t !== FILETYPE_UNKNOWN) return t;
  if (w.table.kind(d) !== DescKind.FILE) return Filetype.CHARACTER_DEVICE;
  const real = w.fs.fstat(w.table.handleOf(d)).filetype;
  w.table.setFiletype(d, real);
  return real;
}

/** Whether `path` is `root` or inside it. */
export function within(root: string, path: string): boolean {
  return path === root || path.startsWith(root === '/' ? '/' : `${root}/`);
}

/**
 * The components of a directory description's current location relative to its
 * preopen root: from the open handle where the backend can tell (so the fd follows
 * the directory like openat would), else from the path remembered at open.
 * NOTCAPABLE if the directory has been moved out of its preopen.
 */
export function dirComponents(w: WasiHost, slot: number): { root: number; rel: string[] } {
  const t = w.table;
  const root = t.root(slot);
  const pre = t.preopens[root];
  if (!pre) fail(Errno.NOTDIR);
  if (t.preopenOf(slot) >= 0) return { root, rel: [] };
  const d = t.desc(slot);
  const real = w.fs.realpathOf?.(t.handleOf(d));
  if (real !== undefined) {
    if (!within(pre.host, real)) fail(Errno.NOTCAPABLE);
    const rest = real.slice(pre.host.length);
    return { root, rel: rest.split('/').filter((c) => c !== '') };
  }
  const stored = t.path(d);
  return { root, rel: stored === '' ? [] : stored.split('/') };
}

/** The backend path of an fd's directory. */
export function dirPath(w: WasiHost, slot: number): string {
  const { root, rel } = dirComponents(w, slot);
  return joinPath(w.table.preopens[root]!.host, rel);
}
