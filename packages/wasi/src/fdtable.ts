import type { CaptureBuffers } from './stdio.js';
import { Errno, ErrnoError } from '@faasm/abi';
import type { FsBackend } from './backend.js';
import { asGrowable, growableSab } from './growable.js';

/** How many fds a Faaslet may hold (fd numbers are 0..MAX_FDS-1). */
export const MAX_FDS = 1024;
/** Longest directory path (relative to its preopen) an fd can remember. */
export const MAX_PATH_BYTES = 4096;

const HEADER_INTS = 16;
const SLOT_INTS = 16;
/**
 * One int per fd, 1 while it is open: dense, so finding the lowest free fd reads one or
 * two cache lines instead of one per slot (every system call leaves the caches colder).
 */
const USED_AT = HEADER_INTS;
const FDS_AT = USED_AT + MAX_FDS;
const DESCS_AT = FDS_AT + MAX_FDS * SLOT_INTS;
const PATHS_AT_BYTES = (DESCS_AT + MAX_FDS * SLOT_INTS) * 4;
const BUFFER_BYTES = PATHS_AT_BYTES + MAX_FDS * MAX_PATH_BYTES;
/**
 * Path slots a new table has room for. The path area (4 MiB for every description)
 * grows on demand up to BUFFER_BYTES, since zeroing and accounting for it on every
 * Faaslet dominated cold starts; descriptions are claimed lowest first, so most tables
 * never grow.
 */
const INITIAL_PATH_SLOTS = 8;

/** fd slot fields (Int32 offsets inside a slot; int 0 is unused: whether the fd is open is at USED_AT). */
const F = { GEN: 1, DESC: 2, ROOT: 3, PREOPEN: 4, RB_LO: 5, RB_HI: 6, RI_LO: 7, RI_HI: 8 } as const;
/** Open file description fields: shared by dup'd fds, as in POSIX. Position is an f64 at int 14. */
const D = { REFS: 0, KIND: 1, HANDLE: 2, FILETYPE: 3, FDFLAGS: 4, MODE: 5, PATHLEN: 6, ROOT: 7, GEN: 8, POS: 14 } as const;

/** What an open file description is. */
export const DescKind = { STDIN: 1, STDOUT: 2, STDERR: 3, FILE: 4 } as const;
export type DescKindCode = (typeof DescKind)[keyof typeof DescKind];

/**
 * MODE bits: STREAM = not seekable (read/write at the stream position); PINNED = held by
 * the snapshot; DESYNC = the tracked position differs from the handle's own (after a
 * seek or an append), so I/O must be positional.
 */
export const Mode = { STREAM: 1, PINNED: 4, DESYNC: 8 } as const;

/** Filetype not determined yet (opened by the fast path; fstat on first need). */
export const FILETYPE_UNKNOWN = 255;

/** A preopened directory: its guest name and its backend path (canonical). */
export interface Preopen {
  guest: string;
  host: string;
}

/**
 * Everything a worker needs to attach to a Faaslet's fd table (structured-cloneable):
 * pass it as `WasiOptions.table` when linking the same Faaslet's threads in other workers.
 */
export interface FdTableHandle {
  buffer: SharedArrayBuffer;
  preopens: Preopen[];
  fs: 'node' | 'memory';
  /** The team's shared stdout/stderr capture (when the Faaslet captures its output). */
  capture?: CaptureBuffers;
}

export interface NewDesc {
  kind: DescKindCode;
  handle: number;
  filetype: number;
  fdflags: number;
  mode: number;
  root: number;
  path: string;
}

/**
 * A saved table (lifecycle snapshot): the header and the used flags and slots of the
 * first `fds` fds, then the first `descs` descriptions (the rest were free), and the
 * paths of live descriptions.
 */
export interface FdTableSnapshot {
  ints: Int32Array;
  fds: number;
  descs: number;
  paths: Map<number, Uint8Array>;
}

const ENC = new TextEncoder();
const EMPTY = new Uint8Array(0);
const DEC = new TextDecoder();

/**
 * The fd table, kept in a SharedArrayBuffer so every worker running a thread of the same
 * Faaslet sees one table (THREADS.md). fd slots point at open file descriptions, which
 * hold the backend handle, position and flags; `dup` shares a description. Once the
 * table can be seen by another thread (its handle was taken, or this is such a thread),
 * slot claims use Atomics.compareExchange and reference counts Atomics.add/sub; before
 * that, plain reads and stores do (atomic operations cost ~0.1 µs each on path_open's hot
 * path here). Other fields are plain stores (a guest cannot use an fd before the call
 * that creates it returns).
 */
export class FdTable {
  readonly #handle: FdTableHandle;
  /** Whether another thread may use the table (then claims and counts are atomic). */
  #shared: boolean;
  readonly i32: Int32Array;
  readonly f64: Float64Array;
  readonly #u8: Uint8Array;
  readonly #backend: FsBackend;
  /** Per-thread cache of decoded description paths: desc → [gen-stamp, path]. */
  readonly #paths = new Map<number, { stamp: number; path: string }>();

  /** `attached`: the table was created by another thread, which keeps using it. */
  constructor(handle: FdTableHandle, backend: FsBackend, attached = false) {
    const buffer = asGrowable(handle.buffer);
    if (buffer.byteLength < PATHS_AT_BYTES || (buffer.byteLength < BUFFER_BYTES && !buffer.growable)) throw new Error('fd table buffer too small');
    this.#handle = handle;
    this.#shared = attached;
    this.#backend = backend;
    this.i32 = new Int32Array(buffer, 0, PATHS_AT_BYTES / 4);
    this.f64 = new Float64Array(buffer, 0, PATHS_AT_BYTES / 8);
    // Tracks the buffer's length as it grows (in any thread).
    this.#u8 = new Uint8Array(buffer);
  }

  /** A fresh zeroed buffer for a table: growable up to its full size where the platform can. */
  static allocate(): SharedArrayBuffer {
    try {
      return growableSab(PATHS_AT_BYTES + INITIAL_PATH_SLOTS * MAX_PATH_BYTES, BUFFER_BYTES);
    } catch {
      return new SharedArrayBuffer(BUFFER_BYTES);
    }
  }

  /** Byte offset of description k's path slot, the buffer grown to hold it first (any thread may grow it). */
  #pathSlot(k: number): number {
    const at = PATHS_AT_BYTES + k * MAX_PATH_BYTES;
    const buffer = asGrowable(this.#handle.buffer);
    while (buffer.byteLength < at + MAX_PATH_BYTES) {
      // Double the path area (at least to the slot); a thread that grew it further first wins.
      const wanted = Math.min(BUFFER_BYTES, Math.max(at + MAX_PATH_BYTES, 2 * buffer.byteLength - PATHS_AT_BYTES));
      try {
        buffer.grow(wanted);
      } catch {
        if (buffer.byteLength < wanted) throw new ErrnoError(Errno.NOMEM);
      }
    }
    return at;
  }

  /**
   * The handle another worker attaches with. Taking it makes the table shared: from now on
   * every claim and reference count of this thread is atomic (the handle reaches the other
   * worker by postMessage, after this).
   */
  get handle(): FdTableHandle {
    this.#shared = true;
    return this.#handle;
  }

  get preopens(): Preopen[] {
    return this.#handle.preopens;
  }

  /** The Int32 base of fd's slot, or -1 if fd is not open. */
  slot(fd: number): number {
    if (fd >>> 0 !== fd || fd >= MAX_FDS) return -1;
    return this.i32[USED_AT + fd] === 1 ? FDS_AT + fd * SLOT_INTS : -1;
  }

  /** The Int32 base of the description of an fd slot. */
  desc(slot: number): number {
    return DESCS_AT + this.i32[slot + F.DESC]! * SLOT_INTS;
  }

  /** fd slot base, or throws BADF. */
  require(fd: number): number {
    const s = this.slot(fd);
    if (s < 0) throw new ErrnoError(Errno.BADF);
    return s;
  }

  kind(d: number): number { return this.i32[d + D.KIND]!; }
  handleOf(d: number): number { return this.i32[d + D.HANDLE]!; }
  fdflags(d: number): number { return this.i32[d + D.FDFLAGS]!; }
  setFdflags(d: number, flags: number): void { this.i32[d + D.FDFLAGS] = flags; }
  mode(d: number): number { return this.i32[d + D.MODE]!; }
  setMode(d: number, mode: number): void { this.i32[d + D.MODE] = mode; }
  filetype(d: number): number { return this.i32[d + D.FILETYPE]!; }
  setFiletype(d: number, t: number): void { this.i32[d + D.FILETYPE] = t; }
  position(d: number): number { return this.f64[(d + D.POS) >> 1]!; }
  setPosition(d: number, p: number): void { this.f64[(d + D.POS) >> 1] = p; }
  root(slot: number): number { return this.i32[slot + F.ROOT]!; }
  preopenOf(slot: number): number { return this.i32[slot + F.PREOPEN]!; }
  rightsLo(slot: number): number { return this.i32[slot + F.RB_LO]!; }
  rights(slot: number): [bigint, bigint] {
    const i = this.i32;
    const u = (lo: number, hi: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
    return [u(i[slot + F.RB_LO]!, i[slot + F.RB_HI]!), u(i[slot + F.RI_LO]!, i[slot + F.RI_HI]!)];
  }
  inheritingLo(slot: number): number { return this.i32[slot + F.RI_LO]!; }
  setRights(slot: number, base: bigint, inheriting: bigint): void {
    const i = this.i32;
    i[slot + F.RB_LO] = Number(base & 0xffffffffn) | 0;
    i[slot + F.RB_HI] = Number((base >> 32n) & 0xffffffffn) | 0;
    i[slot + F.RI_LO] = Number(inheriting & 0xffffffffn) | 0;
    i[slot + F.RI_HI] = Number((inheriting >> 32n) & 0xffffffffn) | 0;
  }

  /** The path of a description, relative to its preopen root, as components. */
  path(d: number): string {
    const len = this.i32[d + D.PATHLEN]!;
    if (len === 0) return '';
    const stamp = this.i32[d + D.GEN]!;
    const cached = this.#paths.get(d);
    if (cached && cached.stamp === stamp) return cached.path;
    const at = PATHS_AT_BYTES + ((d - DESCS_AT) / SLOT_INTS) * MAX_PATH_BYTES;
    const path = DEC.decode(this.#u8.slice(at, at + len));
    this.#paths.set(d, { stamp, path });
    return path;
  }

  /** Changes whenever the description slot is reused (cache key). */
  descGen(d: number): number { return this.i32[d + D.GEN]!; }

  /** The preopen root index the description's path is relative to. */
  descRoot(d: number): number { return this.i32[d + D.ROOT]!; }

  /**
   * Claims a free description (REFS 0 → 1): the one with the fd's own index when it is
   * free (the usual case: one cache line), else the first free one. A plain read skips
   * those in use without an atomic operation each; the compare-exchange still decides,
   * so two threads never claim the same description.
   */
  #claimDesc(hint: number): number {
    const i = this.i32;
    const h = DESCS_AT + hint * SLOT_INTS + D.REFS;
    if (i[h] === 0 && this.#take(h)) return hint;
    for (let k = 0; k < MAX_FDS; k++) {
      const s = DESCS_AT + k * SLOT_INTS + D.REFS;
      if (i[s] === 0 && this.#take(s)) return k;
    }
    return -1;
  }

  /** Creates a description and an fd (the lowest free at or above `minFd`) for it. */
  open(desc: NewDesc, rightsBase: bigint, rightsInheriting: bigint, preopen = -1, minFd = 0): number {
    const pathBytes = desc.path === '' ? EMPTY : ENC.encode(desc.path);
    if (pathBytes.length > MAX_PATH_BYTES) throw new ErrnoError(Errno.NAMETOOLONG);
    const fd = this.#create(desc.kind, desc.handle, desc.filetype, desc.fdflags, desc.mode, desc.root, pathBytes, preopen, minFd);
    this.setRights(FDS_AT + fd * SLOT_INTS, rightsBase, rightsInheriting);
    return fd;
  }

  /**
   * open() for path_open's hot path: a file description without a stored path at the
   * lowest free fd, with rights given as their low 32 bits (every WASI right lies below
   * bit 30): no objects, no BigInts.
   */
  openFile(handle: number, filetype: number, fdflags: number, root: number, baseLo: number, inheritingLo: number): number {
    const fd = this.#create(DescKind.FILE, handle, filetype, fdflags, 0, root, EMPTY, -1, 0);
    const s = FDS_AT + fd * SLOT_INTS;
    const i = this.i32;
    i[s + F.RB_LO] = baseLo;
    i[s + F.RB_HI] = 0;
    i[s + F.RI_LO] = inheritingLo;
    i[s + F.RI_HI] = 0;
    return fd;
  }

  #create(kind: number, handle: number, filetype: number, fdflags: number, mode: number, root: number, pathBytes: Uint8Array, preopen: number, minFd: number): number {
    const fd = this.#claimFd(minFd);
    if (fd < 0) throw new ErrnoError(Errno.MFILE);
    const k = this.#claimDesc(fd);
    if (k < 0) {
      this.i32[USED_AT + fd] = 0;
      throw new ErrnoError(Errno.NFILE);
    }
    const d = DESCS_AT + k * SLOT_INTS;
    const i = this.i32;
    i[d + D.KIND] = kind;
    i[d + D.HANDLE] = handle;
    i[d + D.FILETYPE] = filetype;
    i[d + D.FDFLAGS] = fdflags;
    i[d + D.MODE] = mode;
    i[d + D.ROOT] = root;
    i[d + D.PATHLEN] = pathBytes.length;
    i[d + D.GEN] = (i[d + D.GEN]! + 1) | 0;
    if (pathBytes.length > 0) this.#u8.set(pathBytes, this.#pathSlot(k));
    this.setPosition(d, 0);
    if (this.#paths.size > 0) this.#paths.delete(d);
    const s = FDS_AT + fd * SLOT_INTS;
    i[s + F.GEN] = (i[s + F.GEN]! + 1) | 0;
    i[s + F.DESC] = k;
    i[s + F.ROOT] = root;
    i[s + F.PREOPEN] = preopen;
    return fd;
  }

  /** Sets a word read as 0 to 1: a compare-exchange when shared (false if another thread won). */
  #take(at: number): boolean {
    if (this.#shared) return Atomics.compareExchange(this.i32, at, 0, 1) === 0;
    this.i32[at] = 1;
    return true;
  }

  /** The lowest free fd at or above minFd, claimed (plain reads skip the fds in use, as in #claimDesc). */
  #claimFd(minFd: number): number {
    const i = this.i32;
    for (let fd = minFd; fd < MAX_FDS; fd++) {
      if (i[USED_AT + fd] === 0 && this.#take(USED_AT + fd)) return fd;
    }
    return -1;
  }

  #fill(fd: number, descIndex: number, root: number, preopen: number, base: bigint, inheriting: bigint): void {
    const s = FDS_AT + fd * SLOT_INTS;
    const i = this.i32;
    i[s + F.GEN] = (i[s + F.GEN]! + 1) | 0;
    i[s + F.DESC] = descIndex;
    i[s + F.ROOT] = root;
    i[s + F.PREOPEN] = preopen;
    this.setRights(s, base, inheriting);
  }

  #release(d: number): void {
    const left = this.#shared ? Atomics.sub(this.i32, d + D.REFS, 1) - 1 : --this.i32[d + D.REFS]!;
    if (left > 0) return;
    const kind = this.i32[d + D.KIND]!;
    const pinned = (this.i32[d + D.MODE]! & Mode.PINNED) !== 0;
    if (kind === DescKind.FILE && !pinned) this.#backend.close(this.i32[d + D.HANDLE]!);
  }

  /** fd_close: frees the slot; the description closes with its last fd. */
  close(fd: number): void {
    const s = this.require(fd);
    const d = this.desc(s);
    this.i32[USED_AT + fd] = 0;
    this.#release(d);
  }

  /** dup: a new fd (lowest free at or above minFd) sharing fd's description. */
  dup(fd: number, minFd = 0): number {
    const s = this.require(fd);
    const d = this.desc(s);
    const to = this.#claimFd(minFd);
    if (to < 0) throw new ErrnoError(Errno.MFILE);
    Atomics.add(this.i32, d + D.REFS, 1);
    const [base, inheriting] = this.rights(s);
    this.#fill(to, this.i32[s + F.DESC]!, this.i32[s + F.ROOT]!, -1, base, inheriting);
    return to;
  }

  /** dup2: makes `to` refer to fd's description, closing what `to` held. Returns `to`. */
  dupTo(fd: number, to: number): number {
    const s = this.require(fd);
    if (to >>> 0 !== to || to >= MAX_FDS) throw new ErrnoError(Errno.BADF);
    if (fd === to) return to;
    const d = this.desc(s);
    Atomics.add(this.i32, d + D.REFS, 1);
    const t = FDS_AT + to * SLOT_INTS;
    if (Atomics.compareExchange(this.i32, USED_AT + to, 0, 1) === 1) this.#release(this.desc(t));
    const [base, inheriting] = this.rights(s);
    this.#fill(to, this.i32[s + F.DESC]!, this.i32[s + F.ROOT]!, -1, base, inheriting);
    return to;
  }

  /**
   * fd_renumber: `to` takes over `from` (its preopen status included) and `from` is
   * closed. Both must be open (witx: "Atomically replace a file descriptor by
   * renumbering another file descriptor"; BADF otherwise, as in wasmtime).
   */
  renumber(from: number, to: number): void {
    const s = this.require(from);
    const t = this.require(to);
    if (from === to) return;
    const old = this.desc(t);
    this.i32.copyWithin(t + 1, s + 1, s + SLOT_INTS);
    this.i32[t + F.GEN] = (this.i32[t + F.GEN]! + 1) | 0;
    this.i32[USED_AT + from] = 0;
    this.#release(old);
  }

  /**
   * Pins live descriptions (close keeps their handles open) and copies the table's used
   * part: the header, the fds below the highest open one, the descriptions below the
   * highest live one (a few hundred bytes, where the whole table is 135 KiB: allocating
   * that much cost a cold start ~0.3 ms here).
   */
  snapshot(): FdTableSnapshot {
    const i = this.i32;
    const paths = new Map<number, Uint8Array>();
    let fds = 0;
    let descs = 0;
    for (let k = 0; k < MAX_FDS; k++) {
      if (i[USED_AT + k] !== 0) fds = k + 1;
      const d = DESCS_AT + k * SLOT_INTS;
      if (i[d + D.REFS]! > 0) {
        descs = k + 1;
        i[d + D.MODE] = i[d + D.MODE]! | Mode.PINNED;
        const at = PATHS_AT_BYTES + k * MAX_PATH_BYTES;
        const length = i[d + D.PATHLEN]!;
        paths.set(k, length === 0 ? EMPTY : this.#u8.slice(at, at + length));
      }
    }
    const ints = new Int32Array(HEADER_INTS + fds + (fds + descs) * SLOT_INTS);
    ints.set(i.subarray(0, HEADER_INTS + fds), 0);
    ints.set(i.subarray(FDS_AT, FDS_AT + fds * SLOT_INTS), HEADER_INTS + fds);
    ints.set(i.subarray(DESCS_AT, DESCS_AT + descs * SLOT_INTS), HEADER_INTS + fds + fds * SLOT_INTS);
    return { ints, fds, descs, paths };
  }

  /** Whether the table holds exactly what `saved` recorded (no fd or description changed since). */
  #unchanged(saved: FdTableSnapshot): boolean {
    const i = this.i32;
    const { ints, fds, descs } = saved;
    const fdInts = fds * SLOT_INTS;
    const head = HEADER_INTS + fds;
    for (let k = 0; k < head; k++) if (i[k] !== ints[k]) return false;
    for (let k = fds; k < MAX_FDS; k++) if (i[USED_AT + k] !== 0) return false;
    for (let k = 0; k < fdInts; k++) if (i[FDS_AT + k] !== ints[head + k]) return false;
    for (let k = 0; k < descs * SLOT_INTS; k++) if (i[DESCS_AT + k] !== ints[head + fdInts + k]) return false;
    for (let k = descs; k < MAX_FDS; k++) if (i[DESCS_AT + k * SLOT_INTS + D.REFS] !== 0) return false;
    return true;
  }

  /** Back to a snapshot: closes every handle opened since, reinstates the saved fds. */
  restore(saved: FdTableSnapshot): void {
    // Most calls leave the table as the snapshot had it (stdio only): a short comparison
    // then, instead of rewriting every slot (this runs on every Faaslet reset).
    if (this.#paths.size === 0 && this.#unchanged(saved)) return;
    const i = this.i32;
    const { ints, fds, descs } = saved;
    const head = HEADER_INTS + fds;
    const keep = new Set<number>();
    for (const k of saved.paths.keys()) {
      const d = head + fds * SLOT_INTS + k * SLOT_INTS;
      if (ints[d + D.KIND] === DescKind.FILE) keep.add(ints[d + D.HANDLE]!);
    }
    for (let k = 0; k < MAX_FDS; k++) {
      const d = DESCS_AT + k * SLOT_INTS;
      if (i[d + D.REFS]! > 0 && i[d + D.KIND] === DescKind.FILE) {
        const h = i[d + D.HANDLE]!;
        if (!keep.has(h)) {
          try { this.#backend.close(h); } catch { /* already gone: nothing to restore */ }
        }
      }
    }
    i.set(ints.subarray(0, HEADER_INTS), 0);
    // Generations stay monotonic across a restore, so per-thread caches never match stale
    // entries; slots past the saved ones are only marked free (create sets every field).
    for (let k = 0; k < MAX_FDS; k++) {
      const s = FDS_AT + k * SLOT_INTS;
      const gen = i[s + F.GEN]!;
      if (k < fds) {
        i[USED_AT + k] = ints[HEADER_INTS + k]!;
        i.set(ints.subarray(head + k * SLOT_INTS, head + (k + 1) * SLOT_INTS), s);
      } else {
        i[USED_AT + k] = 0;
      }
      i[s + F.GEN] = (gen + 1) | 0;
      const d = DESCS_AT + k * SLOT_INTS;
      const descGen = i[d + D.GEN]!;
      if (k < descs) {
        const from = head + fds * SLOT_INTS + k * SLOT_INTS;
        i.set(ints.subarray(from, from + SLOT_INTS), d);
      } else {
        i[d + D.REFS] = 0;
      }
      i[d + D.GEN] = (descGen + 1) | 0;
    }
    for (const [k, bytes] of saved.paths) {
      if (bytes.length > 0) this.#u8.set(bytes, this.#pathSlot(k));
      // The handles kept moving since the snapshot: positions are reinstated by positional I/O.
      const d = DESCS_AT + k * SLOT_INTS;
      i[d + D.MODE] = i[d + D.MODE]! | Mode.DESYNC;
    }
    this.#paths.clear();
  }

  /** Closes every handle and empties the table (the Faaslet is discarded). */
  dispose(): void {
    for (let k = 0; k < MAX_FDS; k++) {
      const d = DESCS_AT + k * SLOT_INTS;
      if (this.i32[d + D.REFS]! > 0 && this.i32[d + D.KIND] === DescKind.FILE) {
        try { this.#backend.close(this.i32[d + D.HANDLE]!); } catch { /* already closed */ }
      }
      this.i32[d + D.REFS] = 0;
      this.i32[USED_AT + k] = 0;
    }
  }

  /** Open fds, ascending (for tests and diagnostics). */
  openFds(): number[] {
    const out: number[] = [];
    for (let fd = 0; fd < MAX_FDS; fd++) if (this.slot(fd) >= 0) out.push(fd);
    return out;
  }
}
