import { Errno, utf8 } from '@faasm/abi';
import { Filetype, Rights } from './constants.js';
import { DIRENT } from './layout.js';
import { dirPath, filetypeOf, slotWith } from './access.js';
import { realtimeNs } from './process.js';
import { errnoOf, type WasiHost } from './state.js';

/** A directory listing serialised as WASI dirents, with the byte offset of each cookie. */
export interface Listing {
  stamp: number;
  bytes: Uint8Array;
  /** offsets[n] = where the entry with cookie n starts; offsets[count] = bytes.length. */
  offsets: Uint32Array;
  mtimNs: bigint;
  ctimNs: bigint;
  /** The listing may be reused while the directory's times are unchanged. */
  reusable: boolean;
}

/**
 * Kernels stamp directories with a coarse clock (one tick can be several ms): a listing
 * read within this long of the directory's last change may miss a change in the same
 * tick, so it is not reused for a later cookie-0 read.
 */
const SETTLED_NS = 100_000_000n;

function serialise(entries: Array<{ name: string; filetype: number; ino: bigint }>): { bytes: Uint8Array; offsets: Uint32Array } {
  const names = entries.map((e) => utf8(e.name));
  let total = 0;
  for (const n of names) total += DIRENT.size + n.byteLength;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const offsets = new Uint32Array(entries.length + 1);
  let at = 0;
  entries.forEach((e, i) => {
    offsets[i] = at;
    const name = names[i]!;
    view.setBigUint64(at + DIRENT.next, BigInt(i + 1), true);
    view.setBigUint64(at + DIRENT.ino, e.ino, true);
    view.setUint32(at + DIRENT.namlen, name.byteLength, true);
    view.setUint8(at + DIRENT.type, e.filetype);
    bytes.set(name, at + DIRENT.size);
    at += DIRENT.size + name.byteLength;
  });
  offsets[entries.length] = at;
  return { bytes, offsets };
}

/**
 * `.`, `..`, then the backend's entries: cookie n resumes at entry n. Cookie 0 re-reads
 * the directory unless its modification and change times show it has not changed since
 * a settled listing; later cookies index the listing read then, so they stay stable.
 */
function listing(w: WasiHost, d: number, slot: number, fresh: boolean): Listing {
  const stamp = w.table.descGen(d);
  const cached = w.listings.get(d);
  if (cached && cached.stamp === stamp) {
    if (!fresh) return cached;
    if (cached.reusable) {
      const st = w.fs.fstat(w.table.handleOf(d));
      if (st.mtimNs === cached.mtimNs && st.ctimNs === cached.ctimNs) return cached;
    }
  }
  const st = w.fs.fstat(w.table.handleOf(d));
  const entries = [
    { name: '.', filetype: Filetype.DIRECTORY, ino: st.ino },
    { name: '..', filetype: Filetype.DIRECTORY, ino: 0n },
    // The open handle itself where the backend can (no path to race on), else its path.
    ...w.fs.readdir(w.fs.beneath?.(w.table.handleOf(d), '') ?? dirPath(w, slot)),
  ];
  const latest = st.mtimNs > st.ctimNs ? st.mtimNs : st.ctimNs;
  const made: Listing = { stamp, ...serialise(entries), mtimNs: st.mtimNs, ctimNs: st.ctimNs, reusable: realtimeNs() - latest > SETTLED_NS };
  w.listings.set(d, made);
  return made;
}

/**
 * `errno fd_readdir(fd, u8 *buf, size buf_len, dircookie cookie, size *bufused)`.
 * Fills buf with dirents from `cookie` on; the last one may be cut at buf_len (witx:
 * bufused == buf_len tells the guest there may be more).
 */
export function fdReaddir(w: WasiHost, fd: number, buf: number, bufLen: number, cookie: bigint, usedPtr: number): number {
  const out = w.memory.bytes(buf, bufLen);
  w.memory.check(usedPtr, 4);
  try {
    const s = slotWith(w, fd, Rights.FD_READDIR);
    const d = w.table.desc(s);
    if (filetypeOf(w, d) !== Filetype.DIRECTORY) return Errno.NOTDIR;
    const list = listing(w, d, s, cookie === 0n);
    const count = list.offsets.length - 1;
    const first = BigInt.asUintN(64, cookie) >= BigInt(count) ? count : Number(cookie);
    const start = list.offsets[first]!;
    const used = Math.min(out.byteLength, list.bytes.byteLength - start);
    out.set(list.bytes.subarray(start, start + used));
    w.memory.setU32(usedPtr, used);
    return Errno.SUCCESS;
  } catch (e) {
    return errnoOf(e);
  }
}
