import { MemoryFault, type GuestMemory } from '@faasm/abi';
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
 *
 * The eager path (small messages, the common case of MPI_Send / MPI_Recv and the
 * collectives' exchanges) allocates nothing: a send with nothing queued before it
 * writes header and payload into the ring at once; a blocking receive with no other
 * receive posted and no matching message buffered polls the head of the source's
 * stream and copies a matching message straight to its buffer. Anything else (a
 * full ring, a message for another receive, a partly streamed message, a truncation)
 * takes the general path below, so ordering and matching are the same either way.
 */

const HEADER = 16;
/** Large payloads are made visible in chunks of this size (copy-in and copy-out overlap). */
const PUBLISH_CHUNK = 64 * 1024;
/** Messages up to this size are sent eagerly (written whole when the ring has room). */
export const EAGER_MAX = PUBLISH_CHUNK;
/** Unexpected messages of at least this size use pooled buffers (a few per power-of-two size). */
const POOL_MIN = 64 * 1024;
const POOL_PER_SIZE = 4;
/**
 * The adaptive spin never drops below this (µs, nor above spinMicros): a few eager
 * round trips, so that a rank whose budget has fallen still catches the reply of a
 * peer that is running. Below one round trip every spin would fail once the ranks had
 * started sleeping, and they would keep paying a futex wake per message.
 */
const MIN_SPIN_MICROS = 3;

/** Outcomes of an eager receive attempt. */
const Eager = { RECEIVED: 0, NOTHING: 1, TAKE_OVER: 2, SPUN_OUT: 3 } as const;
type Eager = (typeof Eager)[keyof typeof Eager];

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
  /**
   * Unexpected messages in arrival order. A taken one leaves a hole (splicing a long
   * queue per receive is quadratic); holes are dropped from the front as it advances
   * and compacted when they outnumber the messages.
   */
  readonly #unexpected: (Incoming | undefined)[] = [];
  /** Index of the first entry that may hold a message, and messages held. */
  #uxHead = 0;
  #uxCount = 0;
  /** Header words read by peekHeader. */
  readonly #hdr = new Int32Array(4);
  /** A view of all guest memory (rebuilt when it grows; see #guest). */
  #guestU8 = new Uint8Array(0);
  /** Messages partly read from a ring (#incoming entries). */
  #partial = 0;
  /** Sends partly written to a ring (the queue head of a peer, waiting for space). */
  #partialSends = 0;
  #pendingSends = 0;
  /** The one completed send returned by every eager send (nothing refers to it later). */
  readonly #sent: SendOp;
  /** Status of the last receive completed by recvGuest / recvHost (overwritten by the next). */
  readonly #status: MsgStatus = { source: MPI_ANY_SOURCE, tag: MPI_ANY_TAG, bytes: 0, error: 0 };
  /** Current spin budget (µs) and count of waits (see waitFor). */
  #budget: number;
  #waits = 0;
  readonly #scratch: (ArrayBuffer | undefined)[] = [];
  /** The last view handed out per slot (reused when the same size is asked again). */
  readonly #scratchView: (Uint8Array | undefined)[] = [];
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
    this.#sent = new SendOp(this.rank, 0, 0, { host: new Uint8Array(0) }, 0);
    this.#sent.done = true;
    for (let p = 0; p < this.size; p++) {
      this.#out.push([]);
      this.#incoming.push(undefined);
    }
  }

  /**
   * All of guest memory, valid up to `end` (callers checked their ranges when the
   * call started; memory only grows, and a grown non-shared buffer detaches the old one).
   */
  #guest(end: number): Uint8Array {
    let u8 = this.#guestU8;
    if (end > u8.length) {
      u8 = this.#guestU8 = new Uint8Array(this.memory.memory.buffer);
      if (end > u8.length) throw new MemoryFault(end, 0, u8.length);
    }
    return u8;
  }

  #bytesOf(b: Buffer, off: number, n: number): Uint8Array {
    if (n === 0) return new Uint8Array(0);
    return 'host' in b ? b.host.subarray(off, off + n) : this.#guest(b.guest + off + n).subarray(b.guest + off, b.guest + off + n);
  }

  /** Writes `n` bytes of `b` from `off` to the stream to `peer`. */
  #writeFrom(peer: number, b: Buffer, off: number, n: number): void {
    if ('host' in b) this.transport.write(peer, b.host, off, n);
    else this.transport.write(peer, this.#guest(b.guest + off + n), b.guest + off, n);
  }

  /** Reads `n` bytes from the stream of `peer` into `b` at `off`. */
  #readInto(peer: number, b: Buffer, off: number, n: number): void {
    if ('host' in b) this.transport.read(peer, b.host, off, n);
    else this.transport.read(peer, this.#guest(b.guest + off + n), b.guest + off, n);
  }

  /**
   * The eager send: when nothing is queued to `dst` and the ring has room, header and
   * payload ([off, off+len) of `from`, or of guest memory if undefined) are written
   * at once and published. False: the send must be queued.
   */
  #eager(dst: number, ctx: number, tag: number, from: Uint8Array | undefined, off: number, len: number): boolean {
    if (dst === this.rank || len > EAGER_MAX || this.#out[dst]!.length !== 0) return false;
    const t = this.transport;
    const padded = align16(len);
    if (t.writable(dst, HEADER + padded) < HEADER + padded) return false;
    t.writeHeader(dst, ctx, tag, len);
    if (len > 0) t.write(dst, from ?? this.#guest(off + len), off, len);
    if (padded > len) t.pad(dst, padded - len);
    t.publish(dst);
    return true;
  }

  /** A send from guest memory [ptr, ptr+len): eager (no allocation) when it can be, else queued. */
  sendGuest(dst: number, ctx: number, tag: number, ptr: number, len: number): SendOp {
    return this.#eager(dst, ctx, tag, undefined, ptr, len) ? this.#sent : this.#queue(dst, ctx, tag, { guest: ptr, len }, len);
  }

  /** A send of a host buffer: eager (no allocation) when it can be, else queued. */
  sendHost(dst: number, ctx: number, tag: number, bytes: Uint8Array): SendOp {
    return this.#eager(dst, ctx, tag, bytes, 0, bytes.length) ? this.#sent : this.#queue(dst, ctx, tag, { host: bytes }, bytes.length);
  }

  /** Starts a send; completes once every byte is in the transport (buffered). */
  isend(dst: number, ctx: number, tag: number, src: Buffer): SendOp {
    const len = 'host' in src ? src.host.length : src.len;
    const eager = 'host' in src ? this.#eager(dst, ctx, tag, src.host, 0, len) : this.#eager(dst, ctx, tag, undefined, src.guest, len);
    return eager ? this.#sent : this.#queue(dst, ctx, tag, src, len);
  }

  #queue(dst: number, ctx: number, tag: number, src: Buffer, len: number): SendOp {
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
      const m = this.#takeUnexpected(i);
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
    let found: Incoming | undefined;
    this.waitFor(() => (found = this.#unexpected[this.#findUnexpected(src, ctx, tag)]) !== undefined);
    return { source: found!.src, tag: found!.tag, bytes: found!.len, error: 0 };
  }

  /**
   * A reusable host buffer of `n` bytes (contents undefined) for slot `slot`: large
   * ArrayBuffer allocations cost milliseconds (zero fill, external-memory GC), so the
   * collectives keep theirs per rank. A slot's view is valid until the slot is reused.
   */
  scratch(slot: Slot, n: number): Uint8Array {
    const last = this.#scratchView[slot];
    if (last !== undefined && last.length === n) return last;
    let b = this.#scratch[slot];
    if (!b || b.byteLength < n) {
      b = new ArrayBuffer(Math.max(n, (b?.byteLength ?? 0) * 2, 256));
      this.#scratch[slot] = b;
    }
    return (this.#scratchView[slot] = new Uint8Array(b, 0, n));
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
    return this.#findUnexpected(r.src, r.ctx, r.tag);
  }

  #findUnexpected(src: number, ctx: number, tag: number): number {
    const q = this.#unexpected;
    for (let i = this.#uxHead; i < q.length; i++) {
      const m = q[i];
      if (m !== undefined && m.ctx === ctx && (src === MPI_ANY_SOURCE || src === m.src) && (tag === MPI_ANY_TAG || tag === m.tag)) return i;
    }
    return -1;
  }

  #takeUnexpected(i: number): Incoming {
    const q = this.#unexpected;
    const m = q[i]!;
    q[i] = undefined;
    if (--this.#uxCount === 0) {
      q.length = 0;
      this.#uxHead = 0;
      return m;
    }
    while (q[this.#uxHead] === undefined) this.#uxHead++;
    if (q.length - this.#uxHead > 2 * this.#uxCount + 64) {
      let k = 0;
      for (let j = this.#uxHead; j < q.length; j++) if (q[j] !== undefined) q[k++] = q[j];
      q.length = k;
      this.#uxHead = 0;
    } else if (this.#uxHead > 64 && this.#uxHead * 2 > q.length) {
      q.splice(0, this.#uxHead);
      this.#uxHead = 0;
    }
    return m;
  }

  /** A blocking receive into guest memory [ptr, ptr+cap); the status is valid until the next receive. */
  recvGuest(src: number, ctx: number, tag: number, ptr: number, cap: number): MsgStatus {
    const got = this.#eagerReady(src, ctx, tag) ? this.#eagerRecv(src, ctx, tag, undefined, ptr, cap) : Eager.TAKE_OVER;
    if (got === Eager.RECEIVED) return this.#status;
    return this.#recvPosted(src, ctx, tag, { guest: ptr, len: cap }, cap, got === Eager.TAKE_OVER);
  }

  /** A blocking receive into a host buffer (up to `into.length` bytes); the status is valid until the next receive. */
  recvHost(src: number, ctx: number, tag: number, into: Uint8Array): MsgStatus {
    const got = this.#eagerReady(src, ctx, tag) ? this.#eagerRecv(src, ctx, tag, into, 0, into.length) : Eager.TAKE_OVER;
    if (got === Eager.RECEIVED) return this.#status;
    return this.#recvPosted(src, ctx, tag, { host: into }, into.length, got === Eager.TAKE_OVER);
  }

  /** The general path of a blocking receive; `spin` false after an eager spin ran out (sleep at once). */
  #recvPosted(src: number, ctx: number, tag: number, dest: Buffer, cap: number, spin: boolean): MsgStatus {
    const r = this.irecv(src, ctx, tag, dest, cap);
    this.waitFor(() => r.done, spin);
    return r.status;
  }

  /**
   * The eager receive may take the next message of a stream straight from the ring:
   * no earlier receive is posted (it would have the first claim), no buffered message
   * matches (it came first), nothing is half read, no send waits for ring space (the
   * eager spin makes no progress on anything else).
   */
  #eagerReady(src: number, ctx: number, tag: number): boolean {
    return this.#posted.length === 0 && this.#partial === 0 && this.#pendingSends === 0 && src !== this.rank && (this.#uxCount === 0 || this.#findUnexpected(src, ctx, tag) < 0);
  }

  /**
   * Receives eagerly, spinning (adaptive budget, as waitFor) while nothing has arrived.
   * Otherwise the general path takes over: at once for a message that is not ours or
   * not whole (TAKE_OVER), or asleep when the spin ran out (SPUN_OUT).
   */
  #eagerRecv(src: number, ctx: number, tag: number, into: Uint8Array | undefined, off: number, cap: number): Eager {
    let got = this.#eagerPoll(src, ctx, tag, into, off, cap);
    if (got !== Eager.NOTHING) return got;
    const budget = this.#spinBudget();
    const spinUntil = performance.now() + budget / 1000;
    for (let spins = 1; ; spins++) {
      got = this.#eagerPoll(src, ctx, tag, into, off, cap);
      if (got !== Eager.NOTHING) {
        this.#spinWon(budget);
        return got;
      }
      if ((spins & 31) === 0) {
        this.control.checkAbort();
        if (performance.now() >= spinUntil) break;
      }
    }
    this.#spinLost();
    return Eager.SPUN_OUT;
  }

  #eagerPoll(src: number, ctx: number, tag: number, into: Uint8Array | undefined, off: number, cap: number): Eager {
    if (src !== MPI_ANY_SOURCE) return this.#eagerFrom(src, ctx, tag, into, off, cap);
    for (let p = 0; p < this.size; p++) {
      if (p === this.rank) continue;
      const got = this.#eagerFrom(p, ctx, tag, into, off, cap);
      if (got !== Eager.NOTHING) return got;
    }
    return Eager.NOTHING;
  }

  /** Takes the message at the head of `peer`'s stream if it is whole, matches and fits. */
  #eagerFrom(peer: number, ctx: number, tag: number, into: Uint8Array | undefined, off: number, cap: number): Eager {
    const t = this.transport;
    const avail = t.readable(peer);
    if (avail < HEADER) return Eager.NOTHING;
    const h = this.#hdr;
    t.peekHeader(peer, h);
    const len = h[2]! >>> 0;
    if (h[0] !== ctx || (tag !== MPI_ANY_TAG && h[1] !== tag) || len > cap) return Eager.TAKE_OVER;
    const padded = align16(len);
    if (avail < HEADER + padded) return Eager.TAKE_OVER;
    t.skip(peer, HEADER);
    if (len > 0) t.read(peer, into ?? this.#guest(off + len), off, len);
    t.skip(peer, padded - len);
    t.release(peer);
    const st = this.#status;
    st.source = peer;
    st.tag = h[1]!;
    st.bytes = len;
    st.error = 0;
    return Eager.RECEIVED;
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
      this.#uxCount++;
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
      let room = t.writable(peer, (s.off < 0 ? HEADER : 0) + s.padded - Math.max(0, s.off));
      if (s.off < 0) {
        if (room < HEADER) break;
        t.writeHeader(peer, s.ctx, s.tag, s.len);
        s.off = 0;
        this.#partialSends++;
        room -= HEADER;
        wrote = true;
      }
      while (s.off < s.padded && room > 0) {
        let n: number;
        if (s.off < s.len) {
          n = Math.min(room, s.len - s.off, PUBLISH_CHUNK);
          this.#writeFrom(peer, s.src, s.off, n);
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
      this.#partialSends--;
      s.done = true;
      this.#pendingSends--;
      q.shift();
    }
    if (wrote) t.publish(peer);
    t.awaitSpace(peer, q.length > 0);
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
        const h = this.#hdr;
        t.peekHeader(peer, h);
        t.skip(peer, HEADER);
        avail -= HEADER;
        m = new Incoming(peer, h[0]!, h[1]!, h[2]! >>> 0);
        this.#incoming[peer] = m;
        this.#partial++;
        this.#arrived(m);
      }
      while (m.got < m.padded && avail > 0) {
        let n: number;
        if (m.got < m.len) {
          n = Math.min(avail, m.len - m.got);
          if (m.direct) {
            const r = m.req!;
            const fit = Math.max(0, Math.min(n, r.cap - m.got));
            if (fit > 0) this.#readInto(peer, r.dest!, m.got, fit);
            if (n > fit) t.skip(peer, n - fit);
          } else {
            t.read(peer, m.buf!, m.got, n);
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
      this.#partial--;
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
   * While a message streams through a ring (its peer is copying the next chunk in or
   * out right now), every chunk restarts a full-budget spin and leaves the adaptive budget alone: sleeping
   * between chunks would cost a futex wake-up per chunk.
   * `spin` false: sleep without spinning first (the caller just spun).
   */
  waitFor(done: () => boolean, spin = true): void {
    // Already done (e.g. a send that fit in the ring): leave arrived messages in the
    // ring, so the receive posted next gets them by direct copy.
    if (done()) return;
    this.progress();
    if (done()) return;
    const t = this.transport;
    let streaming = this.#streaming;
    for (;;) {
      if (spin || streaming) {
        const adaptive = !streaming;
        const budget = adaptive ? this.#spinBudget() : this.spinMicros;
        let spinUntil = performance.now() + budget / 1000;
        for (let spins = 1; ; spins++) {
          if (this.progress() && this.#streaming) {
            streaming = true;
            spinUntil = performance.now() + this.spinMicros / 1000;
          }
          if (done()) {
            if (adaptive) this.#spinWon(budget);
            return;
          }
          if ((spins & 31) === 0) {
            this.control.checkAbort();
            if (performance.now() >= spinUntil) break;
          }
        }
        if (adaptive) this.#spinLost();
        spin = false;
      }
      const token = t.armSleep();
      this.progress();
      if (done()) {
        t.disarm();
        return;
      }
      t.sleep(token, 1000);
      const moved = this.progress();
      if (done()) return;
      this.control.checkAbort();
      streaming = moved && this.#streaming;
    }
  }

  /** A message is partly through a ring, in either direction: its peer is mid-copy. */
  get #streaming(): boolean {
    return this.#partial > 0 || this.#partialSends > 0;
  }

  /** The spin budget of the next wait (µs): the adaptive one, or the full one every 64th wait. */
  #spinBudget(): number {
    return (++this.#waits & 63) === 0 ? this.spinMicros : this.#budget;
  }

  #spinWon(budget: number): void {
    this.#budget = Math.min(this.spinMicros, Math.max(this.#budget * 2, budget));
  }

  #spinLost(): void {
    this.#budget = Math.max(Math.min(MIN_SPIN_MICROS, this.spinMicros), this.#budget / 2);
  }

  /** Completes every send still queued (used before the world is torn down). */
  flush(): void {
    this.waitFor(() => this.#pendingSends === 0);
  }
}
