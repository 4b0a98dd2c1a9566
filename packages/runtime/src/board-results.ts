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
 * packed batches they arrived in, indexed by id to a sequence number: no object per
 * result, so keeping at least the last 100,000 results (as the scheduler does for its own
 * calls) costs the main thread's garbage collector little — one object per call
 * made that collector the main thread's largest cost (measured).
 */
export class BoardResults {
  readonly #index = new Map<number, number>();
  readonly #batches: Batch[] = [];
  #next = 0;
  #kept = 0;

  constructor(private readonly retain = 100_000) {}

  /** Records a batch; answers the ids it holds. */
  add(packed: PackedResults): Uint32Array {
    const { heads, bytes } = packed;
    const count = heads.length / 3;
    const starts = new Uint32Array(count + 1);
    const ids = new Uint32Array(count);
    for (let i = 0; i < count; i++) {
      starts[i + 1] = starts[i]! + heads[i * 3 + 2]!;
      ids[i] = heads[i * 3]! >>> 0;
      this.#index.set(ids[i]!, this.#next + i);
    }
    this.#batches.push({ first: this.#next, heads, bytes, starts });
    this.#next += count;
    this.#kept += count;
    while (this.#batches.length > 1 && this.#kept - this.#batches[0]!.heads.length / 3 >= this.retain) this.#evict();
    return ids;
  }

  get(id: number): CallResult | undefined {
    const seq = this.#index.get(id >>> 0);
    if (seq === undefined) return undefined;
    const batches = this.#batches;
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

  #evict(): void {
    const batch = this.#batches.shift()!;
    const count = batch.heads.length / 3;
    for (let i = 0; i < count; i++) {
      const id = batch.heads[i * 3]! >>> 0;
      if (this.#index.get(id) === batch.first + i) this.#index.delete(id);
    }
    this.#kept -= count;
  }
}
