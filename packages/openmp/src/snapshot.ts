import { GuestTrap, ServiceKey, type FaasletHost } from '@faasm/abi';
import type { Frame, OmpThread } from './state.js';

/**
 * Snapshot-and-merge mode (THREADS.md; Faasm's mode for modules without shared
 * memory): every thread of the region runs on a copy of the memory taken at the fork;
 * afterwards the bytes each thread changed (found by comparing 4 KiB pages) are merged
 * back, last writer wins, except for regions registered with __faasm_sm_reduce, which
 * are combined with their operator.
 *
 * Here the copies run one after another on the calling thread's instance (threads
 * 1..n-1 first, thread 0 last), so a non-shared module needs no workers; there is no
 * speed-up. Reductions written with OpenMP's `reduction` clause are exact without
 * registration: __kmpc_reduce captures each thread's private values (the stack above
 * its stack pointer) and thread 0 combines them with the guest's own reduce function.
 * Wrong by design, as in Faasm: unregistered shared counters, critical sections,
 * atomics, copyprivate and anything exchanged through a barrier.
 */

const PAGE = 4096;

/** __faasm_sm_reduce types and ops (faasm-abi.md). */
export const SmType = { RAW: 0, BOOL: 1, INT: 2, LONG: 3, FLOAT: 4, DOUBLE: 5 } as const;
export const SmOp = { OVERWRITE: 0, SUM: 1, PRODUCT: 2, SUBTRACT: 3, MAX: 4, MIN: 5 } as const;

export interface SmRegion {
  readonly ptr: number;
  readonly type: number;
  readonly op: number;
}

/** A thread's reduction operands, captured at __kmpc_reduce. */
interface Contribution {
  readonly sp: number;
  readonly stack: Uint8Array;
  readonly data: number[];
}

/** What the sequential threads of one snapshot-mode region share. */
export interface SnapshotRegion {
  readonly size: number;
  /** Stack pointer at the fork: a thread's frames lie below it. */
  readonly stackTop: number;
  readonly counters: Map<number, bigint>;
  singles: number;
  readonly contributions: Contribution[];
}

interface SmState {
  next: SmRegion[];
  current: SmRegion[] | undefined;
  /** Constructs already reported as unsupported in snapshot mode (once per Faaslet). */
  warned: Set<string>;
}

const SM = new ServiceKey<SmState>('@faasm/openmp snapshot regions');

function smOf(host: FaasletHost): SmState {
  let sm = host.services.get(SM);
  if (!sm) host.services.provide(SM, (sm = { next: [], current: undefined, warned: new Set() }));
  return sm;
}

function stackPointer(host: FaasletHost, where: string): WebAssembly.Global {
  const sp = host.exports.global('__stack_pointer');
  if (!sp) throw new GuestTrap(where, 'snapshot mode needs the exported __stack_pointer');
  return sp;
}

/**
 * Reports (once per construct and Faaslet, on host.log) a construct snapshot mode
 * cannot honour: its threads run on separate copies of memory.
 */
export function warnSnapshot(host: FaasletHost, construct: string): void {
  const sm = smOf(host);
  if (sm.warned.has(construct)) return;
  sm.warned.add(construct);
  host.log.warn(`OpenMP snapshot mode (memory not shared): ${construct} does not synchronise the threads of a region; `
    + 'build with faasm cc --threads for shared memory');
}

/** void __faasm_sm_reduce(void *var, int type, int op, int currentBatch). */
export function faasmSmReduce(host: FaasletHost, ptr: number, type: number, op: number, currentBatch: number): void {
  const size = typeSize(type);
  host.memory.check(ptr, size);
  if (op < SmOp.OVERWRITE || op > SmOp.MIN) throw new GuestTrap('__faasm_sm_reduce', `unknown reduce op ${op}`);
  const sm = smOf(host);
  const region = { ptr: ptr >>> 0, type, op };
  if (currentBatch && sm.current) sm.current.push(region);
  else sm.next.push(region);
}

function typeSize(type: number): number {
  switch (type) {
    case SmType.BOOL: return 1;
    case SmType.INT: case SmType.FLOAT: return 4;
    case SmType.LONG: case SmType.DOUBLE: return 8;
    case SmType.RAW: return 0;
    default: throw new GuestTrap('__faasm_sm_reduce', `unknown variable type ${type}`);
  }
}

/** Runs `size` threads on copies of memory and merges their writes (see above). */
export function forkSnapshot(
  host: FaasletHost,
  _st: OmpThread,
  size: number,
  run: (frame: Pick<Frame, 'mode' | 'team' | 'threadNum' | 'size' | 'snapshot'>, n: number) => void,
): void {
  const memory = host.memory;
  const sm = smOf(host);
  const registered = sm.next;
  sm.next = [];
  sm.current = registered;
  const snapshot = memory.copy(0, memory.size);
  const region: SnapshotRegion = {
    size, stackTop: Number(stackPointer(host, '__kmpc_fork_call').value), counters: new Map(), singles: 0, contributions: [],
  };
  const diffs: Map<number, Uint8Array>[] = [];
  try {
    for (let n = 1; n < size; n++) {
      run({ mode: 'snapshot', team: -1, threadNum: n, size, snapshot: region }, n);
      diffs.push(takeDirty(memory.bytes(0, memory.size), snapshot));
    }
    run({ mode: 'snapshot', team: -1, threadNum: 0, size, snapshot: region }, 0);
    const live = memory.bytes(0, memory.size);
    const values = registered.map((r) => read(live, r));
    for (const diff of diffs) {
      for (const [page, bytes] of diff) {
        const start = page * PAGE;
        for (let i = 0; i < bytes.length; i++) if (bytes[i] !== snapshot[start + i]) live[start + i] = bytes[i]!;
      }
    }
    registered.forEach((r, k) => {
      let acc = values[k]!;
      const before = read(snapshot, r);
      for (const diff of diffs) acc = combine(r.op, acc, readFrom(diff, snapshot, r), before);
      write(live, r, acc);
    });
  } finally {
    sm.current = undefined;
  }
}

/** The pages of `live` that differ from `snapshot`, copied; `live` is restored to it. */
function takeDirty(live: Uint8Array, snapshot: Uint8Array): Map<number, Uint8Array> {
  const dirty = new Map<number, Uint8Array>();
  const common = Math.min(live.length, snapshot.length);
  for (let start = 0; start < live.length; start += PAGE) {
    const end = Math.min(start + PAGE, live.length);
    if (end <= common && Buffer.compare(live.subarray(start, end), snapshot.subarray(start, end)) === 0) continue;
    dirty.set(start / PAGE, live.slice(start, end));
    if (end <= common) live.set(snapshot.subarray(start, end), start);
  }
  return dirty;
}

type Value = number | bigint;

function read(bytes: Uint8Array, r: SmRegion): Value {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (r.type) {
    case SmType.BOOL: return view.getUint8(r.ptr);
    case SmType.INT: return view.getInt32(r.ptr, true);
    case SmType.LONG: return view.getBigInt64(r.ptr, true);
    case SmType.FLOAT: return view.getFloat32(r.ptr, true);
    case SmType.DOUBLE: return view.getFloat64(r.ptr, true);
    default: return 0;
  }
}

function readFrom(diff: Map<number, Uint8Array>, snapshot: Uint8Array, r: SmRegion): Value {
  const page = Math.floor(r.ptr / PAGE);
  const bytes = diff.get(page);
  if (!bytes || Math.floor((r.ptr + typeSize(r.type) - 1) / PAGE) !== page) return read(snapshot, r);
  return read(bytes, { ...r, ptr: r.ptr - page * PAGE });
}

function write(bytes: Uint8Array, r: SmRegion, value: Value): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (r.type) {
    case SmType.BOOL: view.setUint8(r.ptr, Number(value)); break;
    case SmType.INT: view.setInt32(r.ptr, Number(value), true); break;
    case SmType.LONG: view.setBigInt64(r.ptr, BigInt.asIntN(64, BigInt(value)), true); break;
    case SmType.FLOAT: view.setFloat32(r.ptr, Number(value), true); break;
    case SmType.DOUBLE: view.setFloat64(r.ptr, Number(value), true); break;
    default: break;
  }
}

/** parent = parent op (thread − snapshot), per op (faasm-abi.md). */
function combine(op: number, acc: Value, thread: Value, before: Value): Value {
  if (typeof acc === 'bigint') {
    const t = BigInt(thread);
    const b = BigInt(before);
    switch (op) {
      case SmOp.SUM: case SmOp.SUBTRACT: return acc + (t - b);
      case SmOp.PRODUCT: return b === 0n ? acc : (acc * t) / b;
      case SmOp.MAX: return t > acc ? t : acc;
      case SmOp.MIN: return t < acc ? t : acc;
      default: return t !== b ? t : acc;
    }
  }
  const t = Number(thread);
  const b = Number(before);
  switch (op) {
    case SmOp.SUM: case SmOp.SUBTRACT: return acc + (t - b);
    case SmOp.PRODUCT: return b === 0 ? acc : (acc * t) / b;
    case SmOp.MAX: return Math.max(acc, t);
    case SmOp.MIN: return Math.min(acc, t);
    default: return t !== b ? t : acc;
  }
}

/**
 * __kmpc_reduce in a snapshot region. Threads 1..n-1 (which run first) leave their
 * private operands for thread 0 and return 0 (nothing to combine); thread 0 folds them
 * into its own with the guest's reduce_func(lhs, rhs) and returns 1 (it then combines
 * into the shared variables itself).
 */
export function snapshotReduce(host: FaasletHost, frame: Frame, data: number, count: number, func: number): number {
  const region = frame.snapshot!;
  const pointers = host.memory.u32s(data, count);
  const sp = Number(stackPointer(host, '__kmpc_reduce').value) >>> 0;
  if (frame.threadNum !== 0) {
    if (sp > region.stackTop) throw new GuestTrap('__kmpc_reduce', 'stack pointer above the region\'s stack');
    region.contributions.push({ sp, stack: host.memory.copy(sp, region.stackTop - sp), data: pointers });
    return 0;
  }
  for (const c of region.contributions.splice(0)) {
    const scratch = host.exports.malloc(c.stack.length + c.data.length * 4 + 16);
    if (scratch === 0) throw new GuestTrap('__kmpc_reduce', 'out of memory');
    host.memory.write(scratch, c.stack);
    const list = scratch + c.stack.length + (4 - (c.stack.length & 3)) % 4;
    c.data.forEach((p, i) => {
      const inStack = p >= c.sp && p < c.sp + c.stack.length;
      host.memory.setU32(list + i * 4, inStack ? scratch + (p - c.sp) : p);
    });
    try {
      host.exports.callIndirect(func, data, list);
    } finally {
      host.exports.free(scratch);
    }
  }
  return 1;
}
