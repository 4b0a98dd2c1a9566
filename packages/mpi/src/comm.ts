import { ProcExit, type FaasletHost } from '@faasm/abi';
import * as alg from './collectives.js';
import { MpiErr, MpiError, check } from './errors.js';
import { comm, engineOf, mpiCall } from './guest.js';
import { COMM_NULL_ID, COMM_WORLD_ID, MPI_MAX_PROCESSOR_NAME, MPI_PROC_NULL, MPI_UNDEFINED } from './layout.js';
import { unbindRank, type Comm, type MpiState } from './state.js';
import { initWorld } from './world.js';

/** Environment, communicators and Cartesian topologies (MPI 4.x chapters 7, 8, 11). */

const PROCESSOR_NAME = 'faasm';

/** int MPI_Init(int* argc, char*** argv): rank 0 starts the world, the others join it. */
export function mpiInit(host: FaasletHost, _argc: number, _argv: number): number {
  return mpiCall(host, 'MPI_Init', (s) => {
    check(!s.initialized, MpiErr.OTHER, 'MPI_Init called twice');
    initWorld(s);
    return 0;
  }, false);
}

/** int MPI_Finalize(void): synchronises the world (a barrier) after every queued send left. */
export function mpiFinalize(host: FaasletHost): number {
  return mpiCall(host, 'MPI_Finalize', (s) => {
    const e = engineOf(s);
    e.flush();
    alg.barrier(e, s.comms.get(COMM_WORLD_ID)!);
    s.finalized = true;
    unbindRank(s);
    return 0;
  });
}

/** int MPI_Abort(MPI_Comm comm, int errorcode): ends every rank; the call fails naming this rank. */
export function mpiAbort(host: FaasletHost, _comm: number, code: number): number {
  return mpiCall(host, 'MPI_Abort', (s) => {
    s.world?.abort(s.rank, code, `rank ${s.rank} called MPI_Abort with error code ${code}`);
    throw new ProcExit(code);
  }, false);
}

/** int MPI_Get_version(int* version, int* subversion): MPI 4.0. */
export function mpiGetVersion(host: FaasletHost, version: number, subversion: number): number {
  return mpiCall(host, 'MPI_Get_version', (s) => {
    s.host.memory.setI32(version, 4);
    s.host.memory.setI32(subversion, 0);
    return 0;
  }, false);
}

/** int MPI_Get_processor_name(char* name, int* resultlen): Faasm's fake hostname. */
export function mpiGetProcessorName(host: FaasletHost, buf: number, lenPtr: number): number {
  return mpiCall(host, 'MPI_Get_processor_name', (s) => {
    const written = s.host.memory.writeCString(buf, PROCESSOR_NAME.slice(0, MPI_MAX_PROCESSOR_NAME - 1));
    s.host.memory.setI32(lenPtr, written - 1);
    return 0;
  }, false);
}

/** double MPI_Wtime(void): seconds since the epoch, sub-microsecond resolution. */
export function mpiWtime(_host: FaasletHost): number {
  return (performance.timeOrigin + performance.now()) / 1000;
}

/** int MPI_Comm_rank(MPI_Comm comm, int* rank) */
export function mpiCommRank(host: FaasletHost, commPtr: number, rankPtr: number): number {
  return mpiCall(host, 'MPI_Comm_rank', (s) => {
    s.host.memory.setI32(rankPtr, comm(s, commPtr).rank);
    return 0;
  });
}

/** int MPI_Comm_size(MPI_Comm comm, int* size) */
export function mpiCommSize(host: FaasletHost, commPtr: number, sizePtr: number): number {
  return mpiCall(host, 'MPI_Comm_size', (s) => {
    s.host.memory.setI32(sizePtr, comm(s, commPtr).size);
    return 0;
  });
}

/** A guest struct { int id } for a new communicator (the guest frees it with MPI_Comm_free). */
function guestComm(s: MpiState, id: number): number {
  const p = s.host.exports.malloc(4);
  check(p !== 0, MpiErr.NO_MEM, 'malloc failed for a communicator');
  s.host.memory.setI32(p, id);
  return p;
}

/** The guest's MPI_COMM_NULL (from the SDK library, else a struct the host allocates once). */
function commNull(s: MpiState): number {
  if (s.handles.commNull === 0) s.handles.commNull = guestComm(s, COMM_NULL_ID);
  return s.handles.commNull;
}

function register(s: MpiState, c: Omit<Comm, 'allocated'>, out: number): void {
  const allocated = guestComm(s, c.ctx);
  s.comms.set(c.ctx, { ...c, allocated });
  s.host.memory.setU32(out, allocated);
}

/** Collective: rank 0 of `c` reserves `n` context ids and every member learns the first. */
function newContexts(s: MpiState, c: Comm, n: number): number {
  const buf = new Uint8Array(4);
  if (c.rank === 0) new DataView(buf.buffer).setInt32(0, s.world!.allocContexts(n), true);
  alg.bcast(engineOf(s), c, { host: buf }, 4, 0);
  return new DataView(buf.buffer).getInt32(0, true);
}

/** int MPI_Comm_dup(MPI_Comm comm, MPI_Comm* newcomm): same group and topology, new context. */
export function mpiCommDup(host: FaasletHost, commPtr: number, out: number): number {
  return mpiCall(host, 'MPI_Comm_dup', (s) => {
    const c = comm(s, commPtr);
    s.host.memory.check(out, 4);
    const ctx = newContexts(s, c, 1);
    register(s, { ctx, group: c.group, rank: c.rank, size: c.size, ...(c.cart ? { cart: c.cart } : {}) }, out);
    return 0;
  });
}

/** int MPI_Comm_split(MPI_Comm comm, int color, int key, MPI_Comm* newcomm): ordered by (key, old rank); MPI_UNDEFINED gets MPI_COMM_NULL. */
export function mpiCommSplit(host: FaasletHost, commPtr: number, color: number, key: number, out: number): number {
  return mpiCall(host, 'MPI_Comm_split', (s) => {
    const c = comm(s, commPtr);
    check(color >= 0 || color === MPI_UNDEFINED, MpiErr.ARG, `color ${color} must be non-negative or MPI_UNDEFINED`);
    s.host.memory.check(out, 4);
    const mine = new Uint8Array(12);
    const v = new DataView(mine.buffer);
    v.setInt32(0, color, true);
    v.setInt32(4, key, true);
    if (c.rank === 0) v.setInt32(8, s.world!.allocContexts(c.size), true);
    const all = alg.allgatherHost(engineOf(s), c, mine).map((b) => new DataView(b.buffer));
    const base = all[0]!.getInt32(8, true);
    if (color === MPI_UNDEFINED) {
      s.host.memory.setU32(out, commNull(s));
      return 0;
    }
    const colors = [...new Set(all.map((d) => d.getInt32(0, true)).filter((x) => x !== MPI_UNDEFINED))].sort((a, b) => a - b);
    const members = all
      .map((d, rank) => ({ rank, color: d.getInt32(0, true), key: d.getInt32(4, true) }))
      .filter((m) => m.color === color)
      .sort((a, b) => a.key - b.key || a.rank - b.rank);
    const group = members.map((m) => c.group[m.rank]!);
    register(s, { ctx: base + colors.indexOf(color), group, rank: members.findIndex((m) => m.rank === c.rank), size: group.length }, out);
    return 0;
  });
}

/** int MPI_Comm_free(MPI_Comm* comm): *comm becomes MPI_COMM_NULL. */
export function mpiCommFree(host: FaasletHost, commPtrPtr: number): number {
  return mpiCall(host, 'MPI_Comm_free', (s) => {
    const c = comm(s, s.host.memory.u32(commPtrPtr));
    check(c.ctx !== COMM_WORLD_ID, MpiErr.COMM, 'MPI_COMM_WORLD cannot be freed');
    s.comms.delete(c.ctx);
    if (c.allocated) s.host.exports.free(c.allocated);
    s.host.memory.setU32(commPtrPtr, commNull(s));
    return 0;
  });
}

/** MPI_Fint MPI_Comm_c2f(MPI_Comm comm): the Fortran handle is the communicator's id. */
export function mpiCommC2f(host: FaasletHost, commPtr: number): number {
  return host.memory.i32(commPtr);
}

/** MPI_Comm MPI_Comm_f2c(MPI_Fint comm): the guest handle of that id (MPI_COMM_NULL if unknown). */
export function mpiCommF2c(host: FaasletHost, id: number): number {
  return mpiCall(host, 'MPI_Comm_f2c', (s) => {
    if (id === COMM_WORLD_ID) {
      if (s.handles.commWorld === 0) s.handles.commWorld = guestComm(s, COMM_WORLD_ID);
      return s.handles.commWorld;
    }
    return s.comms.get(id)?.allocated ?? commNull(s);
  }, false);
}

function intsAt(s: MpiState, ptr: number, n: number, what: string): number[] {
  try {
    s.host.memory.check(ptr, n * 4);
  } catch {
    throw new MpiError(MpiErr.ARG, `${what} array 0x${(ptr >>> 0).toString(16)} of ${n} ints is outside guest memory`);
  }
  return Array.from({ length: n }, (_, i) => s.host.memory.i32(ptr + i * 4));
}

/** Row-major coordinates of `rank` (MPI 4.x §8.5.1). */
function coordsOf(dims: readonly number[], rank: number): number[] {
  const coords = new Array<number>(dims.length);
  for (let i = dims.length - 1; i >= 0; i--) {
    coords[i] = rank % dims[i]!;
    rank = Math.floor(rank / dims[i]!);
  }
  return coords;
}

function cartOf(c: Comm): NonNullable<Comm['cart']> {
  check(c.cart !== undefined, MpiErr.TOPOLOGY, 'the communicator has no Cartesian topology');
  return c.cart;
}

/** int MPI_Cart_create(MPI_Comm old, int ndims, const int dims[], const int periods[], int reorder, MPI_Comm* cart): ranks beyond the grid get MPI_COMM_NULL. */
export function mpiCartCreate(host: FaasletHost, commPtr: number, ndims: number, dimsPtr: number, periodsPtr: number, _reorder: number, out: number): number {
  return mpiCall(host, 'MPI_Cart_create', (s) => {
    const c = comm(s, commPtr);
    check(ndims >= 0, MpiErr.DIMS, `ndims ${ndims} is negative`);
    const dims = intsAt(s, dimsPtr, ndims, 'dims');
    const periods = intsAt(s, periodsPtr, ndims, 'periods').map((p) => p !== 0);
    check(dims.every((d) => d > 0), MpiErr.DIMS, `dims [${dims.join(', ')}] must all be positive`);
    const cells = dims.reduce((a, b) => a * b, 1);
    check(cells <= c.size, MpiErr.DIMS, `a ${dims.join('x')} grid needs ${cells} ranks, the communicator has ${c.size}`);
    s.host.memory.check(out, 4);
    const ctx = newContexts(s, c, 1);
    if (c.rank >= cells) {
      s.host.memory.setU32(out, commNull(s));
      return 0;
    }
    register(s, { ctx, group: c.group.slice(0, cells), rank: c.rank, size: cells, cart: { dims, periods } }, out);
    return 0;
  });
}

/** int MPI_Cart_get(MPI_Comm comm, int maxdims, int dims[], int periods[], int coords[]) */
export function mpiCartGet(host: FaasletHost, commPtr: number, maxdims: number, dimsPtr: number, periodsPtr: number, coordsPtr: number): number {
  return mpiCall(host, 'MPI_Cart_get', (s) => {
    const c = comm(s, commPtr);
    const cart = cartOf(c);
    check(maxdims >= 0, MpiErr.ARG, `maxdims ${maxdims} is negative`);
    const n = Math.min(maxdims, cart.dims.length);
    const coords = coordsOf(cart.dims, c.rank);
    for (const p of [dimsPtr, periodsPtr, coordsPtr]) intsAt(s, p, n, 'output');
    for (let i = 0; i < n; i++) {
      s.host.memory.setI32(dimsPtr + i * 4, cart.dims[i]!);
      s.host.memory.setI32(periodsPtr + i * 4, cart.periods[i] ? 1 : 0);
      s.host.memory.setI32(coordsPtr + i * 4, coords[i]!);
    }
    return 0;
  });
}

/** int MPI_Cart_rank(MPI_Comm comm, const int coords[], int* rank): periodic dimensions wrap. */
export function mpiCartRank(host: FaasletHost, commPtr: number, coordsPtr: number, rankPtr: number): number {
  return mpiCall(host, 'MPI_Cart_rank', (s) => {
    const cart = cartOf(comm(s, commPtr));
    const coords = intsAt(s, coordsPtr, cart.dims.length, 'coords');
    let rank = 0;
    cart.dims.forEach((d, i) => {
      let x = coords[i]!;
      if (cart.periods[i]) x = ((x % d) + d) % d;
      check(x >= 0 && x < d, MpiErr.ARG, `coordinate ${x} is outside dimension ${i} of size ${d}`);
      rank = rank * d + x;
    });
    s.host.memory.setI32(rankPtr, rank);
    return 0;
  });
}

/** int MPI_Cart_shift(MPI_Comm comm, int direction, int disp, int* source, int* dest): MPI_PROC_NULL off a non-periodic edge. */
export function mpiCartShift(host: FaasletHost, commPtr: number, direction: number, disp: number, srcPtr: number, dstPtr: number): number {
  return mpiCall(host, 'MPI_Cart_shift', (s) => {
    const c = comm(s, commPtr);
    const cart = cartOf(c);
    check(direction >= 0 && direction < cart.dims.length, MpiErr.DIMS, `direction ${direction} is not a dimension of a ${cart.dims.length}-d grid`);
    const here = coordsOf(cart.dims, c.rank);
    const d = cart.dims[direction]!;
    const at = (delta: number): number => {
      const coords = [...here];
      let x = coords[direction]! + delta;
      if (cart.periods[direction]) x = ((x % d) + d) % d;
      else if (x < 0 || x >= d) return MPI_PROC_NULL;
      coords[direction] = x;
      return coords.reduce((r, v, i) => r * cart.dims[i]! + v, 0);
    };
    s.host.memory.setI32(srcPtr, at(-disp));
    s.host.memory.setI32(dstPtr, at(disp));
    return 0;
  });
}
