import type { FaasletHost } from '@faasm/abi';
import * as alg from './collectives.js';
import { CollTag } from './collectives.js';
import type { RecvOp, SendOp } from './engine.js';
import { MpiErr, MpiError, check } from './errors.js';
import { buffer, comm, commType, count, engineOf, mpiCall, rankIn } from './guest.js';
import { MPI_PROC_NULL, MPI_WIN_FLAVOR_CREATE, MPI_WIN_SEPARATE, WinAttr, WinStruct } from './layout.js';
import type { Comm, MpiState, Window } from './state.js';

/**
 * One-sided communication with active-target fences (MPI 4.x §12.5.1). Each rank's
 * window lives in its own guest memory, so Put and Get are queued at the origin and
 * carried out by the closing MPI_Win_fence: every member sends every other member its
 * puts and get requests, applies what it receives, then answers the gets. So RMA
 * operations complete at the fence that ends their epoch, and local stores made
 * before a fence are what remote gets after it see.
 */

function windowAt(s: MpiState, ptr: number): Window {
  const w = s.windows.get(ptr >>> 0);
  check(w !== undefined, MpiErr.WIN, `invalid window 0x${(ptr >>> 0).toString(16)}`);
  return w;
}

/** The window's own traffic runs on its context, apart from the communicator's. */
function windowComm(w: Window): Comm {
  return { ...w.comm, ctx: w.ctx };
}

/** int MPI_Win_create(void* base, MPI_Aint size, int disp_unit, MPI_Info info, MPI_Comm comm, MPI_Win* win) */
export function mpiWinCreate(host: FaasletHost, base: number, size: number, dispUnit: number, _info: number, commPtr: number, out: number): number {
  return mpiCall(host, 'MPI_Win_create', (s) => {
    const c = comm(s, commPtr);
    check(size >= 0, MpiErr.ARG, `window size ${size} is negative`);
    check(dispUnit > 0, MpiErr.ARG, `disp_unit ${dispUnit} must be positive`);
    buffer(s, base, size, 'window');
    s.host.memory.check(out, 4);
    const mine = new Uint8Array(12);
    const v = new DataView(mine.buffer);
    v.setInt32(0, size, true);
    v.setInt32(4, dispUnit, true);
    if (c.rank === 0) v.setInt32(8, s.world!.allocContexts(1), true);
    const all = alg.allgatherHost(engineOf(s), c, mine).map((b) => new DataView(b.buffer));
    const ctx = all[0]!.getInt32(8, true);
    const p = s.host.exports.malloc(WinStruct.BYTES);
    check(p !== 0, MpiErr.NO_MEM, 'malloc failed for a window');
    const m = s.host.memory;
    m.setI32(p + WinStruct.WORLD_ID, ctx);
    m.setI32(p + WinStruct.RANK, c.rank);
    m.setI32(p + WinStruct.SIZE, size);
    m.setU32(p + WinStruct.BASE, base >>> 0);
    m.setI32(p + WinStruct.DISP_UNIT, dispUnit);
    m.setI32(p + WinStruct.FLAVOR, MPI_WIN_FLAVOR_CREATE);
    m.setI32(p + WinStruct.MODEL, MPI_WIN_SEPARATE);
    s.windows.set(p, {
      ptr: p,
      comm: c,
      ctx,
      base: base >>> 0,
      size,
      dispUnit,
      sizes: all.map((d) => d.getInt32(0, true)),
      dispUnits: all.map((d) => d.getInt32(4, true)),
      puts: [],
      gets: [],
    });
    m.setU32(out, p);
    return 0;
  });
}

interface Access {
  w: Window;
  target: number;
  offset: number;
  bytes: number;
}

/** Validates an RMA access: matching type signatures (by size) and the target range. */
function access(s: MpiState, origin: number, on: number, otype: number, target: number, disp: number, tn: number, ttype: number, winPtr: number): Access | undefined {
  const w = windowAt(s, winPtr);
  const bytes = count(on, 'origin count') * commType(s, otype).size;
  const tbytes = count(tn, 'target count') * commType(s, ttype).size;
  check(bytes === tbytes, MpiErr.ARG, `origin (${bytes} bytes) and target (${tbytes} bytes) do not match`);
  rankIn(w.comm, target, MpiErr.RANK, MPI_PROC_NULL);
  buffer(s, origin, bytes, 'origin buffer');
  if (target === MPI_PROC_NULL) return undefined;
  const offset = disp * w.dispUnits[target]!;
  check(disp >= 0 && offset + bytes <= w.sizes[target]!, MpiErr.ARG, `target range [${offset}, ${offset + bytes}) is outside rank ${target}'s window of ${w.sizes[target]} bytes`);
  return { w, target, offset, bytes };
}

/** int MPI_Put(origin, origin_count, origin_type, target_rank, target_disp, target_count, target_type, win): done at the next fence. */
export function mpiPut(host: FaasletHost, origin: number, on: number, otype: number, target: number, disp: number, tn: number, ttype: number, winPtr: number): number {
  return mpiCall(host, 'MPI_Put', (s) => {
    const a = access(s, origin, on, otype, target, disp, tn, ttype, winPtr);
    if (a) a.w.puts.push({ target: a.target, offset: a.offset, data: s.host.memory.copy(origin, a.bytes) });
    return 0;
  });
}

/** int MPI_Get(origin, origin_count, origin_type, target_rank, target_disp, target_count, target_type, win): the origin buffer is filled by the next fence. */
export function mpiGet(host: FaasletHost, origin: number, on: number, otype: number, target: number, disp: number, tn: number, ttype: number, winPtr: number): number {
  return mpiCall(host, 'MPI_Get', (s) => {
    const a = access(s, origin, on, otype, target, disp, tn, ttype, winPtr);
    if (a) a.w.gets.push({ target: a.target, offset: a.offset, len: a.bytes, origin: origin >>> 0 });
    return 0;
  });
}

function encodeRequests(w: Window, target: number): Uint8Array {
  const puts = w.puts.filter((p) => p.target === target);
  const gets = w.gets.filter((g) => g.target === target);
  const size = 8 + puts.reduce((n, p) => n + 8 + p.data.length, 0) + gets.length * 8;
  const out = new Uint8Array(size);
  const v = new DataView(out.buffer);
  v.setUint32(0, puts.length, true);
  v.setUint32(4, gets.length, true);
  let at = 8;
  for (const p of puts) {
    v.setUint32(at, p.offset, true);
    v.setUint32(at + 4, p.data.length, true);
    out.set(p.data, at + 8);
    at += 8 + p.data.length;
  }
  for (const g of gets) {
    v.setUint32(at, g.offset, true);
    v.setUint32(at + 4, g.len, true);
    at += 8;
  }
  return out;
}

/** Applies a peer's puts to our window and returns the bytes its gets asked for. */
function serve(s: MpiState, w: Window, msg: Uint8Array): Uint8Array {
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const nPuts = v.getUint32(0, true);
  const nGets = v.getUint32(4, true);
  let at = 8;
  for (let i = 0; i < nPuts; i++) {
    const offset = v.getUint32(at, true);
    const len = v.getUint32(at + 4, true);
    check(offset + len <= w.size, MpiErr.INTERN, 'a put outside the window arrived');
    s.host.memory.write(w.base + offset, msg.subarray(at + 8, at + 8 + len));
    at += 8 + len;
  }
  const reads: Uint8Array[] = [];
  for (let i = 0; i < nGets; i++) {
    const offset = v.getUint32(at, true);
    const len = v.getUint32(at + 4, true);
    check(offset + len <= w.size, MpiErr.INTERN, 'a get outside the window arrived');
    reads.push(s.host.memory.copy(w.base + offset, len));
    at += 8;
  }
  const reply = new Uint8Array(reads.reduce((n, r) => n + r.length, 0));
  let o = 0;
  for (const r of reads) {
    reply.set(r, o);
    o += r.length;
  }
  return reply;
}

/** Ends an access/exposure epoch: every queued Put and Get of every member completes. */
function fence(s: MpiState, w: Window): void {
  const e = engineOf(s);
  const c = windowComm(w);
  const peers = Array.from({ length: c.size }, (_, i) => i).filter((i) => i !== c.rank);
  // Phase 1: exchange requests; our own (self-targeted) ones are served directly.
  const reqRecvs = new Map<number, RecvOp>(peers.map((p) => [p, alg.recv(e, c, p, CollTag.FENCE, undefined, -1)]));
  const sends: SendOp[] = peers.map((p) => alg.send(e, c, p, CollTag.FENCE, { host: encodeRequests(w, p) }));
  const selfReply = serve(s, w, encodeRequests(w, c.rank));
  alg.waitAll(e, [...reqRecvs.values(), ...sends]);
  // Phase 2: answer the gets and collect the answers to ours.
  const replyRecvs = new Map<number, RecvOp>(peers.map((p) => [p, alg.recv(e, c, p, CollTag.FENCE_REPLY, undefined, -1)]));
  const replies = peers.map((p) => alg.send(e, c, p, CollTag.FENCE_REPLY, { host: serve(s, w, reqRecvs.get(p)!.result!) }));
  alg.waitAll(e, [...replyRecvs.values(), ...replies]);
  const answers = new Map<number, { data: Uint8Array; at: number }>(peers.map((p) => [p, { data: replyRecvs.get(p)!.result!, at: 0 }]));
  answers.set(c.rank, { data: selfReply, at: 0 });
  for (const g of w.gets) {
    const a = answers.get(g.target)!;
    if (a.at + g.len > a.data.length) throw new MpiError(MpiErr.INTERN, 'short RMA get reply');
    s.host.memory.write(g.origin, a.data.subarray(a.at, a.at + g.len));
    a.at += g.len;
  }
  w.puts = [];
  w.gets = [];
}

/** int MPI_Win_fence(int assert, MPI_Win win): collective over the window's group. */
export function mpiWinFence(host: FaasletHost, _assert: number, winPtr: number): number {
  return mpiCall(host, 'MPI_Win_fence', (s) => {
    fence(s, windowAt(s, winPtr));
    return 0;
  });
}

/** int MPI_Win_free(MPI_Win* win): collective; completes pending operations, *win becomes MPI_WIN_NULL (0). */
export function mpiWinFree(host: FaasletHost, winPtrPtr: number): number {
  return mpiCall(host, 'MPI_Win_free', (s) => {
    const ptr = s.host.memory.u32(winPtrPtr);
    const w = windowAt(s, ptr);
    fence(s, w);
    s.windows.delete(ptr);
    s.host.exports.free(ptr);
    s.host.memory.setU32(winPtrPtr, 0);
    return 0;
  });
}

/**
 * int MPI_Win_get_attr(MPI_Win win, int key, void* value, int* flag): for MPI_WIN_BASE
 * *value is the base address; for SIZE, DISP_UNIT, CREATE_FLAVOR and MODEL it is a
 * pointer to the value (cells in the window struct), as C bindings require (§12.2.6).
 */
export function mpiWinGetAttr(host: FaasletHost, winPtr: number, key: number, valuePtr: number, flagPtr: number): number {
  return mpiCall(host, 'MPI_Win_get_attr', (s) => {
    const w = windowAt(s, winPtr);
    s.host.memory.check(flagPtr, 4);
    const cells: Record<number, number> = {
      [WinAttr.SIZE]: w.ptr + WinStruct.SIZE,
      [WinAttr.DISP_UNIT]: w.ptr + WinStruct.DISP_UNIT,
      [WinAttr.CREATE_FLAVOR]: w.ptr + WinStruct.FLAVOR,
      [WinAttr.MODEL]: w.ptr + WinStruct.MODEL,
    };
    if (key === WinAttr.BASE) {
      s.host.memory.setU32(valuePtr, w.base);
    } else if (cells[key] !== undefined) {
      s.host.memory.setU32(valuePtr, cells[key]!);
    } else {
      s.host.memory.setI32(flagPtr, 0);
      return 0;
    }
    s.host.memory.setI32(flagPtr, 1);
    return 0;
  });
}
