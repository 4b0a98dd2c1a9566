import type { FaasletHost } from '@faasm/abi';
import { p2pCtx } from './collectives.js';
import { SendOp, type RecvOp } from './engine.js';
import { MpiErr, MpiError, check } from './errors.js';
import { buffer, comm, commType, count, datatype, engineOf, mpiCall, mpiFailed, rankIn, ready, stateOf, writeStatus } from './guest.js';
import { MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_PROC_NULL, MPI_UNDEFINED, Status, TAG_UB } from './layout.js';
import type { Comm, MpiState, Request } from './state.js';

/** Point-to-point communication and requests (MPI 4.x chapter 3). */

function sendTag(tag: number): number {
  if (!(tag >= 0 && tag <= TAG_UB)) throw new MpiError(MpiErr.TAG, `tag ${tag} is not in 0..MPI_TAG_UB`);
  return tag;
}

function recvTag(tag: number): number {
  if (!((tag >= 0 && tag <= TAG_UB) || tag === MPI_ANY_TAG)) throw new MpiError(MpiErr.TAG, `tag ${tag} is not in 0..MPI_TAG_UB or MPI_ANY_TAG`);
  return tag;
}

interface P2p {
  c: Comm;
  bytes: number;
}

function p2pArgs(s: MpiState, buf: number, n: number, type: number, commPtr: number): P2p {
  const c = comm(s, commPtr);
  const t = commType(s, type);
  const bytes = count(n) * t.size;
  buffer(s, buf, bytes);
  return { c, bytes };
}

function startSend(s: MpiState, buf: number, n: number, type: number, dest: number, tag: number, commPtr: number): Request {
  const { c, bytes } = p2pArgs(s, buf, n, type, commPtr);
  rankIn(c, dest, MpiErr.RANK, MPI_PROC_NULL);
  sendTag(tag);
  const e = engineOf(s);
  if (dest === MPI_PROC_NULL) return { op: doneOp(e.rank), comm: c, procNull: true };
  return { op: e.sendGuest(c.group[dest]!, p2pCtx(c), tag, buf >>> 0, bytes), comm: c };
}

/** MPI_Recv: small messages are taken eagerly from the ring, without a request. */
function blockingRecv(s: MpiState, buf: number, n: number, type: number, source: number, tag: number, commPtr: number, statusPtr: number): number {
  if (statusPtr !== 0) s.host.memory.check(statusPtr, Status.SIZE);
  const c = comm(s, commPtr);
  const bytes = count(n) * commType(s, type).size;
  buffer(s, buf, bytes);
  rankIn(c, source, MpiErr.RANK, MPI_ANY_SOURCE, MPI_PROC_NULL);
  recvTag(tag);
  if (source === MPI_PROC_NULL) {
    writeStatus(s, statusPtr, MPI_PROC_NULL, MPI_ANY_TAG, 0, 0);
    return 0;
  }
  const st = engineOf(s).recvGuest(source === MPI_ANY_SOURCE ? MPI_ANY_SOURCE : c.group[source]!, p2pCtx(c), tag, buf >>> 0, bytes);
  writeStatus(s, statusPtr, source === MPI_ANY_SOURCE ? c.group.indexOf(st.source) : source, st.tag, st.error, st.bytes);
  return truncated(st.error, 'MPI_Recv');
}

/** A blocking send (MPI_Send, MPI_Rsend): small messages go eagerly, without a request. */
function blockingSend(s: MpiState, buf: number, n: number, type: number, dest: number, tag: number, commPtr: number): number {
  const c = comm(s, commPtr);
  const bytes = count(n) * commType(s, type).size;
  buffer(s, buf, bytes);
  rankIn(c, dest, MpiErr.RANK, MPI_PROC_NULL);
  sendTag(tag);
  if (dest === MPI_PROC_NULL) return 0;
  const e = engineOf(s);
  const op = e.sendGuest(c.group[dest]!, p2pCtx(c), tag, buf >>> 0, bytes);
  if (!op.done) e.waitFor(() => op.done);
  return 0;
}

function startRecv(s: MpiState, buf: number, n: number, type: number, source: number, tag: number, commPtr: number): Request {
  const { c, bytes } = p2pArgs(s, buf, n, type, commPtr);
  rankIn(c, source, MpiErr.RANK, MPI_ANY_SOURCE, MPI_PROC_NULL);
  recvTag(tag);
  const e = engineOf(s);
  if (source === MPI_PROC_NULL) return { op: doneOp(e.rank), comm: c, procNull: true };
  const src = source === MPI_ANY_SOURCE ? MPI_ANY_SOURCE : c.group[source]!;
  return { op: e.irecv(src, p2pCtx(c), tag, { guest: buf >>> 0, len: bytes }, bytes), comm: c };
}

/** A request that is complete at once (communication with MPI_PROC_NULL, MPI 4.x §3.11). */
function doneOp(rank: number): SendOp {
  const op = new SendOp(rank, 0, 0, { host: new Uint8Array(0) }, 0);
  op.done = true;
  return op;
}

function wait(s: MpiState, r: Request): void {
  engineOf(s).waitFor(() => r.op.done);
}

/** Writes the status of a completed request; returns its error code. */
function finishStatus(s: MpiState, r: Request, statusPtr: number): number {
  if (r.procNull) {
    writeStatus(s, statusPtr, MPI_PROC_NULL, MPI_ANY_TAG, 0, 0);
    return 0;
  }
  if (r.op.kind === 'send') {
    writeStatus(s, statusPtr, MPI_ANY_SOURCE, MPI_ANY_TAG, 0, 0);
    return 0;
  }
  const st = (r.op as RecvOp).status;
  const source = r.comm.group.indexOf(st.source);
  writeStatus(s, statusPtr, source, st.tag, st.error, st.bytes);
  return st.error;
}

function truncated(code: number, what: string): number {
  if (code !== 0) throw new MpiError(code, `${what}: the message is longer than the receive buffer`);
  return 0;
}

function newRequest(s: MpiState, r: Request, requestPtr: number): void {
  const id = s.nextRequest++;
  s.host.memory.setI32(requestPtr, id);
  s.requests.set(id, r);
}

function requestAt(s: MpiState, slot: number): { id: number; r: Request | undefined } {
  const id = s.host.memory.i32(slot);
  if (id === 0) return { id, r: undefined };
  const r = s.requests.get(id);
  check(r !== undefined, MpiErr.REQUEST, `invalid request (id ${id})`);
  return { id, r };
}

/** int MPI_Send(const void* buf, int count, MPI_Datatype type, int dest, int tag, MPI_Comm comm): returns once the message is buffered. */
export function mpiSend(host: FaasletHost, buf: number, n: number, type: number, dest: number, tag: number, commPtr: number): number {
  const s = stateOf(host);
  try {
    return blockingSend(ready(s), buf, n, type, dest, tag, commPtr);
  } catch (e) {
    return mpiFailed(host, s, 'MPI_Send', e);
  }
}

/** int MPI_Rsend(...): a ready send; as MPI_Send (the standard allows it, §3.4). */
export function mpiRsend(host: FaasletHost, buf: number, n: number, type: number, dest: number, tag: number, commPtr: number): number {
  const s = stateOf(host);
  try {
    return blockingSend(ready(s), buf, n, type, dest, tag, commPtr);
  } catch (e) {
    return mpiFailed(host, s, 'MPI_Rsend', e);
  }
}

/** int MPI_Isend(..., MPI_Request* request): writes the request id into *request. */
export function mpiIsend(host: FaasletHost, buf: number, n: number, type: number, dest: number, tag: number, commPtr: number, requestPtr: number): number {
  return mpiCall(host, 'MPI_Isend', (s) => {
    s.host.memory.check(requestPtr, 4);
    newRequest(s, startSend(s, buf, n, type, dest, tag, commPtr), requestPtr);
    return 0;
  });
}

/** int MPI_Recv(void* buf, int count, MPI_Datatype type, int source, int tag, MPI_Comm comm, MPI_Status* status) */
export function mpiRecv(host: FaasletHost, buf: number, n: number, type: number, source: number, tag: number, commPtr: number, statusPtr: number): number {
  const s = stateOf(host);
  try {
    return blockingRecv(ready(s), buf, n, type, source, tag, commPtr, statusPtr);
  } catch (e) {
    return mpiFailed(host, s, 'MPI_Recv', e);
  }
}

/** int MPI_Irecv(..., MPI_Request* request) */
export function mpiIrecv(host: FaasletHost, buf: number, n: number, type: number, source: number, tag: number, commPtr: number, requestPtr: number): number {
  return mpiCall(host, 'MPI_Irecv', (s) => {
    s.host.memory.check(requestPtr, 4);
    newRequest(s, startRecv(s, buf, n, type, source, tag, commPtr), requestPtr);
    return 0;
  });
}

/** int MPI_Sendrecv(sendbuf, sendcount, sendtype, dest, sendtag, recvbuf, recvcount, recvtype, source, recvtag, comm, status) */
export function mpiSendrecv(host: FaasletHost, sbuf: number, sn: number, stype: number, dest: number, stag: number, rbuf: number, rn: number, rtype: number, source: number, rtag: number, commPtr: number, statusPtr: number): number {
  return mpiCall(host, 'MPI_Sendrecv', (s) => {
    if (statusPtr !== 0) s.host.memory.check(statusPtr, Status.SIZE);
    const r = startRecv(s, rbuf, rn, rtype, source, rtag, commPtr);
    const w = startSend(s, sbuf, sn, stype, dest, stag, commPtr);
    engineOf(s).waitFor(() => r.op.done && w.op.done);
    return truncated(finishStatus(s, r, statusPtr), 'MPI_Sendrecv');
  });
}

/** int MPI_Probe(int source, int tag, MPI_Comm comm, MPI_Status* status): blocks until a matching message is there. */
export function mpiProbe(host: FaasletHost, source: number, tag: number, commPtr: number, statusPtr: number): number {
  return mpiCall(host, 'MPI_Probe', (s) => {
    const c = comm(s, commPtr);
    rankIn(c, source, MpiErr.RANK, MPI_ANY_SOURCE, MPI_PROC_NULL);
    recvTag(tag);
    if (statusPtr !== 0) s.host.memory.check(statusPtr, Status.SIZE);
    if (source === MPI_PROC_NULL) {
      writeStatus(s, statusPtr, MPI_PROC_NULL, MPI_ANY_TAG, 0, 0);
      return 0;
    }
    const st = engineOf(s).probe(source === MPI_ANY_SOURCE ? MPI_ANY_SOURCE : c.group[source]!, p2pCtx(c), tag);
    writeStatus(s, statusPtr, c.group.indexOf(st.source), st.tag, 0, st.bytes);
    return 0;
  });
}

/**
 * int MPI_Get_count(const MPI_Status* status, MPI_Datatype type, int* count). As Faasm:
 * a byte count that is not a multiple of the type size returns MPI_ERR_OTHER (and, as
 * the standard, *count = MPI_UNDEFINED); that error is returned, never fatal.
 */
export function mpiGetCount(host: FaasletHost, statusPtr: number, type: number, countPtr: number): number {
  return mpiCall(host, 'MPI_Get_count', (s) => {
    const bytes = s.host.memory.i32(statusPtr + Status.BYTES);
    const t = datatype(s, type);
    s.host.memory.check(countPtr, 4);
    if (t.size === 0 || bytes % t.size !== 0) {
      s.host.memory.setI32(countPtr, MPI_UNDEFINED);
      s.host.log.warn(`rank ${s.rank}: MPI_Get_count: ${bytes} bytes is not a whole number of ${t.name} (size ${t.size})`);
      return MpiErr.OTHER;
    }
    s.host.memory.setI32(countPtr, bytes / t.size);
    return 0;
  }, false);
}

/** int MPI_Wait(MPI_Request* request, MPI_Status* status): *request becomes MPI_REQUEST_NULL. */
export function mpiWait(host: FaasletHost, requestPtr: number, statusPtr: number): number {
  return mpiCall(host, 'MPI_Wait', (s) => {
    if (statusPtr !== 0) s.host.memory.check(statusPtr, Status.SIZE);
    const { id, r } = requestAt(s, requestPtr);
    if (!r) {
      writeStatus(s, statusPtr, MPI_ANY_SOURCE, MPI_ANY_TAG, 0, 0);
      return 0;
    }
    wait(s, r);
    s.requests.delete(id);
    s.host.memory.setI32(requestPtr, 0);
    return truncated(finishStatus(s, r, statusPtr), 'MPI_Wait');
  });
}

/** int MPI_Waitall(int count, MPI_Request requests[], MPI_Status statuses[]) */
export function mpiWaitall(host: FaasletHost, n: number, requests: number, statuses: number): number {
  return mpiCall(host, 'MPI_Waitall', (s) => {
    count(n);
    s.host.memory.check(requests, n * 4);
    if (statuses !== 0) s.host.memory.check(statuses, n * Status.SIZE);
    const reqs = Array.from({ length: n }, (_, i) => requestAt(s, requests + i * 4));
    engineOf(s).waitFor(() => reqs.every(({ r }) => !r || r.op.done));
    let error = 0;
    reqs.forEach(({ id, r }, i) => {
      const st = statuses === 0 ? 0 : statuses + i * Status.SIZE;
      if (!r) {
        writeStatus(s, st, MPI_ANY_SOURCE, MPI_ANY_TAG, 0, 0);
        return;
      }
      s.requests.delete(id);
      s.host.memory.setI32(requests + i * 4, 0);
      error ||= finishStatus(s, r, st);
    });
    return truncated(error, 'MPI_Waitall');
  });
}

/** int MPI_Waitany(int count, MPI_Request requests[], int* index, MPI_Status* status): *index = MPI_UNDEFINED if none is active. */
export function mpiWaitany(host: FaasletHost, n: number, requests: number, indexPtr: number, statusPtr: number): number {
  return mpiCall(host, 'MPI_Waitany', (s) => {
    count(n);
    s.host.memory.check(requests, n * 4);
    s.host.memory.check(indexPtr, 4);
    if (statusPtr !== 0) s.host.memory.check(statusPtr, Status.SIZE);
    const reqs = Array.from({ length: n }, (_, i) => requestAt(s, requests + i * 4));
    if (reqs.every(({ r }) => !r)) {
      s.host.memory.setI32(indexPtr, MPI_UNDEFINED);
      writeStatus(s, statusPtr, MPI_ANY_SOURCE, MPI_ANY_TAG, 0, 0);
      return 0;
    }
    let index = -1;
    engineOf(s).waitFor(() => (index = reqs.findIndex(({ r }) => r !== undefined && r.op.done)) >= 0);
    const { id, r } = reqs[index]!;
    s.requests.delete(id);
    s.host.memory.setI32(requests + index * 4, 0);
    s.host.memory.setI32(indexPtr, index);
    return truncated(finishStatus(s, r!, statusPtr), 'MPI_Waitany');
  });
}

/** int MPI_Request_free(MPI_Request* request): the operation still completes in the background. */
export function mpiRequestFree(host: FaasletHost, requestPtr: number): number {
  return mpiCall(host, 'MPI_Request_free', (s) => {
    const { id, r } = requestAt(s, requestPtr);
    check(r !== undefined, MpiErr.REQUEST, 'MPI_REQUEST_NULL cannot be freed');
    s.requests.delete(id);
    s.host.memory.setI32(requestPtr, 0);
    return 0;
  });
}

