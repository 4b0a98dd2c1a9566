import type { FaasletHost } from '@faasm/abi';
import * as alg from './collectives.js';
import { CollTag } from './collectives.js';
import { Slot, type RecvOp, type SendOp } from './engine.js';
import { MpiErr, MpiError, check } from './errors.js';
import { buffer, comm, commType, count, engineOf, mpiCall, rankIn, reduction } from './guest.js';
import { MPI_IN_PLACE } from './layout.js';
import type { Comm, MpiState } from './state.js';

/** Collective communication handlers (MPI 4.x chapter 6). MPI_IN_PLACE where §6 allows it. */

function inPlace(ptr: number): boolean {
  return ptr === MPI_IN_PLACE;
}

function waitChecked(s: MpiState, ops: readonly (SendOp | RecvOp)[], what: string): void {
  alg.waitAll(engineOf(s), ops);
  for (const o of ops) if (o.kind === 'recv' && o.status.error !== 0) throw new MpiError(o.status.error, `${what}: a rank sent more data than the receive buffer holds`);
}

/** Bytes of `n` items of the datatype at `type`, validated. */
function bytesOf(s: MpiState, n: number, type: number, what: string): number {
  return count(n, what) * commType(s, type).size;
}

/** int MPI_Barrier(MPI_Comm comm) */
export function mpiBarrier(host: FaasletHost, commPtr: number): number {
  return mpiCall(host, 'MPI_Barrier', (s) => {
    alg.barrier(engineOf(s), comm(s, commPtr));
    return 0;
  });
}

/** int MPI_Bcast(void* buffer, int count, MPI_Datatype type, int root, MPI_Comm comm) */
export function mpiBcast(host: FaasletHost, buf: number, n: number, type: number, root: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Bcast', (s) => {
    const c = comm(s, commPtr);
    rankIn(c, root, MpiErr.ROOT);
    const bytes = bytesOf(s, n, type, 'count');
    buffer(s, buf, bytes);
    alg.bcast(engineOf(s), c, { guest: buf >>> 0, len: bytes }, bytes, root);
    return 0;
  });
}

/** int MPI_Scatter(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm): send arguments count at the root only. */
export function mpiScatter(host: FaasletHost, sbuf: number, sn: number, stype: number, rbuf: number, rn: number, rtype: number, root: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Scatter', (s) => {
    const c = comm(s, commPtr);
    rankIn(c, root, MpiErr.ROOT);
    const e = engineOf(s);
    const placed = c.rank === root && inPlace(rbuf);
    const rb = placed ? 0 : bytesOf(s, rn, rtype, 'recvcount');
    if (!placed) buffer(s, rbuf, rb, 'recvbuf');
    if (c.rank !== root) {
      waitChecked(s, [alg.recv(e, c, root, CollTag.SCATTER, { guest: rbuf >>> 0, len: rb }, rb)], 'MPI_Scatter');
      return 0;
    }
    const sb = bytesOf(s, sn, stype, 'sendcount');
    buffer(s, sbuf, sb * c.size, 'sendbuf');
    check(placed || sb === rb, MpiErr.TRUNCATE, `root sends ${sb} bytes per rank but receives ${rb}`);
    const ops: SendOp[] = [];
    for (let i = 1; i < c.size; i++) {
      const to = (root + i) % c.size;
      ops.push(alg.send(e, c, to, CollTag.SCATTER, { guest: (sbuf >>> 0) + to * sb, len: sb }));
    }
    if (!placed) s.host.memory.move(rbuf, (sbuf >>> 0) + root * sb, sb);
    alg.waitAll(e, ops);
    return 0;
  });
}

/** int MPI_Gather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, root, comm): receive arguments count at the root only. */
export function mpiGather(host: FaasletHost, sbuf: number, sn: number, stype: number, rbuf: number, rn: number, rtype: number, root: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Gather', (s) => {
    const c = comm(s, commPtr);
    rankIn(c, root, MpiErr.ROOT);
    const e = engineOf(s);
    const placed = c.rank === root && inPlace(sbuf);
    const sb = placed ? 0 : bytesOf(s, sn, stype, 'sendcount');
    if (!placed) buffer(s, sbuf, sb, 'sendbuf');
    if (c.rank !== root) {
      alg.waitAll(e, [alg.send(e, c, root, CollTag.GATHER, { guest: sbuf >>> 0, len: sb })]);
      return 0;
    }
    const rb = bytesOf(s, rn, rtype, 'recvcount');
    buffer(s, rbuf, rb * c.size, 'recvbuf');
    check(placed || sb === rb, MpiErr.TRUNCATE, `root sends ${sb} bytes but receives ${rb} per rank`);
    const ops: RecvOp[] = [];
    for (let i = 0; i < c.size; i++) if (i !== root) ops.push(alg.recv(e, c, i, CollTag.GATHER, { guest: (rbuf >>> 0) + i * rb, len: rb }, rb));
    if (!placed) s.host.memory.move((rbuf >>> 0) + root * rb, sbuf, sb);
    waitChecked(s, ops, 'MPI_Gather');
    return 0;
  });
}

function allgatherCommon(s: MpiState, c: Comm, sbuf: number, sn: number, stype: number, rbuf: number, rtype: number, sizes: number[], displs: number[]): void {
  const rsize = commType(s, rtype).size;
  const total = sizes.reduce((m, n, i) => Math.max(m, (displs[i]! + n) * rsize), 0);
  buffer(s, rbuf, total, 'recvbuf');
  const base = rbuf >>> 0;
  if (!inPlace(sbuf)) {
    const sb = bytesOf(s, sn, stype, 'sendcount');
    buffer(s, sbuf, sb, 'sendbuf');
    check(sb === sizes[c.rank]! * rsize, MpiErr.TRUNCATE, `rank sends ${sb} bytes but its block holds ${sizes[c.rank]! * rsize}`);
    s.host.memory.move(base + displs[c.rank]! * rsize, sbuf, sb);
  }
  alg.allgatherv(engineOf(s), c, (i) => ({ guest: base + displs[i]! * rsize, len: sizes[i]! * rsize }), sizes.map((n) => n * rsize));
}

/** int MPI_Allgather(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm): ring allgather. */
export function mpiAllgather(host: FaasletHost, sbuf: number, sn: number, stype: number, rbuf: number, rn: number, rtype: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Allgather', (s) => {
    const c = comm(s, commPtr);
    count(rn, 'recvcount');
    allgatherCommon(s, c, sbuf, sn, stype, rbuf, rtype, Array(c.size).fill(rn) as number[], Array.from({ length: c.size }, (_, i) => i * rn));
    return 0;
  });
}

function intArray(s: MpiState, ptr: number, n: number, what: string): number[] {
  let values: number[];
  try {
    s.host.memory.check(ptr, n * 4);
    values = Array.from({ length: n }, (_, i) => s.host.memory.i32(ptr + i * 4));
  } catch {
    throw new MpiError(MpiErr.ARG, `${what} array 0x${(ptr >>> 0).toString(16)} is outside guest memory`);
  }
  for (const v of values) count(v, what);
  return values;
}

/** int MPI_Allgatherv(sendbuf, sendcount, sendtype, recvbuf, const int recvcounts[], const int displs[], recvtype, comm) */
export function mpiAllgatherv(host: FaasletHost, sbuf: number, sn: number, stype: number, rbuf: number, rcounts: number, displs: number, rtype: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Allgatherv', (s) => {
    const c = comm(s, commPtr);
    allgatherCommon(s, c, sbuf, sn, stype, rbuf, rtype, intArray(s, rcounts, c.size, 'recvcounts'), intArray(s, displs, c.size, 'displs'));
    return 0;
  });
}

/** The contribution of this rank as a host copy (from recvbuf when MPI_IN_PLACE), in the DATA scratch slot. */
function contribution(s: MpiState, sbuf: number, rbuf: number, bytes: number): Uint8Array {
  const src = inPlace(sbuf) ? rbuf : sbuf;
  buffer(s, src, bytes, inPlace(sbuf) ? 'recvbuf' : 'sendbuf');
  const data = engineOf(s).scratch(Slot.DATA, bytes);
  data.set(s.host.memory.bytes(src, bytes));
  return data;
}

/** int MPI_Reduce(sendbuf, recvbuf, count, type, op, root, comm) */
export function mpiReduce(host: FaasletHost, sbuf: number, rbuf: number, n: number, type: number, op: number, root: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Reduce', (s) => {
    const c = comm(s, commPtr);
    rankIn(c, root, MpiErr.ROOT);
    const t = commType(s, type);
    const red = reduction(s, op, t);
    const bytes = count(n) * t.size;
    check(!inPlace(sbuf) || c.rank === root, MpiErr.BUFFER, 'MPI_IN_PLACE is only allowed at the root');
    if (c.rank === root) buffer(s, rbuf, bytes, 'recvbuf');
    const result = alg.reduce(engineOf(s), c, contribution(s, sbuf, rbuf, bytes), n, red.combine, root);
    if (result) s.host.memory.write(rbuf, result);
    return 0;
  });
}

/** int MPI_Allreduce(sendbuf, recvbuf, count, type, op, comm): recursive doubling, or ring for large buffers. */
export function mpiAllreduce(host: FaasletHost, sbuf: number, rbuf: number, n: number, type: number, op: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Allreduce', (s) => {
    const c = comm(s, commPtr);
    const t = commType(s, type);
    const red = reduction(s, op, t);
    const bytes = count(n) * t.size;
    buffer(s, rbuf, bytes, 'recvbuf');
    if (red.predefined && alg.ringAllreduces(c, bytes, n, red.commute)) {
      // Large buffers, predefined op: the ring works in guest memory itself (no staging
      // copies; a predefined op never calls into the guest, so the views stay valid).
      if (!inPlace(sbuf)) buffer(s, sbuf, bytes, 'sendbuf');
      const output = s.host.memory.bytes(rbuf, bytes);
      const input = inPlace(sbuf) ? output : s.host.memory.bytes(sbuf, bytes);
      alg.ringAllreduce(engineOf(s), c, input, output, n, t.size, red.inGuest);
      return 0;
    }
    const data = contribution(s, sbuf, rbuf, bytes);
    alg.allreduce(engineOf(s), c, data, n, t.size, red.combine, red.commute);
    s.host.memory.write(rbuf, data);
    return 0;
  });
}

/** int MPI_Reduce_scatter(sendbuf, recvbuf, const int recvcounts[], type, op, comm) */
export function mpiReduceScatter(host: FaasletHost, sbuf: number, rbuf: number, rcounts: number, type: number, op: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Reduce_scatter', (s) => {
    const c = comm(s, commPtr);
    const t = commType(s, type);
    const red = reduction(s, op, t);
    const counts = intArray(s, rcounts, c.size, 'recvcounts');
    const total = counts.reduce((a, b) => a + b, 0);
    const offset = counts.slice(0, c.rank).reduce((a, b) => a + b, 0) * t.size;
    const mine = counts[c.rank]! * t.size;
    buffer(s, rbuf, inPlace(sbuf) ? total * t.size : mine, 'recvbuf');
    const data = contribution(s, sbuf, rbuf, total * t.size);
    alg.allreduce(engineOf(s), c, data, total, t.size, red.combine, red.commute);
    s.host.memory.write(rbuf, data.subarray(offset, offset + mine));
    return 0;
  });
}

/** int MPI_Scan(sendbuf, recvbuf, count, type, op, comm): inclusive prefix reduction. */
export function mpiScan(host: FaasletHost, sbuf: number, rbuf: number, n: number, type: number, op: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Scan', (s) => {
    const c = comm(s, commPtr);
    const t = commType(s, type);
    const red = reduction(s, op, t);
    const bytes = count(n) * t.size;
    buffer(s, rbuf, bytes, 'recvbuf');
    s.host.memory.write(rbuf, alg.scan(engineOf(s), c, contribution(s, sbuf, rbuf, bytes), n, red.combine));
    return 0;
  });
}

/** Pairwise exchange: block i of the send side goes to rank i. */
function alltoallCommon(s: MpiState, c: Comm, sbuf: number, sizes: number[], sdispl: number[], rbuf: number, rsizes: number[], rdispl: number[]): void {
  const e = engineOf(s);
  const rEnd = rsizes.reduce((m, n, i) => Math.max(m, rdispl[i]! + n), 0);
  buffer(s, rbuf, rEnd, 'recvbuf');
  const r0 = rbuf >>> 0;
  let source: (i: number) => { guest: number; len: number } | { host: Uint8Array };
  if (inPlace(sbuf)) {
    const copy = e.scratch(Slot.COPY, rEnd);
    copy.set(s.host.memory.bytes(r0, rEnd));
    source = (i) => ({ host: copy.subarray(rdispl[i]!, rdispl[i]! + rsizes[i]!) });
    sizes = rsizes;
  } else {
    buffer(s, sbuf, sizes.reduce((m, n, i) => Math.max(m, sdispl[i]! + n), 0), 'sendbuf');
    source = (i) => ({ guest: (sbuf >>> 0) + sdispl[i]!, len: sizes[i]! });
  }
  const ops: (SendOp | RecvOp)[] = [];
  const n = c.size;
  for (let k = 1; k < n; k++) {
    const from = (c.rank - k + n) % n;
    ops.push(alg.recv(e, c, from, CollTag.ALLTOALL, { guest: r0 + rdispl[from]!, len: rsizes[from]! }, rsizes[from]!));
  }
  for (let k = 1; k < n; k++) ops.push(alg.send(e, c, (c.rank + k) % n, CollTag.ALLTOALL, source((c.rank + k) % n)));
  const self = source(c.rank);
  check(sizes[c.rank] === rsizes[c.rank], MpiErr.TRUNCATE, `rank sends itself ${sizes[c.rank]} bytes but receives ${rsizes[c.rank]}`);
  if ('host' in self) s.host.memory.write(r0 + rdispl[c.rank]!, self.host);
  else s.host.memory.move(r0 + rdispl[c.rank]!, self.guest, self.len);
  waitChecked(s, ops, 'MPI_Alltoall');
}

/** int MPI_Alltoall(sendbuf, sendcount, sendtype, recvbuf, recvcount, recvtype, comm) */
export function mpiAlltoall(host: FaasletHost, sbuf: number, sn: number, stype: number, rbuf: number, rn: number, rtype: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Alltoall', (s) => {
    const c = comm(s, commPtr);
    const rb = bytesOf(s, rn, rtype, 'recvcount');
    const sb = inPlace(sbuf) ? rb : bytesOf(s, sn, stype, 'sendcount');
    const idx = Array.from({ length: c.size }, (_, i) => i);
    alltoallCommon(s, c, sbuf, idx.map(() => sb), idx.map((i) => i * sb), rbuf, idx.map(() => rb), idx.map((i) => i * rb));
    return 0;
  });
}

/** int MPI_Alltoallv(sendbuf, sendcounts[], sdispls[], sendtype, recvbuf, recvcounts[], rdispls[], recvtype, comm) */
export function mpiAlltoallv(host: FaasletHost, sbuf: number, scounts: number, sdispls: number, stype: number, rbuf: number, rcounts: number, rdispls: number, rtype: number, commPtr: number): number {
  return mpiCall(host, 'MPI_Alltoallv', (s) => {
    const c = comm(s, commPtr);
    const rsize = commType(s, rtype).size;
    const rc = intArray(s, rcounts, c.size, 'recvcounts').map((n) => n * rsize);
    const rd = intArray(s, rdispls, c.size, 'rdispls').map((n) => n * rsize);
    if (inPlace(sbuf)) {
      alltoallCommon(s, c, sbuf, rc, rd, rbuf, rc, rd);
    } else {
      const ssize = commType(s, stype).size;
      const sc = intArray(s, scounts, c.size, 'sendcounts').map((n) => n * ssize);
      const sd = intArray(s, sdispls, c.size, 'sdispls').map((n) => n * ssize);
      alltoallCommon(s, c, sbuf, sc, sd, rbuf, rc, rd);
    }
    return 0;
  });
}
