import type { GuestMemory } from '@faasm/abi';
import { MpiErr } from './errors.js';
import { MPI_ANY_SOURCE, MPI_ANY_TAG } from './layout.js';
import type { Transport } from './transport.js';

/**
 * The point-to-point engine of one rank: message framing over the transport's byte
 * streams, matching by (source, context, tag) with MPI_ANY_SOURCE / MPI_ANY_TAG,
 * posted and unexpected queues, and one progress loop every blocking call runs
 * (MPI 4.x §3.5 non-overtaking: one ordered stream per source keeps the order).
 * A message is a 16-byte header { context, tag, length, 0 } and its payload padded
 * to 16 bytes. Sends and receives to guest memory copy straight between the guest
 * and the ring; nothing is sent through postMessage.
 */

const HEADER = 16;
/** Large payloads are made visible in chunks of this size (copy-in and copy-out overlap). */
const PUBLISH_CHUNK = 64 * 1024;
/** Unexpected messages of at least this size use pooled buffers (a few per power-of-two size). */
const POOL_MIN = 64 * 1024;
const POOL_PER_SIZE = 4;
/** The adaptive spin never drops below this (µs). */
const MIN_SPIN_MICROS = 1;

function align16(n: number): number {
  return (n + 15) & ~15;
}

export interface MsgStatus {
  /** World rank of the sender. */
  source: number;
  tag: number;
  /** Bytes delivered. */
  bytes: number;
  error: number;
}

/** Where a message's bytes come from or go to: guest memory or a host buffer. */
export type Buffer = { guest: number; len: number } | { host: Uint8Array };

export class SendOp {
  readonly kind = 'send';
  done = false;
  /** Bytes of the padded payload written, -1 before the header. */
  off = -1;
  readonly padded: number;
  constructor(
    readonly dst: number,
    readonly ctx: number,
    readonly tag: number,
    readonly src: Buffer,
    readonly len: number,
  ) {
    this.padded = align16(len);
  }
}

export class RecvOp {
  readonly kind = 'recv';
  done = false;
  status: MsgStatus = { source: MPI_ANY_SOURCE, tag: MPI_ANY_TAG, bytes: 0, error: 0 };
  /** For a receive whose buffer is allocated at match time (`cap` -1). */
  result: Uint8Array | undefined;
  constructor(
    readonly src: number,
    readonly ctx: number,
    readonly tag: number,
    public dest: Buffer | undefined,
    public cap: number,
  ) {}
}

class Incoming {
  got = 0;
  complete = false;
  /** Bytes go straight to the matched receive's buffer. */
  direct = false;
  req: RecvOp | undefined;
  buf: Uint8Array | undefined;
  readonly padded: number;
  constructor(
    readonly src: number,
    readonly ctx: number,
    readonly tag: number,
    readonly len: number,
  ) {
    this.padded = align16(len);
  }
}

/** Scratch buffer slots (see Engine.scratch): each collective uses distinct ones. */
export const Slot = { DATA: 0, TMP: 1, PARTIAL: 2, RESULT: 3, COPY: 4 } as const;
export type Slot = (typeof Slot)[keyof typeof Slot];

/** Thrown out of a blocking call when the world was aborted. */
export class WorldAborted extends Error {
  override readonly name = 'WorldAborted';
}

export interface EngineControl {
  /** Throws WorldAborted if the world was aborted. */
  checkAbort(): void;
}

function matches(r: RecvOp, m: Incoming): boolean {
  return r.ctx === m.ctx && (r.src === MPI_ANY_SOURCE || r.src === m.src) && (r.tag === MPI_ANY_TAG || r.tag === m.tag);
}

export class Engine {
  readonly rank: number;
  readonly size: number;
  readonly #out: SendOp[][] = [];
  readonly #incoming: (Incoming | undefined)[] = [];
  readonly #posted: RecvOp[] = [];
  readonly #unexpected: Incoming[] = [];
  readonly #hdr = new Uint8Array(HEADER);
  readonly #hdrView = new DataView(this.#hdr.buffer);
  #pendingSends = 0;
  /** Current spin budget (µs) and count of waits (see waitFor). */
  #budget: number;
  #waits = 0;
  readonly #scratch: (ArrayBuffer | undefined)[] = [];
  readonly #pool = new Map<number, ArrayBuffer[]>();

  constructor(
    readonly transport: Transport,
    readonly memory: GuestMemory,
    readonly control: EngineControl,
    /** How long a blocked call spins before it sleeps. */
    readonly spinMicros: number,
  ) {
    this.rank = transport.rank;
    this.size = transport.size;
    this.#budget = spinMicros;
    for (let p = 0; p < this.size; p++) {
      this.#out.push([]);
      this.#incoming.push(undefined);
    }
  }

  #bytesOf(b: Buffer, off: number, n: number): Uint8Array {
    return 'host' in b ? b.host.subarray(off, off + n) : this.memory.bytes(b.guest + off, n);
  }

  /** Starts a send; completes once every byte is in the transport (buffered). */
  isend(dst: number, ctx: number, tag: number, src: Buffer): SendOp {
    const len = 'host' in src ? src.host.length : src.len;
    const op = new SendOp(dst, ctx, tag, src, len);
    if (dst === this.rank) {
      const m = new Incoming(dst, ctx, tag, len);
      m.buf = this.#takeBuf(len);
      m.buf.set(this.#bytesOf(src, 0, len));
      m.got = m.padded;
      this.#arrived(m);
      this.#complete(m);
      op.done = true;
      return op;
    }
    const q = this.#out[dst]!;
    q.push(op);
    this.#pendingSends++;
    if (q.length === 1) this.#pushOut(dst);
    return op;
  }

  /** Starts a receive into `dest` (capacity `cap` bytes; `dest` undefined and cap -1: allocate at match). */
  irecv(src: number, ctx: number, tag: number, dest: Buffer | undefined, cap: number): RecvOp {
    const r = new RecvOp(src, ctx, tag, dest, cap);
    const i = this.#firstUnexpected(r);
    if (i >= 0) {
      const m = this.#unexpected[i]!;
      this.#unexpected.splice(i, 1);
      m.req = r;
      if (r.cap < 0) this.#allocate(r, m);
      if (m.complete) this.#finish(m);
    } else {
      this.#posted.push(r);
    }
    return r;
  }

  /** Blocks until a matching message has arrived (without receiving it). */
  probe(src: number, ctx: number, tag: number): MsgStatus {
    const r = new RecvOp(src, ctx, tag, undefined, 0);
    let found: Incoming | undefined;
    this.waitFor(() => (found = this.#unexpected[this.#firstUnexpected(r)]) !== undefined);
    return { source: found!.src, tag: found!.tag, bytes: found!.len, error: 0 };
  }

  /**
   * A reusable host buffer of `n` bytes (contents undefined) for slot `slot`: large
   * ArrayBuffer allocations cost milliseconds (zero fill, external-memory GC), so the
   * collectives keep theirs per rank. A slot's view is valid until the slot is reused.
   */
  scratch(slot: Slot, n: number): Uint8Array {
    let b = this.#scratch[slot];
    if (!b || b.byteLength < n) {
      b = new ArrayBuffer(Math.max(n, (b?.byteLength ?? 0) * 2, 256));
      this.#scratch[slot] = b;
    }
    return new Uint8Array(b, 0, n);
  }

  /** A buffer for an unexpected message: large ones come from a pool (allocating them costs milliseconds). */
  #takeBuf(len: number): Uint8Array {
    if (len < POOL_MIN) return new Uint8Array(len);
    const size = 2 ** Math.ceil(Math.log2(len));
    const b = this.#pool.get(size)?.pop() ?? new ArrayBuffer(size);
    return new Uint8Array(b, 0, len);
  }

  #giveBuf(u8: Uint8Array): void {
    const b = u8.buffer as ArrayBuffer;
    if (b.byteLength < POOL_MIN || u8.byteOffset !== 0 || 2 ** Math.round(Math.log2(b.byteLength)) !== b.byteLength) return;
    let list = this.#pool.get(b.byteLength);
    if (!list) this.#pool.set(b.byteLength, (list = []));
    if (list.length < POOL_PER_SIZE) list.push(b);
  }

  /** No send is waiting for ring space. */
  get idle(): boolean {
    return this.#pendingSends === 0;
  }

  #allocate(r: RecvOp, m: Incoming): void {
    r.result = new Uint8Array(m.len);
    r.dest = { host: r.result };
    r.cap = m.len;
  }

  #firstUnexpected(r: RecvOp): number {
    const q = this.#unexpected;
    for (let i = 0; i < q.length; i++) if (matches(r, q[i]!)) return i;
    return -1;
  }

  #arrived(m: Incoming): void {
    const posted = this.#posted;
    let i = -1;
    for (let k = 0; k < posted.length; k++) {
      if (matches(posted[k]!, m)) {
        i = k;
        break;
      }
    }
    if (i >= 0) {
      const r = this.#posted[i]!;
      this.#posted.splice(i, 1);
      m.req = r;
      m.direct = m.buf === undefined;
      if (r.cap < 0) this.#allocate(r, m);
    } else {
      this.#unexpected.push(m);
    }
    if (!m.direct && m.buf === undefined) m.buf = this.#takeBuf(m.len);
  }

  #complete(m: Incoming): void {
    m.complete = true;
    if (m.req) this.#finish(m);
  }

  #finish(m: Incoming): void {
    const r = m.req!;
    const fit = Math.min(m.len, r.cap);
    if (!m.direct && fit > 0) this.#bytesOf(r.dest!, 0, fit).set(m.buf!.subarray(0, fit));
    if (m.buf) this.#giveBuf(m.buf);
    m.buf = undefined;
    const st = r.status;
    st.source = m.src;
    st.tag = m.tag;
    st.bytes = fit;
    st.error = m.len > r.cap ? MpiErr.TRUNCATE : 0;
    r.done = true;
  }

  #pushOut(peer: number): boolean {
    const t = this.transport;
    const q = this.#out[peer]!;
    let wrote = false;
    while (q.length > 0) {
      const s = q[0]!;
      let room = t.writable(peer);
      if (s.off < 0) {
        if (room < HEADER) break;
        this.#hdrView.setInt32(0, s.ctx, true);
        this.#hdrView.setInt32(4, s.tag, true);
        this.#hdrView.setUint32(8, s.len, true);
        t.write(peer, this.#hdr);
        s.off = 0;
        room -= HEADER;
        wrote = true;
      }
      while (s.off < s.padded && room > 0) {
        let n: number;
        if (s.off < s.len) {
          n = Math.min(room, s.len - s.off, PUBLISH_CHUNK);
          t.write(peer, this.#bytesOf(s.src, s.off, n));
          // Publish large messages chunk by chunk: the reader copies out while we copy in.
          if (n === PUBLISH_CHUNK) t.publish(peer);
        } else {
          n = Math.min(room, s.padded - s.off);
          t.pad(peer, n);
        }
        s.off += n;
        room -= n;
        wrote = true;
      }
      if (s.off < s.padded) break;
      s.done = true;
      this.#pendingSends--;
      q.shift();
    }
    if (wrote) t.publish(peer);
    return wrote;
  }

  #pullIn(peer: number): boolean {
    const t = this.transport;
    let any = false;
    for (;;) {
      let avail = t.readable(peer);
      if (avail === 0) break;
      let m = this.#incoming[peer];
      if (!m) {
        if (avail < HEADER) break;
        t.read(peer, this.#hdr);
        avail -= HEADER;
        m = new Incoming(peer, this.#hdrView.getInt32(0, true), this.#hdrView.getInt32(4, true), this.#hdrView.getUint32(8, true));
        this.#incoming[peer] = m;
        this.#arrived(m);
      }
      while (m.got < m.padded && avail > 0) {
        let n: number;
        if (m.got < m.len) {
          n = Math.min(avail, m.len - m.got);
          if (m.direct) {
            const r = m.req!;
            const fit = Math.max(0, Math.min(n, r.cap - m.got));
            if (fit > 0) t.read(peer, this.#bytesOf(r.dest!, m.got, fit));
            if (n > fit) t.skip(peer, n - fit);
          } else {
            t.read(peer, m.buf!.subarray(m.got, m.got + n));
          }
        } else {
          n = Math.min(avail, m.padded - m.got);
          t.skip(peer, n);
        }
        m.got += n;
        avail -= n;
      }
      any = true;
      if (m.got < m.padded) break;
      this.#incoming[peer] = undefined;
      this.#complete(m);
    }
    if (any) t.release(peer);
    return any;
  }

  /** One pass over every peer: push queued sends, pull arrived bytes. */
  progress(): boolean {
    let any = false;
    for (let p = 0; p < this.size; p++) {
      if (p === this.rank) continue;
      if (this.#out[p]!.length > 0 && this.#pushOut(p)) any = true;
      if (this.#pullIn(p)) any = true;
    }
    return any;
  }

  /**
   * Runs progress until `done()`: spins, then sleeps on the doorbell. The spin adapts
   * (like an adaptive mutex): a spin that ends in sleep halves the budget, one that
   * succeeds doubles it, and every 64th wait probes with the full budget. On an idle
   * machine ranks spin and answer in microseconds; when ranks share a core, spinning
   * only delays the peer it waits for, so the budget falls and they sleep at once.
   */
  waitFor(done: () => boolean): void {
    // Already done (e.g. a send that fit in the ring): leave arrived messages in the
    // ring, so the receive posted next gets them by direct copy.
    if (done()) return;
    this.progress();
    if (done()) return;
    const t = this.transport;
    const probe = (++this.#waits & 63) === 0;
    const budget = probe ? this.spinMicros : this.#budget;
    const spinUntil = performance.now() + budget / 1000;
    let spins = 0;
    for (;;) {
      this.progress();
      if (done()) {
        this.#budget = Math.min(this.spinMicros, Math.max(this.#budget * 2, budget));
        return;
      }
      this.control.checkAbort();
      if ((++spins & 31) !== 0 || performance.now() < spinUntil) continue;
      break;
    }
    this.#budget = Math.max(MIN_SPIN_MICROS, this.#budget / 2);
    for (;;) {
      const token = t.armSleep();
      this.progress();
      if (done()) {
        t.disarm();
        return;
      }
      t.sleep(token, 1000);
      this.progress();
      if (done()) return;
      this.control.checkAbort();
    }
  }

  /** Completes every send still queued (used before the world is torn down). */
  flush(): void {
    this.waitFor(() => this.#pendingSends === 0);
  }
}
