import { GuestTrap, MemoryFault, isControlFlow, type FaasletHost } from '@faasm/abi';
import { WorldAborted } from './engine.js';
import { MpiErr, MpiError, check } from './errors.js';
import { COMM_NULL_ID, COMM_WORLD_ID, DatatypeStruct, FIRST_DERIVED_TYPE_ID, OpId, PREDEFINED, Status, TypeId } from './layout.js';
import { predefinedCombine, type Combine, type Reduction } from './reduce.js';
import { SimdKernels } from './simd.js';
import { MPI_STATE, type Comm, type Datatype, type MpiState, type UserOp } from './state.js';

/** The host's MPI state (registered by link). */
export function stateOf(host: FaasletHost): MpiState {
  return host.services.require(MPI_STATE);
}

/**
 * Runs a handler body with MPI's error handling (MPI 4.x §9.3): an MpiError becomes
 * the return code (MPI_ERRORS_RETURN) or aborts the whole world with a message naming
 * the rank and the call (MPI_ERRORS_ARE_FATAL, the default). A guest pointer outside
 * memory is MPI_ERR_BUFFER (buffers) or MPI_ERR_ARG (other arguments): never a host crash.
 */
export function mpiCall(host: FaasletHost, name: string, body: (s: MpiState) => number, needsInit = true): number {
  const s = stateOf(host);
  try {
    return body(needsInit ? ready(s) : s);
  } catch (e) {
    return mpiFailed(host, s, name, e);
  }
}

/** `s` once MPI_Init ran and MPI_Finalize did not (MPI_ERR_OTHER otherwise). */
export function ready(s: MpiState): MpiState {
  check(s.initialized, MpiErr.OTHER, 'called before MPI_Init');
  check(!s.finalized, MpiErr.OTHER, 'called after MPI_Finalize');
  return s;
}

/**
 * mpiCall's error handling, for the hot handlers that inline the skeleton (no closure
 * per call): returns the error code or throws the trap.
 */
export function mpiFailed(host: FaasletHost, s: MpiState, name: string, e: unknown): number {
  if (e instanceof WorldAborted) throw new GuestTrap(name, e.message);
  let err: MpiError;
  if (e instanceof MpiError) err = e;
  else if (e instanceof MemoryFault) err = new MpiError(MpiErr.ARG, e.message);
  else if (isControlFlow(e)) throw e;
  else throw e;
  const message = `rank ${s.rank}: ${name}: ${err.message}`;
  if ((s.options.errors ?? 'fatal') === 'return') {
    host.log.warn(message);
    return err.code;
  }
  s.world?.abort(s.rank, err.code, `MPI_ERRORS_ARE_FATAL: ${message}`);
  throw new GuestTrap(name, `MPI_ERRORS_ARE_FATAL: ${message}`);
}

/** Checks a guest buffer [ptr, ptr+len) lies in memory (MPI_ERR_BUFFER otherwise). */
export function buffer(s: MpiState, ptr: number, len: number, what = 'buffer'): number {
  if (len === 0) return ptr >>> 0;
  try {
    return s.host.memory.check(ptr, len);
  } catch (e) {
    if (e instanceof MemoryFault) throw new MpiError(MpiErr.BUFFER, `${what} 0x${(ptr >>> 0).toString(16)} of ${len} bytes is outside guest memory (${e.memorySize} bytes)`);
    throw e;
  }
}

export function count(n: number, what = 'count'): number {
  // Hot path: messages are built only on failure (here and in comm / datatype).
  if (!(n >= 0)) throw new MpiError(MpiErr.COUNT, `${what} ${n} is negative`);
  return n;
}

/** Resolves an MPI_Comm (pointer to { int id }). */
export function comm(s: MpiState, ptr: number): Comm {
  check(ptr !== 0, MpiErr.COMM, 'communicator is a null pointer');
  let id: number;
  try {
    id = s.host.memory.i32(ptr);
  } catch {
    throw new MpiError(MpiErr.COMM, `communicator 0x${(ptr >>> 0).toString(16)} is outside guest memory`);
  }
  if (id === COMM_WORLD_ID && s.handles.commWorld === 0) s.handles.commWorld = ptr >>> 0;
  if (id === COMM_NULL_ID && s.handles.commNull === 0) s.handles.commNull = ptr >>> 0;
  check(id !== COMM_NULL_ID, MpiErr.COMM, 'MPI_COMM_NULL is not a valid communicator here');
  const c = s.comms.get(id);
  if (c === undefined) throw new MpiError(MpiErr.COMM, `invalid communicator (id ${id})`);
  return c;
}

/** Resolves an MPI_Datatype (pointer to { int id; int size }). */
export function datatype(s: MpiState, ptr: number): Datatype {
  check(ptr !== 0, MpiErr.TYPE, 'datatype is a null pointer');
  let id: number;
  let size: number;
  try {
    id = s.host.memory.i32(ptr + DatatypeStruct.ID);
    size = s.host.memory.i32(ptr + DatatypeStruct.SIZE);
  } catch {
    throw new MpiError(MpiErr.TYPE, `datatype 0x${(ptr >>> 0).toString(16)} is outside guest memory`);
  }
  if (id === TypeId.DATATYPE_NULL && s.handles.typeNull === 0) s.handles.typeNull = ptr >>> 0;
  const pre = PREDEFINED.get(id);
  if (pre) {
    // Faasm's host takes the element size from the struct; a guest library with another size is not ours.
    if (size !== pre.size) throw new MpiError(MpiErr.TYPE, `${pre.name} has size ${size}, expected ${pre.size}`);
    // One resolved object per predefined type and guest struct: no allocation per call.
    let t = s.predefinedTypes[id];
    if (t === undefined || t.ptr !== ptr >>> 0) s.predefinedTypes[id] = t = { id, ptr: ptr >>> 0, size, name: pre.name, kind: pre.kind, elems: 1 };
    return t;
  }
  check(id !== TypeId.DATATYPE_NULL, MpiErr.TYPE, 'MPI_DATATYPE_NULL is not a valid datatype here');
  const d = id >= FIRST_DERIVED_TYPE_ID ? s.types.get(id) : undefined;
  check(d !== undefined, MpiErr.TYPE, `invalid datatype (id ${id})`);
  return { id, ptr: ptr >>> 0, size: d.size, name: `derived type ${id}`, kind: d.baseKind, elems: d.elems };
}

/** A datatype usable in communication: derived types must be committed (MPI 4.x §5.1.9). */
export function commType(s: MpiState, ptr: number): Datatype {
  const t = datatype(s, ptr);
  if (t.id >= FIRST_DERIVED_TYPE_ID) check(s.types.get(t.id)!.committed, MpiErr.TYPE, `${t.name} is not committed (call MPI_Type_commit)`);
  return t;
}

/** The SIMD kernels over the guest's current memory (undefined without SIMD). */
function simdOf(s: MpiState): SimdKernels | undefined {
  const memory = s.host.memory.memory;
  if (s.simd?.memory !== memory) s.simd = { memory, kernels: SimdKernels.over(memory) };
  return s.simd.kernels;
}

export function reduction(s: MpiState, opPtr: number, type: Datatype): Reduction {
  check(opPtr !== 0, MpiErr.OP, 'op is a null pointer');
  let id: number;
  try {
    id = s.host.memory.i32(opPtr);
  } catch {
    throw new MpiError(MpiErr.OP, `op 0x${(opPtr >>> 0).toString(16)} is outside guest memory`);
  }
  if (id === OpId.NULL && s.handles.opNull === 0) s.handles.opNull = opPtr >>> 0;
  if (id >= OpId.MAX && id <= OpId.MINLOC) {
    // Predefined op on a predefined type: resolved once per state (no closures per call).
    const key = type.id < FIRST_DERIVED_TYPE_ID ? id * 32 + type.id : -1;
    const known = key >= 0 ? s.reductions[key] : undefined;
    if (known) return known;
    const combine = predefinedCombine(id, type.kind);
    check(combine !== undefined, MpiErr.OP, `op ${id} is not defined on ${type.name} (MPI 4.x §6.9.2)`);
    const elems = type.elems;
    const perItem = (f: Combine): Combine => (elems === 1 ? f : (a, b, n) => f(a, b, n * elems));
    const simd = simdOf(s)?.combine(id, type.kind, combine);
    const red: Reduction = { combine: perItem(combine), inGuest: perItem(simd ?? combine), commute: true, predefined: true };
    if (key >= 0) s.reductions[key] = red;
    return red;
  }
  const user = s.ops.get(id);
  check(user !== undefined, MpiErr.OP, `invalid op (id ${id})`);
  const combine = userCombine(s, user, type);
  return { combine, inGuest: combine, commute: user.commute, predefined: false };
}

/**
 * A user op (MPI_Op_create): the guest function `void f(void* in, void* inout, int* len,
 * MPI_Datatype* type)` called through the function table on guest copies of the data.
 */
function userCombine(s: MpiState, op: UserOp, type: Datatype): Combine {
  const host = s.host;
  return (a, b, n) => {
    const len = a.length;
    const inoutOff = (len + 15) & ~15;
    const cells = inoutOff * 2;
    const p = host.exports.malloc(cells + 8);
    check(p !== 0, MpiErr.NO_MEM, 'malloc failed for a user op call');
    try {
      host.memory.write(p, a);
      host.memory.write(p + inoutOff, b);
      host.memory.setI32(p + cells, n);
      host.memory.setU32(p + cells + 4, type.ptr);
      host.exports.callIndirect(op.fn, p, p + inoutOff, p + cells, p + cells + 4);
      b.set(host.memory.bytes(p + inoutOff, len));
    } finally {
      host.exports.free(p);
    }
  };
}

/** Writes an MPI_Status unless it is MPI_STATUS_IGNORE. */
export function writeStatus(s: MpiState, ptr: number, source: number, tag: number, error: number, bytes: number): void {
  if (ptr === 0) return;
  const m = s.host.memory;
  m.setI32(ptr + Status.SOURCE, source);
  m.setI32(ptr + Status.TAG, tag);
  m.setI32(ptr + Status.ERROR, error);
  m.setI32(ptr + Status.BYTES, bytes);
}

/** Checks a rank of `c` (or accepts up to two special values, e.g. MPI_ANY_SOURCE, MPI_PROC_NULL). */
export function rankIn(c: Comm, rank: number, code: number = MpiErr.RANK, special1?: number, special2?: number): number {
  if ((rank >= 0 && rank < c.size) || rank === special1 || rank === special2) return rank;
  throw new MpiError(code, `rank ${rank} is not in a communicator of size ${c.size}`);
}

export function engineOf(s: MpiState): NonNullable<MpiState['engine']> {
  const e = s.engine;
  check(e !== undefined, MpiErr.INTERN, 'no engine');
  return e;
}
