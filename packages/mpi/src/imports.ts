import { fn, importTable, type FaasletHost } from '@faasm/abi';
import * as coll from './coll.js';
import * as comm from './comm.js';
import * as p2p from './p2p.js';
import * as rma from './rma.js';
import * as types from './types.js';

const i = 'i32' as const;

/** The 55 MPI imports of Faasm's interface (shared/spec/imports.tsv, package mpi). */
export const table = importTable<FaasletHost>('@faasm/mpi', {
  env: {
    MPI_Abort: fn([i, i], i, comm.mpiAbort),
    MPI_Allgather: fn([i, i, i, i, i, i, i], i, coll.mpiAllgather),
    MPI_Allgatherv: fn([i, i, i, i, i, i, i, i], i, coll.mpiAllgatherv),
    MPI_Alloc_mem: fn([i, i, i], i, types.mpiAllocMem),
    MPI_Allreduce: fn([i, i, i, i, i, i], i, coll.mpiAllreduce),
    MPI_Alltoall: fn([i, i, i, i, i, i, i], i, coll.mpiAlltoall),
    MPI_Alltoallv: fn([i, i, i, i, i, i, i, i, i], i, coll.mpiAlltoallv),
    MPI_Barrier: fn([i], i, coll.mpiBarrier),
    MPI_Bcast: fn([i, i, i, i, i], i, coll.mpiBcast),
    MPI_Cart_create: fn([i, i, i, i, i, i], i, comm.mpiCartCreate),
    MPI_Cart_get: fn([i, i, i, i, i], i, comm.mpiCartGet),
    MPI_Cart_rank: fn([i, i, i], i, comm.mpiCartRank),
    MPI_Cart_shift: fn([i, i, i, i, i], i, comm.mpiCartShift),
    MPI_Comm_c2f: fn([i], i, comm.mpiCommC2f),
    MPI_Comm_dup: fn([i, i], i, comm.mpiCommDup),
    MPI_Comm_f2c: fn([i], i, comm.mpiCommF2c),
    MPI_Comm_free: fn([i], i, comm.mpiCommFree),
    MPI_Comm_rank: fn([i, i], i, comm.mpiCommRank),
    MPI_Comm_size: fn([i, i], i, comm.mpiCommSize),
    MPI_Comm_split: fn([i, i, i, i], i, comm.mpiCommSplit),
    MPI_Finalize: fn([], i, comm.mpiFinalize),
    MPI_Free_mem: fn([i], i, types.mpiFreeMem),
    MPI_Gather: fn([i, i, i, i, i, i, i, i], i, coll.mpiGather),
    MPI_Get: fn([i, i, i, i, i, i, i, i], i, rma.mpiGet),
    MPI_Get_count: fn([i, i, i], i, p2p.mpiGetCount),
    MPI_Get_processor_name: fn([i, i], i, comm.mpiGetProcessorName),
    MPI_Get_version: fn([i, i], i, comm.mpiGetVersion),
    MPI_Init: fn([i, i], i, comm.mpiInit),
    MPI_Irecv: fn([i, i, i, i, i, i, i], i, p2p.mpiIrecv),
    MPI_Isend: fn([i, i, i, i, i, i, i], i, p2p.mpiIsend),
    MPI_Op_create: fn([i, i, i], i, types.mpiOpCreate),
    MPI_Op_free: fn([i], i, types.mpiOpFree),
    MPI_Probe: fn([i, i, i, i], i, p2p.mpiProbe),
    MPI_Put: fn([i, i, i, i, i, i, i, i], i, rma.mpiPut),
    MPI_Recv: fn([i, i, i, i, i, i, i], i, p2p.mpiRecv),
    MPI_Reduce: fn([i, i, i, i, i, i, i], i, coll.mpiReduce),
    MPI_Reduce_scatter: fn([i, i, i, i, i, i], i, coll.mpiReduceScatter),
    MPI_Request_free: fn([i], i, p2p.mpiRequestFree),
    MPI_Rsend: fn([i, i, i, i, i, i], i, p2p.mpiRsend),
    MPI_Scan: fn([i, i, i, i, i, i], i, coll.mpiScan),
    MPI_Scatter: fn([i, i, i, i, i, i, i, i], i, coll.mpiScatter),
    MPI_Send: fn([i, i, i, i, i, i], i, p2p.mpiSend),
    MPI_Sendrecv: fn([i, i, i, i, i, i, i, i, i, i, i, i], i, p2p.mpiSendrecv),
    MPI_Type_commit: fn([i], i, types.mpiTypeCommit),
    MPI_Type_contiguous: fn([i, i, i], i, types.mpiTypeContiguous),
    MPI_Type_free: fn([i], i, types.mpiTypeFree),
    MPI_Type_size: fn([i, i], i, types.mpiTypeSize),
    MPI_Wait: fn([i, i], i, p2p.mpiWait),
    MPI_Waitall: fn([i, i, i], i, p2p.mpiWaitall),
    MPI_Waitany: fn([i, i, i, i], i, p2p.mpiWaitany),
    MPI_Win_create: fn([i, i, i, i, i, i], i, rma.mpiWinCreate),
    MPI_Win_fence: fn([i, i], i, rma.mpiWinFence),
    MPI_Win_free: fn([i], i, rma.mpiWinFree),
    MPI_Win_get_attr: fn([i, i, i, i], i, rma.mpiWinGetAttr),
    MPI_Wtime: fn([], 'f64', comm.mpiWtime),
  },
});
