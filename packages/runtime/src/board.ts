/**
 * The call board: chained calls scheduled between pool workers through one
 * SharedArrayBuffer, without the main thread's event loop on the common path.
 *
 * A Faaslet that chains a call (a function the pool already knows, a small input)
 * writes it into the slot of its message id (`id & (slots - 1)`) and queues the id. Any
 * worker may claim a queued slot: an idle one (parked on its doorbell, which the
 * chainer rings), or a worker awaiting a call that is still queued — it runs the callee
 * itself as a nested task, with no thread hop at all. The worker that ran the call
 * writes the return value and (small) output into the slot, where the awaiter reads
 * them, and reports the result to the main thread in batches (`BoardResult`), which
 * keeps the scheduler's view (late awaits, retention, awaits of calls still running
 * elsewhere) complete. Everything else (other workers' awaits of a running call,
 * big inputs or outputs, unknown functions, per-call timeouts) takes the main thread's
 * path as before.
 *
 * Layout (Int32 words): a header (lock, ring head, ring tail), per-worker idle flags and
 * doorbells, the ring of queued ids, then the slots. A slot's state word holds its kind
 * in the low 4 bits and, once claimed, the claiming worker's tag above them; every
 * change of owner is a compare-and-swap on it, so a slot is written by one thread at a
 * time: the chainer (WRITING → QUEUED), the claimer (CLAIMED → WRITING → DONE), or the
 * main thread failing the calls of a dead worker.
 */

/** Slot kinds (low 4 bits of the state word). */
export const SLOT = { free: 0, writing: 1, queued: 2, claimed: 3, done: 4, doneRemote: 5 } as const;

const HEADER_WORDS = 8;
const LOCK = 0;
const HEAD = 1;
const TAIL = 2;
/** 1 while the main thread's pool has tasks queued (workers leaving board work tell it). */
const MAIN_QUEUED = 3;
/** 1 while the main thread watches for calls left queued (pool.ts), or has been asked to. */
const WATCH = 4;

/** Slot fields (Int32 words from the slot's start). */
const STATE = 0;
const ID = 1;
const APP_ID = 2;
const FUNC = 3;
const FUNC_PTR = 4;
const LENGTH = 5;
const RETURN_VALUE = 6;
/** 1 once the slot's result was posted to the main thread: the slot may be reused. */
const REPORTED = 7;
/** 1 once an awaiter went to the main thread for this call: report the result at once. */
const REMOTE_WAITER = 8;
const SLOT_HEADER_BYTES = 48;
const SLOT_BYTES = 256;
/** Inline input / output capacity of a slot; larger ones take the main thread's path. */
export const SLOT_DATA_BYTES = SLOT_BYTES - SLOT_HEADER_BYTES;

/** A chained call as written on the board. */
export interface BoardCall {
  readonly id: number;
  readonly appId: number;
  /** Index into the pool's table of functions (user/function → module). */
  readonly func: number;
  /** Table index for a pointer call; -1 runs `_start`. */
  readonly funcPtr: number;
  readonly input: Uint8Array;
}

/** A finished call, as the main thread learns it. */
export interface BoardResult {
  readonly id: number;
  readonly returnValue: number;
  readonly output: Uint8Array;
}

/** Results as posted to the main thread: [id, return value, output length] per result, outputs back to back. */
export interface PackedResults {
  readonly heads: Int32Array;
  readonly bytes: Uint8Array;
}

/** Packs results into two arrays (one structured clone of two buffers, not one per output). */
export function packResults(results: readonly BoardResult[]): PackedResults {
  const heads = new Int32Array(results.length * 3);
  let size = 0;
  for (const r of results) size += r.output.length;
  const bytes = new Uint8Array(size);
  let at = 0;
  results.forEach((r, i) => {
    heads[i * 3] = r.id | 0;
    heads[i * 3 + 1] = r.returnValue | 0;
    heads[i * 3 + 2] = r.output.length;
    bytes.set(r.output, at);
    at += r.output.length;
  });
  return { heads, bytes };
}

/** What an await found on the board. */
export type BoardLookup =
  /** Not on the board (never was, or its slot was reused): ask the main thread. */
  | { readonly kind: 'absent' }
  /** Still queued and now claimed by the caller, who must run it. */
  | { readonly kind: 'claimed'; readonly slot: number }
  /** Finished, result inline. */
  | { readonly kind: 'done'; readonly result: BoardResult }
  /** Running in another worker. */
  | { readonly kind: 'running'; readonly state: number };

export class CallBoard {
  readonly #i32: Int32Array;
  readonly #u8: Uint8Array;
  readonly #workers: number;
  readonly #ring: number;
  readonly #slots: number;
  readonly #idleBase: number;
  readonly #doorBase: number;
  readonly #busyBase: number;
  readonly #ringBase: number;
  /** Byte offset of slot 0. */
  readonly #slotBase: number;

  /** A board for `workers` worker indices and `slots` slots (a power of two). */
  static create(workers: number, slots = 16384): SharedArrayBuffer {
    if (slots & (slots - 1)) throw new RangeError(`board slots must be a power of two, not ${slots}`);
    const words = HEADER_WORDS + 3 * workers + slots;
    const buffer = new SharedArrayBuffer(4 + words * 4 + slots * SLOT_BYTES);
    const meta = new Int32Array(buffer, 0, 1);
    meta[0] = workers;
    return buffer;
  }

  constructor(readonly buffer: SharedArrayBuffer) {
    this.#workers = new Int32Array(buffer, 0, 1)[0]!;
    const wordsBefore = (buffer.byteLength - 4) / 4;
    // words = HEADER + 3*workers + slots and bytes = words*4 + slots*SLOT_BYTES.
    this.#slots = (wordsBefore - HEADER_WORDS - 3 * this.#workers) / (1 + SLOT_BYTES / 4);
    this.#ring = this.#slots;
    this.#i32 = new Int32Array(buffer, 4);
    this.#u8 = new Uint8Array(buffer, 4);
    this.#idleBase = HEADER_WORDS;
    this.#doorBase = this.#idleBase + this.#workers;
    this.#busyBase = this.#doorBase + this.#workers;
    this.#ringBase = this.#busyBase + this.#workers;
    this.#slotBase = (this.#ringBase + this.#ring) * 4;
  }

  get workers(): number {
    return this.#workers;
  }

  // ---- doorbells: one per worker index; the worker parks on it when idle ----

  /** The doorbell's Int32 index in `buffer` (for a bridge counting on it). */
  doorCell(worker: number): number {
    return 1 + this.#doorBase + worker;
  }

  /** The value to pass to `park` (read it before looking for work). */
  doorValue(worker: number): number {
    return Atomics.load(this.#i32, this.#doorBase + worker);
  }

  /** Wakes worker `worker` (a task was posted to it, or work was queued). */
  ring(worker: number): void {
    Atomics.add(this.#i32, this.#doorBase + worker, 1);
    Atomics.notify(this.#i32, this.#doorBase + worker);
  }

  /** Sleeps until the doorbell moves from `seen`. */
  park(worker: number, seen: number): void {
    Atomics.wait(this.#i32, this.#doorBase + worker, seen);
  }

  /** Marks a worker idle (it checks for work after this, then parks) or busy. */
  setIdle(worker: number, idle: boolean): void {
    Atomics.store(this.#i32, this.#idleBase + worker, idle ? 1 : 0);
  }

  /** Rings one idle worker, if any (after queueing work). */
  wakeIdle(): void {
    for (let w = 0; w < this.#workers; w++) {
      if (Atomics.compareExchange(this.#i32, this.#idleBase + w, 1, 0) === 1) {
        this.ring(w);
        return;
      }
    }
  }

  /**
   * Marks a worker running a board call at top level (true) or done with it. The main
   * thread does not hand such a worker its tasks (they would wait behind the call). A
   * worker leaving board work answers whether the main thread has tasks queued (then it
   * tells the main thread it is free).
   */
  setBusy(worker: number, busy: boolean): boolean {
    Atomics.store(this.#i32, this.#busyBase + worker, busy ? 1 : 0);
    return !busy && Atomics.load(this.#i32, MAIN_QUEUED) === 1;
  }

  /** Whether a worker runs a board call at top level (main thread). */
  busy(worker: number): boolean {
    return Atomics.load(this.#i32, this.#busyBase + worker) === 1;
  }

  /** The main thread has tasks queued (true) or none. */
  setMainQueued(queued: boolean): void {
    Atomics.store(this.#i32, MAIN_QUEUED, queued ? 1 : 0);
  }

  /** Asks for the main thread's watch: true if it was not running nor asked for (the caller asks). */
  requestWatch(): boolean {
    return Atomics.load(this.#i32, WATCH) === 0 && Atomics.compareExchange(this.#i32, WATCH, 0, 1) === 0;
  }

  /** The watch starts (true) or stops (main thread). */
  setWatch(on: boolean): void {
    Atomics.store(this.#i32, WATCH, on ? 1 : 0);
  }

  // ---- the queue ----

  /** Whether calls may be queued (stale entries included: a cheap hint). */
  hasQueued(): boolean {
    return Atomics.load(this.#i32, TAIL) !== Atomics.load(this.#i32, HEAD);
  }

  /**
   * Writes a call into its slot and queues it: answers how many queue entries were
   * ahead of it (some may be stale), or -1 when its slot is in use, the queue is full or
   * the input does not fit (the caller then takes the main thread's path).
   */
  post(call: BoardCall): number {
    if (call.input.length > SLOT_DATA_BYTES) return -1;
    const slot = this.#slotOf(call.id);
    const state = slot + STATE;
    const now = Atomics.load(this.#i32, state);
    const kind = now & 15;
    const reusable = kind === SLOT.free || ((kind === SLOT.done || kind === SLOT.doneRemote) && Atomics.load(this.#i32, slot + REPORTED) === 1);
    if (!reusable || Atomics.compareExchange(this.#i32, state, now, SLOT.writing) !== now) return -1;
    const i32 = this.#i32;
    i32[slot + ID] = call.id | 0;
    i32[slot + APP_ID] = call.appId | 0;
    i32[slot + FUNC] = call.func;
    i32[slot + FUNC_PTR] = call.funcPtr;
    i32[slot + LENGTH] = call.input.length;
    i32[slot + RETURN_VALUE] = 0;
    i32[slot + REPORTED] = 0;
    i32[slot + REMOTE_WAITER] = 0;
    this.#u8.set(call.input, slot * 4 + SLOT_HEADER_BYTES);
    this.#lock();
    let ahead = -1;
    try {
      let head = i32[HEAD]!;
      const tail = i32[TAIL]!;
      // Drop entries claimed directly by their awaiters before calling the ring full.
      while (((tail - head) | 0) >= this.#ring && !this.#isQueued(i32[this.#ringBase + (head & (this.#ring - 1))]!)) head = (head + 1) | 0;
      Atomics.store(i32, HEAD, head);
      if (((tail - head) | 0) < this.#ring) {
        i32[this.#ringBase + (tail & (this.#ring - 1))] = call.id | 0;
        Atomics.store(i32, state, SLOT.queued);
        Atomics.store(i32, TAIL, (tail + 1) | 0);
        ahead = (tail - head) | 0;
      }
    } finally {
      this.#unlock();
    }
    if (ahead < 0) Atomics.store(i32, state, SLOT.free);
    return ahead;
  }

  /** Claims the oldest queued call for worker `tag`: its slot, or -1 if none. */
  take(tag: number): number {
    if (!this.hasQueued()) return -1;
    const i32 = this.#i32;
    this.#lock();
    try {
      let head = i32[HEAD]!;
      const tail = i32[TAIL]!;
      while (head !== tail) {
        const id = i32[this.#ringBase + (head & (this.#ring - 1))]!;
        head = (head + 1) | 0;
        const slot = this.#slotOf(id);
        if (i32[slot + ID] === id && Atomics.compareExchange(i32, slot + STATE, SLOT.queued, claimedBy(tag)) === SLOT.queued) {
          Atomics.store(i32, HEAD, head);
          return slot;
        }
      }
      Atomics.store(i32, HEAD, head);
      return -1;
    } finally {
      this.#unlock();
    }
  }

  /** What an await of `id` finds; a queued call is claimed for `tag`. */
  lookup(id: number, tag: number): BoardLookup {
    const i32 = this.#i32;
    const slot = this.#slotOf(id);
    for (;;) {
      const state = Atomics.load(i32, slot + STATE);
      const kind = state & 15;
      // WRITING without a tag: the chainer is reusing the slot (for another id).
      if (kind === SLOT.free || state === SLOT.writing || kind === SLOT.doneRemote || Atomics.load(i32, slot + ID) !== (id | 0)) return { kind: 'absent' };
      if (kind === SLOT.queued) {
        // Only a queued slot can be claimed, and a queued slot is never reused: a
        // successful swap claims this very call.
        if (Atomics.compareExchange(i32, slot + STATE, SLOT.queued, claimedBy(tag)) === SLOT.queued) {
          this.#dropLast(id);
          return { kind: 'claimed', slot };
        }
        continue;
      }
      // Claimed, or its result being written by the worker that ran it.
      if (kind === SLOT.claimed || kind === SLOT.writing) return { kind: 'running', state };
      const length = i32[slot + LENGTH]!;
      const returnValue = i32[slot + RETURN_VALUE]!;
      const output = this.#u8.slice(slot * 4 + SLOT_HEADER_BYTES, slot * 4 + SLOT_HEADER_BYTES + length);
      // Reused while we read? Then the state or the id has moved on.
      if (Atomics.load(i32, slot + STATE) !== state || Atomics.load(i32, slot + ID) !== (id | 0)) continue;
      return { kind: 'done', result: { id: id >>> 0, returnValue, output } };
    }
  }

  /** Whether the running call's slot still holds `state` (it has not finished). */
  stillRunning(id: number, state: number): boolean {
    const slot = this.#slotOf(id);
    return Atomics.load(this.#i32, slot + STATE) === state && Atomics.load(this.#i32, slot + ID) === (id | 0);
  }

  /**
   * Tells the running call's worker that an awaiter went to the main thread (it reports
   * the result at once). False if the call finished meanwhile: look again.
   */
  markRemoteWaiter(id: number, state: number): boolean {
    const slot = this.#slotOf(id);
    Atomics.store(this.#i32, slot + REMOTE_WAITER, 1);
    return this.stillRunning(id, state);
  }

  /** Whether `id` is on the board (queued, running or finished, not yet reused). */
  holds(id: number): boolean {
    const slot = this.#slotOf(id);
    const state = Atomics.load(this.#i32, slot + STATE);
    return state !== SLOT.free && state !== SLOT.writing && Atomics.load(this.#i32, slot + ID) === (id | 0);
  }

  /** The call in a slot this worker claimed. */
  callIn(slot: number): BoardCall {
    const i32 = this.#i32;
    const start = slot * 4 + SLOT_HEADER_BYTES;
    return {
      id: i32[slot + ID]! >>> 0,
      appId: i32[slot + APP_ID]!,
      func: i32[slot + FUNC]!,
      funcPtr: i32[slot + FUNC_PTR]!,
      input: this.#u8.slice(start, start + i32[slot + LENGTH]!),
    };
  }

  /**
   * Writes the result of a call `tag` claimed. Returns how it must be reported: 'inline'
   * (batch it; 'urgent' if an awaiter waits on the main thread) or 'remote' (the output
   * does not fit: report it, then call `finishRemote`). 'lost' if the slot was taken
   * from this worker (the main thread declared it dead).
   */
  finish(slot: number, tag: number, result: BoardResult): 'inline' | 'urgent' | 'remote' | 'lost' {
    const i32 = this.#i32;
    if (Atomics.compareExchange(i32, slot + STATE, claimedBy(tag), SLOT.writing | (tag << 4)) !== claimedBy(tag)) return 'lost';
    i32[slot + RETURN_VALUE] = result.returnValue | 0;
    if (result.output.length > SLOT_DATA_BYTES) return 'remote';
    i32[slot + LENGTH] = result.output.length;
    this.#u8.set(result.output, slot * 4 + SLOT_HEADER_BYTES);
    Atomics.store(i32, slot + STATE, SLOT.done | (tag << 4));
    return Atomics.load(i32, slot + REMOTE_WAITER) === 1 ? 'urgent' : 'inline';
  }

  /** Completes a 'remote' finish once the result was posted to the main thread. */
  finishRemote(slot: number, tag: number): void {
    Atomics.store(this.#i32, slot + REPORTED, 1);
    Atomics.store(this.#i32, slot + STATE, SLOT.doneRemote | (tag << 4));
  }

  /** Marks results as posted to the main thread: their slots may be reused. */
  reported(ids: Iterable<number>): void {
    for (const id of ids) {
      const slot = this.#slotOf(id);
      if (Atomics.load(this.#i32, slot + ID) === (id | 0)) Atomics.store(this.#i32, slot + REPORTED, 1);
    }
  }

  /**
   * A worker died (main thread): fails the calls it had claimed and collects the
   * results it had not reported yet. Every slot returned is left reusable.
   */
  reclaim(tag: number, reason: string): BoardResult[] {
    const i32 = this.#i32;
    const out: BoardResult[] = [];
    const failure = new TextEncoder().encode(`Call failed (return value=1): ${reason}`);
    for (let s = 0; s < this.#slots; s++) {
      const slot = this.#slotBase / 4 + s * (SLOT_BYTES / 4);
      const state = Atomics.load(i32, slot + STATE);
      if (state >>> 4 !== tag) continue;
      const id = i32[slot + ID]! >>> 0;
      const kind = state & 15;
      if ((kind === SLOT.claimed || kind === SLOT.writing) && Atomics.compareExchange(i32, slot + STATE, state, SLOT.writing | (tag << 4)) === state) {
        const output = failure.length <= SLOT_DATA_BYTES ? failure : failure.subarray(0, SLOT_DATA_BYTES);
        i32[slot + RETURN_VALUE] = 1;
        i32[slot + LENGTH] = output.length;
        this.#u8.set(output, slot * 4 + SLOT_HEADER_BYTES);
        Atomics.store(i32, slot + REPORTED, 1);
        Atomics.store(i32, slot + STATE, SLOT.done | (tag << 4));
        out.push({ id, returnValue: 1, output: failure });
      } else if (kind === SLOT.done && Atomics.load(i32, slot + REPORTED) === 0) {
        const start = slot * 4 + SLOT_HEADER_BYTES;
        out.push({ id, returnValue: i32[slot + RETURN_VALUE]!, output: this.#u8.slice(start, start + i32[slot + LENGTH]!) });
        Atomics.store(i32, slot + REPORTED, 1);
      }
    }
    return out;
  }

  /** Removes the queue's newest entry if it is `id` (claimed directly by its awaiter). */
  #dropLast(id: number): void {
    const i32 = this.#i32;
    this.#lock();
    const tail = i32[TAIL]!;
    if (tail !== i32[HEAD] && i32[this.#ringBase + ((tail - 1) & (this.#ring - 1))] === (id | 0)) Atomics.store(i32, TAIL, (tail - 1) | 0);
    this.#unlock();
  }

  #slotOf(id: number): number {
    return this.#slotBase / 4 + (id & (this.#slots - 1)) * (SLOT_BYTES / 4);
  }

  #isQueued(id: number): boolean {
    const slot = this.#slotOf(id);
    return (Atomics.load(this.#i32, slot + STATE) & 15) === SLOT.queued && this.#i32[slot + ID] === id;
  }

  /** A futex mutex (0 free, 1 held, 2 held with sleepers) around the ring. */
  #lock(): void {
    const i32 = this.#i32;
    if (Atomics.compareExchange(i32, LOCK, 0, 1) === 0) return;
    for (let spin = 0; spin < 200; spin++) {
      if (Atomics.load(i32, LOCK) === 0 && Atomics.compareExchange(i32, LOCK, 0, 1) === 0) return;
    }
    while (Atomics.exchange(i32, LOCK, 2) !== 0) Atomics.wait(i32, LOCK, 2);
  }

  #unlock(): void {
    if (Atomics.exchange(this.#i32, LOCK, 0) === 2) Atomics.notify(this.#i32, LOCK, 1);
  }
}

function claimedBy(tag: number): number {
  return SLOT.claimed | (tag << 4);
}
