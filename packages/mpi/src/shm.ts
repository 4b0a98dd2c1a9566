import type { Transport } from './transport.js';

/**
 * One world's shared memory: a control block (abort flag and reason, context-id
 * counter, per-rank doorbell, sleep flag and exit state) and a single-producer
 * single-consumer ring per ordered pair of ranks. Ranks copy straight between their
 * guest memory and the rings (copy in, copy out); blocked ranks wait on their doorbell
 * with Atomics.wait, and a writer only calls Atomics.notify when the reader sleeps.
 */
const Ctl = { ABORTED: 0, ABORT_RANK: 1, ABORT_CODE: 2, NEXT_CONTEXT: 3, ABORT_MSG_LEN: 4, SIZE: 5, RING_BYTES: 6 } as const;
const CTL_FIXED = 16;
/** Each rank's fields on their own 64-byte line (peers poll SLEEPING on every publish). */
const PER_RANK = 16;
const Rank = { DOORBELL: 0, SLEEPING: 1, EXIT_STATE: 2, EXIT_CODE: 3 } as const;
const ABORT_MSG_BYTES = 1024;
/**
 * A ring's header: the writer's line (head: bytes written; waiting: the writer waits
 * for space) and the reader's line (tail: bytes read), 64 bytes apart. Int32 indices.
 */
const RING_HEADER = 128;
const HEAD = 0;
const WAITING = 1;
const TAIL = 16;
/** Copies up to this size use a byte loop instead of typed-array views. */
const SMALL = 64;

export const ExitState = { RUNNING: 0, OK: 1, FAILED: 2 } as const;

/** Context ids 1 and 2 are MPI_COMM_WORLD and MPI_COMM_NULL; new communicators count from 3. */
const FIRST_CONTEXT = 3;

function pow2Floor(n: number): number {
  return 2 ** Math.floor(Math.log2(n));
}

/**
 * Default ring size: 256 KiB per pair up to 14 ranks, then smaller (~48 MiB for the
 * whole world), never under 64 KiB. A ring that stays in cache streams large messages
 * faster than a big one: measured on 2 ranks, 1 MiB ping-pong and Allreduce of 1 MiB
 * ran faster through 256 KiB rings than through 4 MiB ones (and 64 KiB was slower).
 */
export function defaultRingBytes(size: number): number {
  if (size < 2) return 0;
  return pow2Floor(Math.min(256 << 10, Math.max(64 << 10, (48 << 20) / (size * (size - 1)))));
}

export class ShmWorld {
  readonly ctl: Int32Array;
  readonly bytes: Uint8Array;
  readonly size: number;
  readonly ringBytes: number;
  readonly #ringBase: number;

  private constructor(readonly sab: SharedArrayBuffer) {
    this.ctl = new Int32Array(sab);
    this.bytes = new Uint8Array(sab);
    this.size = this.ctl[Ctl.SIZE]!;
    this.ringBytes = this.ctl[Ctl.RING_BYTES]!;
    this.#ringBase = ShmWorld.#ringBaseOf(this.size);
  }

  static #ctlInts(size: number): number {
    return CTL_FIXED + PER_RANK * size;
  }

  static #ringBaseOf(size: number): number {
    const end = ShmWorld.#ctlInts(size) * 4 + ABORT_MSG_BYTES;
    return Math.ceil(end / 128) * 128;
  }

  static create(size: number, ringBytes = defaultRingBytes(size)): ShmWorld {
    if (size > 1 && (ringBytes < 1024 || pow2Floor(ringBytes) !== ringBytes)) throw new RangeError(`ring size must be a power of two ≥ 1024, got ${ringBytes}`);
    const pairs = size * (size - 1);
    const sab = new SharedArrayBuffer(ShmWorld.#ringBaseOf(size) + pairs * (RING_HEADER + ringBytes));
    const ctl = new Int32Array(sab);
    ctl[Ctl.SIZE] = size;
    ctl[Ctl.RING_BYTES] = ringBytes;
    ctl[Ctl.NEXT_CONTEXT] = FIRST_CONTEXT;
    return new ShmWorld(sab);
  }

  static attach(sab: SharedArrayBuffer): ShmWorld {
    return new ShmWorld(sab);
  }

  #r(rank: number, field: number): number {
    return CTL_FIXED + rank * PER_RANK + field;
  }

  /** Byte offset of the ring carrying src → dst. */
  ringOffset(src: number, dst: number): number {
    const pair = src * (this.size - 1) + (dst < src ? dst : dst - 1);
    return this.#ringBase + pair * (RING_HEADER + this.ringBytes);
  }

  /** Reserves `count` fresh context ids (communicators, windows); returns the first. */
  allocContexts(count: number): number {
    return Atomics.add(this.ctl, Ctl.NEXT_CONTEXT, count);
  }

  get aborted(): boolean {
    return Atomics.load(this.ctl, Ctl.ABORTED) !== 0;
  }

  /** The abort that ended the world (first one wins). */
  abortInfo(): { rank: number; code: number; message: string } | undefined {
    if (!this.aborted) return undefined;
    const len = Atomics.load(this.ctl, Ctl.ABORT_MSG_LEN);
    const start = CTL_FIXED * 4 + PER_RANK * this.size * 4;
    const message = new TextDecoder().decode(this.bytes.slice(start, start + Math.max(0, len)));
    return { rank: this.ctl[Ctl.ABORT_RANK]!, code: this.ctl[Ctl.ABORT_CODE]!, message };
  }

  /** Aborts the world (first caller wins) and wakes every rank. */
  abort(rank: number, code: number, message: string): boolean {
    // Claim with 2 (writing), publish with 1 only after the reason is written.
    const won = Atomics.compareExchange(this.ctl, Ctl.ABORTED, 0, 2) === 0;
    if (won) {
      const encoded = new TextEncoder().encode(message).subarray(0, ABORT_MSG_BYTES);
      const start = CTL_FIXED * 4 + PER_RANK * this.size * 4;
      this.bytes.set(encoded, start);
      this.ctl[Ctl.ABORT_RANK] = rank;
      this.ctl[Ctl.ABORT_CODE] = code;
      Atomics.store(this.ctl, Ctl.ABORT_MSG_LEN, encoded.length);
      Atomics.store(this.ctl, Ctl.ABORTED, 1);
    }
    for (let r = 0; r < this.size; r++) this.wake(r, true);
    return won;
  }

  /** Wakes `rank` if it sleeps (or always, with `force`). */
  wake(rank: number, force = false): void {
    if (force || Atomics.load(this.ctl, this.#r(rank, Rank.SLEEPING)) !== 0) {
      Atomics.add(this.ctl, this.#r(rank, Rank.DOORBELL), 1);
      Atomics.notify(this.ctl, this.#r(rank, Rank.DOORBELL));
    }
  }

  armSleep(rank: number): number {
    const token = Atomics.load(this.ctl, this.#r(rank, Rank.DOORBELL));
    Atomics.store(this.ctl, this.#r(rank, Rank.SLEEPING), 1);
    return token;
  }

  sleep(rank: number, token: number, timeoutMs: number): void {
    Atomics.wait(this.ctl, this.#r(rank, Rank.DOORBELL), token, timeoutMs);
    Atomics.store(this.ctl, this.#r(rank, Rank.SLEEPING), 0);
  }

  disarm(rank: number): void {
    Atomics.store(this.ctl, this.#r(rank, Rank.SLEEPING), 0);
  }

  setExit(rank: number, state: number, code: number): void {
    this.ctl[this.#r(rank, Rank.EXIT_CODE)] = code;
    Atomics.store(this.ctl, this.#r(rank, Rank.EXIT_STATE), state);
    this.wake(0, true);
  }

  exitState(rank: number): { state: number; code: number } {
    return { state: Atomics.load(this.ctl, this.#r(rank, Rank.EXIT_STATE)), code: this.ctl[this.#r(rank, Rank.EXIT_CODE)]! };
  }
}

/** The shared-memory transport of one rank. */
export class ShmTransport implements Transport {
  readonly size: number;
  readonly #i32: Int32Array;
  readonly #u8: Uint8Array;
  readonly #cap: number;
  readonly #mask: number;
  /** Per peer: byte offsets of the outgoing and incoming rings (-1 for self). */
  readonly #out: number[] = [];
  readonly #in: number[] = [];
  /** Local copies of our own ring positions (we are the only writer of each). */
  readonly #head: number[] = [];
  readonly #tail: number[] = [];
  /** Per outgoing ring: the reader's tail as last seen (it only moves forward). */
  readonly #seenTail: number[] = [];
  /** Local copy of each outgoing ring's WAITING word. */
  readonly #waiting: boolean[] = [];

  constructor(
    readonly world: ShmWorld,
    readonly rank: number,
  ) {
    this.size = world.size;
    this.#i32 = world.ctl;
    this.#u8 = world.bytes;
    this.#cap = world.ringBytes;
    this.#mask = world.ringBytes - 1;
    for (let p = 0; p < this.size; p++) {
      const self = p === rank;
      this.#out.push(self ? -1 : world.ringOffset(rank, p));
      this.#in.push(self ? -1 : world.ringOffset(p, rank));
      this.#head.push(self ? 0 : Atomics.load(this.#i32, world.ringOffset(rank, p) / 4 + HEAD));
      this.#tail.push(self ? 0 : Atomics.load(this.#i32, world.ringOffset(p, rank) / 4 + TAIL));
      this.#seenTail.push(self ? 0 : Atomics.load(this.#i32, world.ringOffset(rank, p) / 4 + TAIL));
      this.#waiting.push(false);
    }
  }

  writable(peer: number, need = Infinity): number {
    const head = this.#head[peer]!;
    const room = this.#cap - ((head - this.#seenTail[peer]!) >>> 0);
    if (room >= need) return room;
    const tail = Atomics.load(this.#i32, this.#out[peer]! / 4 + TAIL);
    this.#seenTail[peer] = tail;
    return this.#cap - ((head - tail) >>> 0);
  }

  write(peer: number, bytes: Uint8Array, off = 0, n = bytes.length - off): void {
    const data = this.#out[peer]! + RING_HEADER;
    const head = this.#head[peer]!;
    const at = head & this.#mask;
    this.#head[peer] = (head + n) | 0;
    if (n <= SMALL && at + n <= this.#cap) {
      // Small copies: a loop beats creating views (latency of small messages).
      const u8 = this.#u8;
      for (let i = 0, o = data + at; i < n; i++) u8[o + i] = bytes[off + i]!;
      return;
    }
    const first = Math.min(n, this.#cap - at);
    this.#u8.set(bytes.subarray(off, off + first), data + at);
    if (first < n) this.#u8.set(bytes.subarray(off + first, off + n), data);
  }

  pad(peer: number, n: number): void {
    this.#head[peer] = (this.#head[peer]! + n) | 0;
  }

  writeHeader(peer: number, w0: number, w1: number, w2: number): void {
    const head = this.#head[peer]!;
    // Positions are multiples of 16 and the ring size is a power of two ≥ 1024: no wrap.
    const w = (this.#out[peer]! + RING_HEADER + (head & this.#mask)) >> 2;
    const i32 = this.#i32;
    i32[w] = w0;
    i32[w + 1] = w1;
    i32[w + 2] = w2;
    i32[w + 3] = 0;
    this.#head[peer] = (head + 16) | 0;
  }

  publish(peer: number): void {
    Atomics.store(this.#i32, this.#out[peer]! / 4 + HEAD, this.#head[peer]!);
    this.world.wake(peer);
  }

  awaitSpace(peer: number, waiting: boolean): void {
    if (this.#waiting[peer] === waiting) return;
    this.#waiting[peer] = waiting;
    Atomics.store(this.#i32, this.#out[peer]! / 4 + WAITING, waiting ? 1 : 0);
  }

  readable(peer: number): number {
    const head = Atomics.load(this.#i32, this.#in[peer]! / 4 + HEAD);
    return (head - this.#tail[peer]!) >>> 0;
  }

  read(peer: number, into: Uint8Array, off = 0, n = into.length - off): void {
    const data = this.#in[peer]! + RING_HEADER;
    const tail = this.#tail[peer]!;
    const at = tail & this.#mask;
    this.#tail[peer] = (tail + n) | 0;
    if (n <= SMALL && at + n <= this.#cap) {
      const u8 = this.#u8;
      for (let i = 0, o = data + at; i < n; i++) into[off + i] = u8[o + i]!;
      return;
    }
    const first = Math.min(n, this.#cap - at);
    into.set(this.#u8.subarray(data + at, data + at + first), off);
    if (first < n) into.set(this.#u8.subarray(data, data + n - first), off + first);
  }

  peekHeader(peer: number, out: Int32Array): void {
    const w = (this.#in[peer]! + RING_HEADER + (this.#tail[peer]! & this.#mask)) >> 2;
    const i32 = this.#i32;
    out[0] = i32[w]!;
    out[1] = i32[w + 1]!;
    out[2] = i32[w + 2]!;
  }

  skip(peer: number, n: number): void {
    this.#tail[peer] = (this.#tail[peer]! + n) | 0;
  }

  release(peer: number): void {
    const ring = this.#in[peer]! / 4;
    Atomics.store(this.#i32, ring + TAIL, this.#tail[peer]!);
    // Wake the writer only if it waits for space: a reply it waits for wakes it anyway.
    if (Atomics.load(this.#i32, ring + WAITING) !== 0) this.world.wake(peer);
  }

  armSleep(): number {
    return this.world.armSleep(this.rank);
  }

  sleep(token: number, timeoutMs: number): void {
    this.world.sleep(this.rank, token, timeoutMs);
  }

  disarm(): void {
    this.world.disarm(this.rank);
  }
}
