import { GuestTrap, type FaasletHost } from '@faasm/abi';
import { DISPATCH_RING, Team, TEAM_WORDS, waitWhileEqual } from '@faasm/threads';
import { warnSnapshot } from './snapshot.js';
import { ompOf, type Frame, type Loop, type OmpThread } from './state.js';

/** kmp.h sched_type values clang passes. */
export const Sched = {
  STATIC_CHUNKED: 33, STATIC: 34, DYNAMIC_CHUNKED: 35, GUIDED_CHUNKED: 36, RUNTIME: 37, AUTO: 38,
  TRAPEZOIDAL: 39, STATIC_GREEDY: 40, STATIC_BALANCED: 41, GUIDED_ITERATIVE: 42, GUIDED_ANALYTICAL: 43,
  STATIC_STEAL: 44, STATIC_BALANCED_CHUNKED: 45, ORD_FIRST: 65, ORD_LAST: 72,
  NOMERGE_FIRST: 161, NOMERGE_LAST: 168,
} as const;
/** Schedule modifiers (monotonic 1<<29, nonmonotonic 1<<30) are masked off. */
const MODIFIERS = (1 << 29) | (1 << 30);

interface Width {
  readonly bytes: 4 | 8;
  readonly unsigned: boolean;
}

function readBound(host: FaasletHost, ptr: number, w: Width): bigint {
  if (w.bytes === 4) return BigInt(w.unsigned ? host.memory.u32(ptr) : host.memory.i32(ptr));
  return w.unsigned ? host.memory.u64(ptr) : host.memory.i64(ptr);
}

function writeBound(host: FaasletHost, ptr: number, w: Width, value: bigint): void {
  if (w.bytes === 4) host.memory.setI32(ptr, Number(BigInt.asIntN(32, value)));
  else host.memory.setI64(ptr, value);
}

/** Iterations of lb..ub by st (0 for a zero-trip loop). */
function tripCount(lb: bigint, ub: bigint, st: bigint): bigint {
  if (st === 0n) return 0n;
  if (st > 0n ? ub < lb : lb < ub) return 0n;
  return st > 0n ? (ub - lb) / st + 1n : (lb - ub) / -st + 1n;
}

/**
 * __kmpc_for_static_init_{4,4u,8,8u}(loc, gtid, schedtype, *plastiter, *plower,
 * *pupper, *pstride, incr, chunk): this thread's bounds, exactly as libomp's
 * kmp_sched.cpp for kmp_sch_static (34, balanced) and kmp_sch_static_chunked (33).
 */
export function staticInit(
  host: FaasletHost, w: Width, schedule: number, plast: number, plower: number, pupper: number, pstride: number,
  incrIn: number | bigint, chunkIn: number | bigint,
): void {
  const frame = ompOf(host).frame;
  const incr = BigInt(incrIn);
  let chunk = BigInt(chunkIn);
  const lower = readBound(host, plower, w);
  const upper = readBound(host, pupper, w);
  const setLast = (v: boolean): void => { if (plast !== 0) host.memory.setI32(plast, v ? 1 : 0); };
  const setStride = (v: bigint): void => writeBound(host, pstride, { bytes: w.bytes, unsigned: false }, v);
  if (incr > 0n ? upper < lower : lower < upper) {
    setLast(false);
    setStride(incr);
    return;
  }
  const nth = BigInt(frame.size);
  const tid = BigInt(frame.threadNum);
  if (nth === 1n) {
    setLast(true);
    setStride(incr > 0n ? upper - lower + 1n : -(lower - upper + 1n));
    return;
  }
  const trip = tripCount(lower, upper, incr);
  const kind = schedule & ~MODIFIERS;
  if (kind === Sched.STATIC_CHUNKED || (kind !== Sched.STATIC && chunk > 0n)) {
    if (chunk < 1n) chunk = 1n;
    const span = chunk * incr;
    const lo = lower + span * tid;
    writeBound(host, plower, w, lo);
    writeBound(host, pupper, w, lo + span - incr);
    setStride(span * nth);
    setLast(tid === ((trip - 1n) / chunk) % nth);
    return;
  }
  if (trip < nth) {
    if (tid < trip) {
      const v = lower + tid * incr;
      writeBound(host, plower, w, v);
      writeBound(host, pupper, w, v);
    } else {
      writeBound(host, plower, w, upper + incr);
    }
    setLast(tid === trip - 1n);
  } else {
    const small = trip / nth;
    const extras = trip % nth;
    const lo = lower + incr * (tid * small + (tid < extras ? tid : extras));
    writeBound(host, plower, w, lo);
    writeBound(host, pupper, w, lo + small * incr - (tid < extras ? 0n : incr));
    setLast(tid === nth - 1n);
  }
  setStride(trip);
}

/** Resolves runtime/auto/ordered/aliases to one of the four kinds we run. */
function resolve(st: OmpThread, schedule: number, chunk: bigint): { kind: Loop['kind']; ordered: boolean; chunk: bigint } {
  let s = schedule & ~MODIFIERS;
  let ordered = false;
  if (s >= Sched.ORD_FIRST && s <= Sched.ORD_LAST) {
    ordered = true;
    s -= 32;
  } else if (s >= Sched.NOMERGE_FIRST && s <= Sched.NOMERGE_LAST) {
    s -= 128;
  }
  if (s === Sched.RUNTIME) {
    chunk = BigInt(st.schedChunk);
    s = st.schedKind === 2 ? Sched.DYNAMIC_CHUNKED : st.schedKind === 3 ? Sched.GUIDED_CHUNKED : chunk > 0n ? Sched.STATIC_CHUNKED : Sched.STATIC;
  }
  switch (s) {
    case Sched.STATIC_CHUNKED: case Sched.STATIC_BALANCED_CHUNKED:
      return { kind: chunk > 0n ? 'chunked' : 'static', ordered, chunk };
    case Sched.STATIC: case Sched.AUTO: case Sched.STATIC_GREEDY: case Sched.STATIC_BALANCED:
      return { kind: 'static', ordered, chunk };
    case Sched.DYNAMIC_CHUNKED: case Sched.STATIC_STEAL:
      return { kind: 'dynamic', ordered, chunk: chunk > 0n ? chunk : 1n };
    case Sched.GUIDED_CHUNKED: case Sched.TRAPEZOIDAL: case Sched.GUIDED_ITERATIVE: case Sched.GUIDED_ANALYTICAL:
      return { kind: 'guided', ordered, chunk: chunk > 0n ? chunk : 1n };
    default:
      throw new GuestTrap('__kmpc_dispatch_init', `unknown schedule ${schedule}`);
  }
}

function teamIndex(frame: Frame, ring: number, word: number): number {
  return frame.team * TEAM_WORDS + Team.DISPATCH + ring * 4 + word;
}

/**
 * __kmpc_dispatch_init_{4,4u,8,8u}(loc, gtid, schedule, lb, ub, st, chunk): starts a
 * dynamically scheduled loop (kmp_dispatch.cpp). Team threads meet in one of
 * DISPATCH_RING shared buffers (loop id modulo the ring); a thread that runs ahead
 * into a buffer still in use waits for it.
 */
export function dispatchInit(
  host: FaasletHost, w: Width, schedule: number, lbIn: number | bigint, ubIn: number | bigint, stIn: number | bigint, chunkIn: number | bigint,
): void {
  const st = ompOf(host);
  const frame = st.frame;
  const norm = (v: number | bigint): bigint => (w.bytes === 4 && w.unsigned ? BigInt(Number(v) >>> 0) : BigInt(v));
  const lb = norm(lbIn);
  const ub = norm(ubIn);
  const step = BigInt(stIn);
  const { kind, ordered, chunk } = resolve(st, schedule, BigInt(chunkIn));
  const id = frame.loops++;
  const ring = id % DISPATCH_RING;
  if (frame.mode === 'team') {
    const t = st.runtime.shared.teams;
    const index = teamIndex(frame, ring, 0);
    while (Atomics.load(t, index) !== id) waitWhileEqual(t, index, Atomics.load(t, index), st.runtime.teamAbort(frame.team));
  } else if (frame.mode === 'snapshot' && !frame.snapshot!.counters.has(id)) {
    frame.snapshot!.counters.set(id, 0n);
  }
  frame.loop = {
    id, ring, kind, ordered, width: w.bytes, unsigned: w.unsigned, lb, st: step, trip: tripCount(lb, ub, step), chunk,
    taken: 0, iter: 0n, chunkEnd: -1n, orderedDone: -1n,
  };
}

/** Claims `want` iterations from the shared counter; returns the first index. */
function claim(st: OmpThread, frame: Frame, loop: Loop, want: (taken: bigint) => bigint): bigint {
  if (frame.mode === 'snapshot') {
    const counters = frame.snapshot!.counters;
    const first = counters.get(loop.id) ?? 0n;
    counters.set(loop.id, first + want(first));
    return first;
  }
  if (frame.mode === 'serial') {
    const first = loop.chunkEnd + 1n;
    loop.chunkEnd = first + want(first) - 1n;
    return first;
  }
  const counters = st.runtime.shared.teams64;
  const index = (frame.team * TEAM_WORDS + Team.COUNTERS) / 2 + loop.ring;
  if (loop.kind === 'dynamic') return Atomics.add(counters, index, want(0n));
  for (;;) {
    const first = Atomics.load(counters, index);
    if (first >= loop.trip) return first;
    if (Atomics.compareExchange(counters, index, first, first + want(first)) === first) return first;
  }
}

/** This thread's next chunk as iteration indices [first, last], or undefined when done. */
function nextChunk(st: OmpThread, frame: Frame, loop: Loop): [bigint, bigint] | undefined {
  const nth = BigInt(frame.size);
  const tid = BigInt(frame.threadNum);
  const trip = loop.trip;
  switch (loop.kind) {
    case 'static': {
      if (loop.taken++ > 0 || trip === 0n) return undefined;
      if (trip < nth) return tid < trip ? [tid, tid] : undefined;
      const small = trip / nth;
      const extras = trip % nth;
      const first = tid * small + (tid < extras ? tid : extras);
      return [first, first + small - (tid < extras ? 0n : 1n)];
    }
    case 'chunked': {
      const first = (tid + BigInt(loop.taken++) * nth) * loop.chunk;
      if (first >= trip) return undefined;
      const last = first + loop.chunk - 1n;
      return [first, last < trip ? last : trip - 1n];
    }
    case 'dynamic': {
      const first = claim(st, frame, loop, () => loop.chunk);
      if (first >= trip) return undefined;
      const last = first + loop.chunk - 1n;
      return [first, last < trip ? last : trip - 1n];
    }
    case 'guided': {
      // Guided: remaining / (2 × threads), never below the chunk (libomp's iterative guided).
      const size = (taken: bigint): bigint => {
        const left = trip - taken;
        const share = (left + 2n * nth - 1n) / (2n * nth);
        return share > loop.chunk ? share : loop.chunk;
      };
      const first = claim(st, frame, loop, size);
      if (first >= trip) return undefined;
      const last = first + size(first) - 1n;
      return [first, last < trip ? last : trip - 1n];
    }
  }
}

/** Marks this thread done with the loop; the last one recycles the shared buffer. */
function finishLoop(st: OmpThread, frame: Frame, loop: Loop): void {
  frame.loop = undefined;
  if (frame.mode !== 'team') return;
  const t = st.runtime.shared.teams;
  if (Atomics.add(t, teamIndex(frame, loop.ring, 1), 1) !== frame.size - 1) return;
  Atomics.store(t, teamIndex(frame, loop.ring, 1), 0);
  Atomics.store(t, teamIndex(frame, loop.ring, 2), 0);
  Atomics.store(st.runtime.shared.teams64, (frame.team * TEAM_WORDS + Team.COUNTERS) / 2 + loop.ring, 0n);
  Atomics.store(t, teamIndex(frame, loop.ring, 0), loop.id + DISPATCH_RING);
  Atomics.notify(t, teamIndex(frame, loop.ring, 0));
}

/**
 * int __kmpc_dispatch_next_{4,4u,8,8u}(loc, gtid, *plast, *plb, *pub, *pst): the next
 * chunk as bounds; 0 when the loop is exhausted for this thread.
 */
export function dispatchNext(host: FaasletHost, w: Width, plast: number, plb: number, pub: number, pst: number): number {
  const st = ompOf(host);
  const frame = st.frame;
  const loop = frame.loop;
  if (!loop) return 0;
  const chunk = nextChunk(st, frame, loop);
  if (!chunk) {
    finishLoop(st, frame, loop);
    return 0;
  }
  const [first, last] = chunk;
  writeBound(host, plb, w, loop.lb + first * loop.st);
  writeBound(host, pub, w, loop.lb + last * loop.st);
  if (pst !== 0) writeBound(host, pst, { bytes: w.bytes, unsigned: false }, loop.st);
  if (plast !== 0) host.memory.setI32(plast, last === loop.trip - 1n ? 1 : 0);
  loop.iter = first;
  loop.chunkEnd = last;
  return 1;
}

function orderedIndex(frame: Frame, loop: Loop): number {
  return teamIndex(frame, loop.ring, 2);
}

/** Waits until every earlier iteration has passed its ordered region. */
function awaitTurn(st: OmpThread, frame: Frame, loop: Loop): void {
  if (frame.mode !== 'team') return;
  const t = st.runtime.shared.teams;
  const index = orderedIndex(frame, loop);
  const mine = Number(loop.iter);
  for (let now = Atomics.load(t, index); now !== mine; now = Atomics.load(t, index)) {
    waitWhileEqual(t, index, now, st.runtime.teamAbort(frame.team));
  }
}

function passTurn(st: OmpThread, frame: Frame, loop: Loop): void {
  loop.orderedDone = loop.iter;
  if (frame.mode !== 'team') return;
  const t = st.runtime.shared.teams;
  Atomics.store(t, orderedIndex(frame, loop), Number(loop.iter) + 1);
  Atomics.notify(t, orderedIndex(frame, loop));
}

/** void __kmpc_ordered(ident_t *loc, kmp_int32 gtid): waits for this iteration's turn. */
export function kmpcOrdered(host: FaasletHost, _loc: number, _gtid: number): void {
  const st = ompOf(host);
  if (st.frame.mode === 'snapshot') warnSnapshot(host, 'ordered');
  const loop = st.frame.loop;
  if (loop?.ordered) awaitTurn(st, st.frame, loop);
}

/** void __kmpc_end_ordered(ident_t *loc, kmp_int32 gtid): lets the next iteration in. */
export function kmpcEndOrdered(host: FaasletHost, _loc: number, _gtid: number): void {
  const st = ompOf(host);
  const loop = st.frame.loop;
  if (loop?.ordered) passTurn(st, st.frame, loop);
}

/**
 * void __kmpc_dispatch_fini_{4,8}(loc, gtid): end of one iteration of an ordered loop.
 * An iteration that skipped its ordered region still takes (and passes) its turn.
 */
export function dispatchFini(host: FaasletHost): void {
  const st = ompOf(host);
  const frame = st.frame;
  const loop = frame.loop;
  if (!loop?.ordered) return;
  if (loop.orderedDone !== loop.iter) {
    awaitTurn(st, frame, loop);
    passTurn(st, frame, loop);
  }
  if (loop.iter < loop.chunkEnd) loop.iter += 1n;
}

export const W4: Width = { bytes: 4, unsigned: false };
export const W4U: Width = { bytes: 4, unsigned: true };
export const W8: Width = { bytes: 8, unsigned: false };
export const W8U: Width = { bytes: 8, unsigned: true };
