import type {
  AppendRequest,
  DirectAccess,
  KeyRequest,
  LockHandle,
  LockRequest,
  OpenRequest,
  OpenResponse,
  PullRequest,
  PushRequest,
  ReadAppendedRequest,
  SegmentHandles,
} from './protocol.js';
import { META, PULL_CHUNK, STATE_SERVICES } from './protocol.js';
import { InProcessStore, type Range, type StateStore } from './store.js';

export interface StateHostOptions {
  /** The global tier (default: a new in-process store). */
  store?: StateStore;
  /** Global lock expiry in ms (default 30 s): a lock held longer is lost. */
  lockTtlMs?: number;
  /**
   * Whether locks are also taken in the global tier (default: true when a store is
   * given, since other hosts may share it; false for the host's own in-process store).
   */
  globalLocks?: boolean;
  /**
   * Whether Faaslets may reach the global tier from their own worker, synchronously,
   * when the store allows it (RedisStore, with @faasm/native built): default true.
   * False keeps every push, pull, append and lock on this thread's store.
   */
  direct?: boolean;
}

/** The shared views of a segment (both sides of the bridge work on these). */
export interface SegmentViews {
  data: Uint8Array;
  dirty: Uint8Array;
  meta: Int32Array;
}

interface Segment {
  handles: SegmentHandles;
  data: Uint8Array;
  dirty: Uint8Array;
  meta: Int32Array;
}

/** Views over a segment's shared buffers (used on both sides of the bridge). */
export function segmentViews(handles: SegmentHandles): { data: Uint8Array; dirty: Uint8Array; meta: Int32Array } {
  return { data: new Uint8Array(handles.data), dirty: new Uint8Array(handles.dirty), meta: new Int32Array(handles.meta) };
}

/**
 * Fills [start, end) of a byte view. TypedArray.fill on a SharedArrayBuffer goes byte by
 * byte (about 10x slower than memset): large fills double a filled prefix with copyWithin.
 */
export function fillBytes(bytes: Uint8Array, value: number, start = 0, end = bytes.length): void {
  if (end - start <= 4096) {
    bytes.fill(value, start, end);
    return;
  }
  bytes[start] = value;
  for (let len = 1; start + len < end; len *= 2) bytes.copyWithin(start + len, start, start + Math.min(len, end - start - len));
}

export function chunkCount(size: number): number {
  return Math.ceil(size / PULL_CHUNK);
}

/** Clears the dirty flags and mask (the mask only if bytes of it were set). */
export function clearDirty(dirty: Uint8Array, meta: Int32Array): void {
  if (Atomics.exchange(meta, META.partlyDirty, 0) === 1) fillBytes(dirty, 0);
  Atomics.store(meta, META.allDirty, 0);
  Atomics.store(meta, META.dirty, 0);
}

/** Contiguous runs of non-zero bytes in `mask` (restricted to [0, size)). */
export function dirtyRuns(mask: Uint8Array, size: number): [number, number][] {
  const runs: [number, number][] = [];
  let i = mask.indexOf(1);
  while (i >= 0 && i < size) {
    let end = i;
    while (end < size && mask[end] !== 0) end++;
    runs.push([i, end]);
    let next = end;
    while (next < size && mask[next] === 0) next++;
    i = next < size ? next : -1;
  }
  return runs;
}

/**
 * Ends a forced pull that wrote the first min(length, size) bytes of the global value
 * into `data` (length -1: no global value): zeroes the rest, clears the dirty mask,
 * marks every chunk pulled.
 */
export function finishForcedPull(views: SegmentViews, size: number, length: number): void {
  const copied = Math.max(0, Math.min(length, size));
  if (copied < size) fillBytes(views.data, 0, copied, size);
  clearDirty(views.dirty, views.meta);
  views.meta.fill(1, META.chunks);
  Atomics.store(views.meta, META.fullyPulled, 1);
}

/** Runs [from, to) of the chunks of [offset, offset+length) not yet pulled. */
export function missingChunks(meta: Int32Array, size: number, offset: number, length: number): [number, number][] {
  const runs: [number, number][] = [];
  if (Atomics.load(meta, META.fullyPulled) === 1) return runs;
  const from = Math.floor(Math.max(0, offset) / PULL_CHUNK);
  const to = Math.min(chunkCount(size), Math.ceil((offset + length) / PULL_CHUNK));
  let first = -1;
  for (let c = from; c <= to; c++) {
    const missing = c < to && Atomics.load(meta, META.chunks + c) === 0;
    if (missing && first < 0) first = c;
    if (!missing && first >= 0) {
      runs.push([first, c]);
      first = -1;
    }
  }
  return runs;
}

/** The byte range [start, end) of chunks [from, to). */
export function chunkBytes(size: number, from: number, to: number): [number, number] {
  return [from * PULL_CHUNK, Math.min(size, to * PULL_CHUNK)];
}

/** Merges pulled chunks [from, to) into the replica (bytes dirtied locally are kept) and marks them pulled. */
export function mergeChunks(views: SegmentViews, size: number, from: number, to: number, remote: Uint8Array): void {
  const { data, dirty, meta } = views;
  const [start, end] = chunkBytes(size, from, to);
  const span = dirty.subarray(start, end);
  if (Atomics.load(meta, META.allDirty) === 1) {
    // Every local byte is newer than the global copy.
  } else if (Atomics.load(meta, META.partlyDirty) === 0 || span.indexOf(1) < 0) {
    data.set(remote.subarray(0, end - start), start);
  } else {
    for (let i = 0; i < remote.length && i < end - start; i++) if (span[i] === 0) data[start + i] = remote[i]!;
  }
  for (let c = from; c < to; c++) Atomics.store(meta, META.chunks + c, 1);
}

/** Sets the fullyPulled flag once every chunk is in. */
export function noteFullyPulled(meta: Int32Array): void {
  if (meta.subarray(META.chunks).every((f) => f === 1)) Atomics.store(meta, META.fullyPulled, 1);
}

/**
 * What a partial push sends: the dirty byte runs (or, for 'mask', the runs of non-zero
 * bytes of `maskData`), as copies; clears the dirty flags first, so bytes dirtied while
 * the push is in flight stay dirty.
 */
export function takePushRanges(views: SegmentViews, size: number, mode: 'partial' | 'mask', maskData?: Uint8Array): Range[] {
  const { data, dirty, meta } = views;
  const mask = mode === 'mask' ? maskData!.map((b) => (b !== 0 ? 1 : 0)) : dirty;
  const runs = mode === 'partial' && Atomics.load(meta, META.allDirty) === 1 ? [[0, size] as [number, number]] : dirtyRuns(mask, size);
  const ranges: Range[] = runs.map(([s, e]) => ({ offset: s, data: data.slice(s, e) }));
  clearDirty(dirty, meta);
  return ranges;
}

/**
 * A host's state replica (Faasm's per-host tier): one SharedArrayBuffer segment per
 * key, shared by every Faaslet and thread of the host, filled lazily from the global
 * tier and pushed back on request; plus per-host locks layered over the global ones.
 * Lives on the main thread; Faaslets reach it through the bridge services of
 * {@link handlers}.
 */
export class StateHost {
  readonly store: StateStore;
  readonly #lockTtlMs: number;
  readonly #segments = new Map<string, Segment>();
  readonly #opening = new Map<string, Promise<OpenResponse>>();
  readonly #lockWords = new Map<string, SharedArrayBuffer>();
  readonly #globalLocks: boolean;
  readonly #direct: boolean;

  constructor(options: StateHostOptions = {}) {
    this.store = options.store ?? new InProcessStore();
    this.#lockTtlMs = options.lockTtlMs ?? 30_000;
    this.#globalLocks = options.globalLocks ?? options.store !== undefined;
    this.#direct = options.direct ?? true;
  }

  /** What Faaslets need to reach the global tier themselves, or null (see StateHostOptions.direct). */
  directAccess(): DirectAccess | null {
    const access = this.#direct ? this.store.directAccess?.() : undefined;
    return access ? { ...access, lockTtlMs: this.#lockTtlMs } : null;
  }

  /** The bridge services to register on the main thread: service name → handler. */
  handlers(): Record<string, (request: never) => Promise<unknown>> {
    return {
      [STATE_SERVICES.open]: (r: OpenRequest) => this.open(r),
      [STATE_SERVICES.pull]: (r: PullRequest) => this.pull(r),
      [STATE_SERVICES.push]: (r: PushRequest) => this.push(r),
      [STATE_SERVICES.append]: (r: AppendRequest) => this.store.append(r.key, r.data).then(() => null),
      [STATE_SERVICES.readAppended]: (r: ReadAppendedRequest) => this.store.readAppended(r.key, r.count),
      [STATE_SERVICES.clearAppended]: (r: KeyRequest) => this.store.clearAppended(r.key).then(() => null),
      [STATE_SERVICES.lockHandle]: (r: KeyRequest) => Promise.resolve(this.lockHandle(r)),
      [STATE_SERVICES.lock]: (r: LockRequest) => this.lock(r),
      [STATE_SERVICES.unlock]: (r: LockRequest) => this.unlock(r),
      [STATE_SERVICES.direct]: () => Promise.resolve(this.directAccess()),
    };
  }

  /** The key's segment; with size 0, only if the key exists here or in the global tier. */
  async open(request: OpenRequest): Promise<OpenResponse> {
    const { key, size } = request;
    if (!Number.isInteger(size) || size < 0) throw new Error(`state '${key}': invalid size ${size}`);
    const local = this.#segments.get(key);
    if (local) return checkSize(local.handles, size);
    // Concurrent first opens of one key share the creation, then look again.
    const pending = this.#opening.get(key);
    if (pending) {
      await pending.catch(() => undefined);
      return this.open(request);
    }
    const opening = this.#create(key, size).finally(() => this.#opening.delete(key));
    this.#opening.set(key, opening);
    return opening;
  }

  async #create(key: string, size: number): Promise<OpenResponse> {
    const globalSize = await this.store.size(key);
    const existing = this.#segments.get(key);
    if (existing) return checkSize(existing.handles, size);
    if (globalSize === 0 && size === 0) return { key, size: 0 };
    if (globalSize !== 0 && size !== 0 && globalSize !== size) {
      throw new Error(`state '${key}' has ${globalSize} bytes, not ${size} (a key's size is fixed at creation)`);
    }
    const n = globalSize || size;
    const handles: SegmentHandles = {
      key,
      size: n,
      data: new SharedArrayBuffer(n),
      dirty: new SharedArrayBuffer(n),
      meta: new SharedArrayBuffer(4 * (META.chunks + chunkCount(n))),
    };
    const segment: Segment = { handles, ...segmentViews(handles) };
    // No global copy: nothing to pull (the value starts zeroed).
    if (globalSize === 0) {
      segment.meta[META.fullyPulled] = 1;
      segment.meta.fill(1, META.chunks);
    }
    this.#segments.set(key, segment);
    return handles;
  }

  #segment(key: string): Segment {
    const segment = this.#segments.get(key);
    if (!segment) throw new Error(`state '${key}' is not open on this host`);
    return segment;
  }

  /** Fills chunks of [offset, offset+length) not yet pulled (or everything, forced). */
  async pull(request: PullRequest): Promise<null> {
    const segment = this.#segment(request.key);
    const size = segment.handles.size;
    if (request.force) {
      const value = await this.store.get(request.key);
      if (value) segment.data.set(value.subarray(0, size));
      finishForcedPull(segment, size, value ? value.length : -1);
      return null;
    }
    for (const [from, to] of missingChunks(segment.meta, size, request.offset, request.length)) {
      const [start, end] = chunkBytes(size, from, to);
      mergeChunks(segment, size, from, to, await this.store.getRange(request.key, start, end - start));
    }
    noteFullyPulled(segment.meta);
    return null;
  }

  /** Sends dirty bytes to the global tier (see {@link PushRequest}). */
  async push(request: PushRequest): Promise<null> {
    const segment = this.#segment(request.key);
    const { data, dirty, meta } = segment;
    const size = segment.handles.size;
    if (request.mode === 'full') {
      if (Atomics.load(meta, META.dirty) === 0) return null;
      // Clear first: bytes dirtied while the push is in flight stay dirty.
      clearDirty(dirty, meta);
      await this.store.set(request.key, data.slice());
      return null;
    }
    let maskData: Uint8Array | undefined;
    if (request.mode === 'mask') {
      const maskSegment = this.#segments.get(request.maskKey ?? '');
      if (!maskSegment) throw new Error(`state mask '${request.maskKey}' is not open on this host`);
      if (maskSegment.handles.size !== size) throw new Error(`state mask '${request.maskKey}' has ${maskSegment.handles.size} bytes, '${request.key}' has ${size}`);
      maskData = maskSegment.data;
    }
    const ranges = takePushRanges(segment, size, request.mode, maskData);
    if (ranges.length > 0) await this.store.setRanges(request.key, size, ranges);
    // Faasm re-pulls after a partial push: other hosts' changes become visible.
    return this.pull({ key: request.key, force: true, offset: 0, length: size });
  }

  /** The key's host lock word (created on first use; locks need no value). */
  lockHandle(request: KeyRequest): LockHandle {
    let word = this.#lockWords.get(request.key);
    if (!word) this.#lockWords.set(request.key, (word = new SharedArrayBuffer(4)));
    return { word, global: this.#globalLocks };
  }

  /** Takes the global lock (the Faaslet already holds the host lock); resolves when held. */
  async lock(request: LockRequest): Promise<null> {
    const { key, mode, owner } = request;
    for (let attempt = 0; !(await this.store.tryLock(key, mode, owner, this.#lockTtlMs)); attempt++) {
      await sleep(attempt < 20 ? 0 : 1);
    }
    return null;
  }

  /** Releases the global lock; an owner that does not hold it (or whose lock expired) gets a clear error. */
  async unlock(request: LockRequest): Promise<null> {
    const { key, mode, owner } = request;
    if (!(await this.store.unlock(key, mode, owner))) {
      throw new Error(`the global ${mode} lock on '${key}' is not held by this Faaslet (never taken, or expired after ${this.#lockTtlMs} ms)`);
    }
    return null;
  }

  /** Forgets the local replica of a key (the next open re-reads the global tier). */
  evict(key: string): void {
    this.#segments.delete(key);
  }

  async close(): Promise<void> {
    await this.store.close();
  }
}

function checkSize(handles: SegmentHandles, size: number): SegmentHandles {
  if (size !== 0 && size !== handles.size) {
    throw new Error(`state '${handles.key}' has ${handles.size} bytes, not ${size} (a key's size is fixed at creation)`);
  }
  return handles;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => (ms <= 0 ? setImmediate(resolve) : setTimeout(resolve, ms)));
}
