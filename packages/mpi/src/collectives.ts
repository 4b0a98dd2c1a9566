import { EAGER_MAX, Slot, type Buffer, type Engine, type RecvOp, type SendOp } from './engine.js';
import type { Combine } from './reduce.js';
import type { Comm } from './state.js';

/**
 * Collective algorithms over point-to-point messages on the communicator's collective
 * context (never seen by user receives). They scale with the world: dissemination
 * barrier, binomial broadcast and reduce, recursive-doubling allreduce and scan
 * (rank order kept, so non-commutative user ops are exact), ring reduce-scatter +
 * allgather for large commutative allreduces, ring allgather, pairwise all-to-all.
 */

/** Context of a communicator's collective traffic (user traffic uses 2·ctx). */
export function collCtx(c: Comm): number {
  return c.ctx * 2 + 1;
}

export function p2pCtx(c: Comm): number {
  return c.ctx * 2;
}

export const CollTag = {
  BARRIER: 1,
  BCAST: 2,
  REDUCE: 3,
  ALLREDUCE: 4,
  GATHER: 5,
  SCATTER: 6,
  ALLGATHER: 7,
  ALLTOALL: 8,
  SCAN: 9,
  FENCE: 10,
  FENCE_REPLY: 11,
} as const;

/** Large allreduces of commutative ops use the ring (bandwidth-optimal). */
const RING_MIN_BYTES = 64 * 1024;

export function send(e: Engine, c: Comm, to: number, tag: number, buf: Buffer): SendOp {
  return e.isend(c.group[to]!, collCtx(c), tag, buf);
}

export function recv(e: Engine, c: Comm, from: number, tag: number, buf: Buffer | undefined, cap: number): RecvOp {
  return e.irecv(c.group[from]!, collCtx(c), tag, buf, cap);
}

export function waitAll(e: Engine, ops: readonly (SendOp | RecvOp)[]): void {
  e.waitFor(() => ops.every((o) => o.done));
}

/**
 * Sends `out` to `to` and receives into `into` from `from`. A small exchange sends first
 * (eagerly, no allocation); a large one posts its receive first, so the peer's chunks
 * stream straight into `into` rather than through an unexpected-message buffer.
 */
function sendrecv(e: Engine, c: Comm, to: number, out: Uint8Array, from: number, into: Uint8Array, tag: number): void {
  if (out.length > EAGER_MAX || into.length > EAGER_MAX) {
    const r = recv(e, c, from, tag, { host: into }, into.length);
    const s = send(e, c, to, tag, { host: out });
    e.waitFor(() => r.done && s.done);
    return;
  }
  const s = e.sendHost(c.group[to]!, collCtx(c), tag, out);
  e.recvHost(c.group[from]!, collCtx(c), tag, into);
  if (!s.done) e.waitFor(() => s.done);
}

/** Dissemination barrier: ⌈log2 n⌉ rounds. */
export function barrier(e: Engine, c: Comm): void {
  const n = c.size;
  const empty = new Uint8Array(0);
  for (let k = 1; k < n; k <<= 1) sendrecv(e, c, (c.rank + k) % n, empty, (c.rank - k + n) % n, empty, CollTag.BARRIER);
}

/** Binomial-tree broadcast of `buf` from `root`. */
export function bcast(e: Engine, c: Comm, buf: Buffer, len: number, root: number): void {
  const n = c.size;
  const vr = (c.rank - root + n) % n;
  let mask = 1;
  while (mask < n) {
    if (vr & mask) {
      const r = recv(e, c, (vr - mask + root) % n, CollTag.BCAST, buf, len);
      e.waitFor(() => r.done);
      break;
    }
    mask <<= 1;
  }
  const sends: SendOp[] = [];
  for (mask >>= 1; mask > 0; mask >>= 1) if (vr + mask < n) sends.push(send(e, c, (vr + mask + root) % n, CollTag.BCAST, buf));
  waitAll(e, sends);
}

/**
 * Reduce to `root`: a binomial tree over ranks 0..n-1 that always combines the lower
 * block on the left (exact for non-commutative ops), then rank 0 forwards to the root.
 * Returns the result at the root (undefined elsewhere).
 */
export function reduce(e: Engine, c: Comm, data: Uint8Array, count: number, combine: Combine, root: number): Uint8Array | undefined {
  const n = c.size;
  let acc: Uint8Array = data;
  let tmp: Uint8Array = e.scratch(Slot.TMP, data.length);
  for (let mask = 1; mask < n; mask <<= 1) {
    if (c.rank & mask) {
      const s = send(e, c, c.rank - mask, CollTag.REDUCE, { host: acc });
      e.waitFor(() => s.done);
      break;
    }
    if (c.rank + mask < n) {
      const r = recv(e, c, c.rank + mask, CollTag.REDUCE, { host: tmp }, tmp.length);
      e.waitFor(() => r.done);
      combine(acc, tmp, count); // tmp := acc op tmp (acc holds the lower ranks)
      [acc, tmp] = [tmp, acc];
    }
  }
  if (root === 0) return c.rank === 0 ? acc : undefined;
  if (c.rank === 0) {
    const s = send(e, c, root, CollTag.REDUCE, { host: acc });
    e.waitFor(() => s.done);
  } else if (c.rank === root) {
    const r = recv(e, c, 0, CollTag.REDUCE, { host: tmp }, tmp.length);
    e.waitFor(() => r.done);
    return tmp;
  }
  return undefined;
}

/** Allreduce in place on `data` (`count` items of `itemBytes`). */
export function allreduce(e: Engine, c: Comm, data: Uint8Array, count: number, itemBytes: number, combine: Combine, commute: boolean): void {
  if (c.size === 1) return;
  if (ringAllreduces(c, data.length, count, commute)) ringAllreduce(e, c, data, data, count, itemBytes, combine);
  else doublingAllreduce(e, c, data, count, combine);
}

/** Whether an allreduce of `bytes` (`count` items) takes the ring: large, commutative, and at least one item per rank. */
export function ringAllreduces(c: Comm, bytes: number, count: number, commute: boolean): boolean {
  return c.size > 1 && commute && bytes >= RING_MIN_BYTES && count >= c.size;
}

/** Recursive doubling; non-powers of two fold the first 2·rem ranks pairwise (lower rank on the left). */
function doublingAllreduce(e: Engine, c: Comm, data: Uint8Array, count: number, combine: Combine): void {
  const n = c.size;
  const r = c.rank;
  let pof2 = 1;
  while (pof2 * 2 <= n) pof2 *= 2;
  const rem = n - pof2;
  const tmp = e.scratch(Slot.TMP, data.length);
  let newRank: number;
  if (r < 2 * rem) {
    if (r % 2 === 0) {
      const s = send(e, c, r + 1, CollTag.ALLREDUCE, { host: data });
      e.waitFor(() => s.done);
      newRank = -1;
    } else {
      const q = recv(e, c, r - 1, CollTag.ALLREDUCE, { host: tmp }, tmp.length);
      e.waitFor(() => q.done);
      combine(tmp, data, count); // data := left op data
      newRank = r >> 1;
    }
  } else {
    newRank = r - rem;
  }
  if (newRank >= 0) {
    for (let mask = 1; mask < pof2; mask <<= 1) {
      const nd = newRank ^ mask;
      const dst = nd < rem ? nd * 2 + 1 : nd + rem;
      sendrecv(e, c, dst, data, dst, tmp, CollTag.ALLREDUCE);
      if (dst < r) {
        combine(tmp, data, count);
      } else {
        combine(data, tmp, count);
        data.set(tmp);
      }
    }
  }
  if (r < 2 * rem) {
    if (r % 2 === 1) {
      const s = send(e, c, r - 1, CollTag.ALLREDUCE, { host: data });
      e.waitFor(() => s.done);
    } else {
      const q = recv(e, c, r + 1, CollTag.ALLREDUCE, { host: data }, data.length);
      e.waitFor(() => q.done);
    }
  }
}

/**
 * Ring allreduce of `input` into `output` (views of `count` items; the same view for
 * in place, or two distinct buffers such as guest memory): reduce-scatter then
 * allgather, each n-1 steps of 1/n of the data. With distinct buffers no byte is
 * staged: a rank sends its untouched chunk from `input`, receives each peer's partial
 * straight into `output` and combines its own contribution into it there (the op
 * commutes, so the operand order does not matter).
 */
export function ringAllreduce(e: Engine, c: Comm, input: Uint8Array, output: Uint8Array, count: number, itemBytes: number, combine: Combine): void {
  const n = c.size;
  const r = c.rank;
  const base = Math.floor(count / n);
  const extra = count % n;
  const start = (i: number): number => (i * base + Math.min(i, extra)) * itemBytes;
  const items = (i: number): number => base + (i < extra ? 1 : 0);
  const chunk = (of: Uint8Array, i: number): Uint8Array => of.subarray(start(i), start(i) + items(i) * itemBytes);
  const right = (r + 1) % n;
  const left = (r - 1 + n) % n;
  const staged = input === output;
  const tmp = staged ? e.scratch(Slot.TMP, (base + 1) * itemBytes) : undefined;
  for (let s = 0; s < n - 1; s++) {
    const si = (r - s + n) % n;
    const ri = (r - s - 1 + n) % n;
    const mine = chunk(output, ri);
    if (tmp) {
      const into = tmp.subarray(0, mine.length);
      sendrecv(e, c, right, chunk(output, si), left, into, CollTag.ALLREDUCE);
      combine(into, mine, items(ri)); // mine := received op mine
    } else {
      sendrecv(e, c, right, chunk(s === 0 ? input : output, si), left, mine, CollTag.ALLREDUCE);
      combine(chunk(input, ri), mine, items(ri)); // mine := own contribution op received
    }
  }
  for (let s = 0; s < n - 1; s++) {
    const si = (r + 1 - s + n) % n;
    const ri = (r - s + n) % n;
    sendrecv(e, c, right, chunk(output, si), left, chunk(output, ri), CollTag.ALLREDUCE);
  }
}

/** Inclusive scan by recursive doubling (MPI 4.x §6.11.1): rank order kept. */
export function scan(e: Engine, c: Comm, data: Uint8Array, count: number, combine: Combine): Uint8Array {
  const result = e.scratch(Slot.RESULT, data.length);
  result.set(data);
  let partial: Uint8Array = e.scratch(Slot.PARTIAL, data.length);
  partial.set(data);
  let tmp: Uint8Array = e.scratch(Slot.TMP, data.length);
  for (let mask = 1; mask < c.size; mask <<= 1) {
    const dst = c.rank ^ mask;
    if (dst >= c.size) continue;
    sendrecv(e, c, dst, partial, dst, tmp, CollTag.SCAN);
    if (dst < c.rank) {
      combine(tmp, partial, count);
      combine(tmp, result, count);
    } else {
      combine(partial, tmp, count);
      [partial, tmp] = [tmp, partial];
    }
  }
  return result;
}

/** Ring allgather of blocks (block i of `sizes[i]` bytes at `offsets[i]` of `buf`); own block already in place. */
export function allgatherv(e: Engine, c: Comm, block: (i: number) => Buffer, sizes: readonly number[]): void {
  const n = c.size;
  const right = (c.rank + 1) % n;
  const left = (c.rank - 1 + n) % n;
  for (let s = 0; s < n - 1; s++) {
    const si = (c.rank - s + n) % n;
    const ri = (c.rank - s - 1 + n) % n;
    const q = recv(e, c, left, CollTag.ALLGATHER, block(ri), sizes[ri]!);
    const p = send(e, c, right, CollTag.ALLGATHER, block(si));
    e.waitFor(() => q.done && p.done);
  }
}

/** Allgather of small host blocks of equal size (used by communicator and window creation). */
export function allgatherHost(e: Engine, c: Comm, mine: Uint8Array): Uint8Array[] {
  const blocks = Array.from({ length: c.size }, (_, i) => (i === c.rank ? mine.slice() : new Uint8Array(mine.length)));
  allgatherv(e, c, (i) => ({ host: blocks[i]! }), blocks.map((b) => b.length));
  return blocks;
}
