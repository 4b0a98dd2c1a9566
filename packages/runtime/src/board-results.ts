import type { CallResult } from '@faasm/functions';
import type { PackedResults } from './board.js';

interface Batch {
  /** Sequence number of its first result. */
  readonly first: number;
  readonly heads: Int32Array;
  readonly bytes: Uint8Array;
  /** Output offsets: result i's output is bytes[starts[i], starts[i + 1]). */
  readonly starts: Uint32Array;
}

/**
 * The main thread's record of board calls' results, for awaits that reach it (the
 * call's slot was reused, or an await outlived the board's spin). Results stay in the
 * packed batches they arrived in; an id maps to its result's sequence number through
 * two typed arrays indexed by `id % capacity` (ids come from one counter, so the
 * latest `capacity` ids never collide). No object and no Map entry per result: one
 * object per call made the garbage collector the main thread's largest cost, and a
 * Map of 100,000 ids its next (measured).
 */
export class BoardResults {
  readonly #ids: Uint32Array;
  readonly #seqs: Float64Array;
  readonly #mask: number;
  readonly #batches: Batch[] = [];
  #next = 0;
  #kept = 0;

  /** Keeps at least the last `retain` results (rounded up to a power of two), as the scheduler does for its own calls. */
  constructor(retain = 100_000) {
    const capacity = 2 ** Math.ceil(Math.log2(Math.max(2, retain)));
    this.#ids = new Uint32Array(capacity);
    this.#seqs = new Float64Array(capacity).fill(-1);
    this.#mask = capacity - 1;
  }

  /** Records a batch; answers the ids it holds. */
  add(packed: PackedResults): Uint32Array {
    const { heads, bytes } = packed;
    const count = heads.length / 3;
    const starts = new Uint32Array(count + 1);
    const ids = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      const id = heads[i * 3]! >>> 0;
      starts[i + 1] = starts[i]! + heads[i * 3 + 2]!;
      ids[i] = id;
      this.#ids[id & this.#mask] = id;
      this.#seqs[id & this.#mask] = this.#next + i;
    }
    this.#batches.push({ first: this.#next, heads, bytes, starts });
    this.#next += count;
    this.#kept += count;
    const capacity = this.#mask + 1;
    while (this.#batches.length > 1 && this.#kept - this.#batches[0]!.heads.length / 3 >= capacity) {
      this.#kept -= this.#batches.shift()!.heads.length / 3;
    }
    return ids;
  }

  get(id: number): CallResult | undefined {
    id >>>= 0;
    const at = id & this.#mask;
    const seq = this.#seqs[at]!;
    const batches = this.#batches;
    if (this.#ids[at] !== id || seq < 0 || batches.length === 0 || seq < batches[0]!.first) return undefined;
    let lo = 0;
    let hi = batches.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (batches[mid]!.first <= seq) lo = mid;
      else hi = mid - 1;
    }
    const batch = batches[lo]!;
    const i = seq - batch.first;
    return { returnValue: batch.heads[i * 3 + 1]!, output: batch.bytes.subarray(batch.starts[i]!, batch.starts[i + 1]!) };
  }
}
