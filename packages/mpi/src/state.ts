import { ServiceKey, type FaasletHost } from '@faasm/abi';
import { nativeSyscalls } from '@faasm/native';
import type { Worker } from 'node:worker_threads';
import type { Engine, RecvOp, SendOp } from './engine.js';
import type { Kind } from './layout.js';
import type { Combine, Reduction } from './reduce.js';
import type { SimdKernels } from './simd.js';
import type { ShmWorld } from './shm.js';

/** Options of `link(importObject, host, options)` (compose key '@faasm/mpi'). */
export interface MpiOptions {
  /** Ranks in the world rank 0's MPI_Init starts (Faasm's default: 5). */
  worldSize?: number;
  /** MPI_ERRORS_ARE_FATAL (default, as the standard) or MPI_ERRORS_RETURN. */
  errors?: 'fatal' | 'return';
  /** Bytes per ring between two ranks (power of two; default sized by world size). */
  ringBytes?: number;
  /** How long a blocked call spins before it sleeps (default 100 µs, 2 µs when ranks outnumber cores; adaptive below that). */
  spinMicros?: number;
  /**
   * 'cores': bind each rank's thread to one CPU of those the process may use (rank r
   * to the r-th), from MPI_Init to MPI_Finalize, when the world has no more ranks than
   * those CPUs and @faasm/native is available (like mpiexec -bind-to core). 'none'
   * (default, as MPICH's mpiexec): the kernel places the threads.
   */
  bindRanks?: 'none' | 'cores';
  /** After rank 0 ends, how long close() waits for the other ranks (default 10 s). */
  closeTimeoutMs?: number;
  /** Internal: set by the rank worker for ranks 1..N-1. */
  join?: { sab: SharedArrayBuffer; rank: number };
}

/**
 * What rank 0's MPI_Init needs to start ranks 1..N-1 as Faaslets of the same module:
 * the runtime provides it on the host before `_start`.
 */
export interface MpiWorldSource {
  module: WebAssembly.Module;
  /** Per-package options for `compose` (the same as rank 0's). */
  packageOptions: Record<string, unknown>;
  /** Interface packages to load in the rank workers (module specifiers; default @faasm/abi's DEFAULT_PACKAGES). */
  packages?: readonly string[];
}

export const MPI_WORLD_SOURCE = new ServiceKey<MpiWorldSource>('mpi.worldSource');

/** The outcome of a world once every rank has ended. */
export interface MpiWorldResult {
  ok: boolean;
  /** The first failure: which rank, its code and a message naming it. */
  error?: { rank: number; code: number; message: string };
}

/**
 * Rank 0's handle on its world (provided by `link`): after rank 0's `_start` ends, the
 * runtime awaits `close` when `active`.
 */
export interface MpiWorldHandle {
  /** A world was started by this call's MPI_Init and is not closed yet. */
  readonly active: boolean;
  /** Ranks in the active world (0 if none). */
  readonly size: number;
  /**
   * Rank 0 ended with `exitCode` (undefined: it trapped, with `reason`). Aborts the
   * world if rank 0 failed, waits for every rank, terminates stragglers, and returns
   * the first failure. Without an active world: `{ ok: true }`.
   */
  close(exitCode: number | undefined, reason?: string): Promise<MpiWorldResult>;
}

export const MPI_WORLD = new ServiceKey<MpiWorldHandle>('mpi.world');

/** A communicator as this rank sees it. */
export interface Comm {
  /** Context id: the guest struct's id and the key messages match on. */
  readonly ctx: number;
  /** World rank of each member, by rank in this communicator. */
  readonly group: readonly number[];
  /** This rank's rank in the communicator. */
  readonly rank: number;
  readonly size: number;
  readonly cart?: { dims: number[]; periods: boolean[] };
  /** The guest struct the host allocated (freed by MPI_Comm_free). */
  readonly allocated?: number;
}

/** A resolved datatype: bytes per item, and its predefined base for reductions. */
export interface Datatype {
  readonly id: number;
  readonly ptr: number;
  readonly size: number;
  readonly name: string;
  /** Kind of the base type, and base elements per item (1 for predefined types). */
  readonly kind: Kind;
  readonly elems: number;
}

export interface DerivedType {
  readonly baseKind: Kind;
  readonly elems: number;
  readonly size: number;
  committed: boolean;
}

export interface UserOp {
  readonly fn: number;
  readonly commute: boolean;
}

export interface Request {
  readonly op: SendOp | RecvOp;
  /** Comm for translating the status source to a comm rank. */
  readonly comm: Comm;
  /** Receives from MPI_PROC_NULL complete at once. */
  readonly procNull?: boolean;
}

export interface Window {
  readonly ptr: number;
  readonly comm: Comm;
  readonly ctx: number;
  readonly base: number;
  readonly size: number;
  readonly dispUnit: number;
  /** Size and disp unit of every member, by comm rank. */
  readonly sizes: number[];
  readonly dispUnits: number[];
  /** RMA operations of the current epoch, per target comm rank. */
  puts: { target: number; offset: number; data: Uint8Array }[];
  gets: { target: number; offset: number; len: number; origin: number }[];
}

/** Per-Faaslet MPI state. Nothing lives at module level. */
export class MpiState {
  initialized = false;
  finalized = false;
  rank = 0;
  size = 1;
  world: ShmWorld | undefined;
  engine: Engine | undefined;
  readonly comms = new Map<number, Comm>();
  readonly types = new Map<number, DerivedType>();
  readonly ops = new Map<number, UserOp>();
  readonly requests = new Map<number, Request>();
  readonly windows = new Map<number, Window>();
  /** Resolved predefined datatypes by id (for the guest struct last seen with that id). */
  readonly predefinedTypes: (Datatype | undefined)[] = [];
  /** Predefined op × predefined type reductions, by op id · 32 + type id. */
  readonly reductions: (Reduction | undefined)[] = [];
  /** SIMD reduction kernels over the guest memory they were made for (see guest.ts simdOf). */
  simd: { memory: WebAssembly.Memory; kernels: SimdKernels | undefined } | undefined;
  nextType = 0;
  nextOp = 0;
  nextRequest = 1;
  /** Guest addresses of predefined handles, learnt from __faasm_mpi_handles or from use. */
  readonly handles = { commWorld: 0, commNull: 0, typeNull: 0, opNull: 0 };
  /** The thread's CPU set before MPI_Init bound it (restored by MPI_Finalize or reset). */
  unboundCpus: readonly number[] | undefined;
  /** Rank 0 only: the workers running ranks 1..N-1. */
  workers: Worker[] = [];
  /** Rank 0 only: ends the world this call started. */
  closeWorld: ((exitCode: number | undefined, reason?: string) => Promise<MpiWorldResult>) | undefined;

  constructor(
    readonly host: FaasletHost,
    readonly options: MpiOptions,
  ) {}

  /** Forgets the previous call's world (a Faaslet is reset between calls). */
  reset(): void {
    this.initialized = false;
    this.finalized = false;
    this.rank = 0;
    this.size = 1;
    this.world = undefined;
    this.engine = undefined;
    this.comms.clear();
    this.types.clear();
    this.ops.clear();
    this.requests.clear();
    this.windows.clear();
    this.predefinedTypes.length = 0;
    this.reductions.length = 0;
    this.simd = undefined;
    unbindRank(this);
    this.nextType = 0;
    this.nextOp = 0;
    this.nextRequest = 1;
    this.handles.commWorld = this.handles.commNull = this.handles.typeNull = this.handles.opNull = 0;
    this.closeWorld = undefined;
  }
}

/** Binds this rank's thread to its CPU (see MpiOptions.bindRanks); a no-op when it does not apply. */
export function bindRank(s: MpiState): void {
  const native = s.options.bindRanks !== 'cores' || s.size < 2 ? undefined : nativeSyscalls();
  const cpus = native?.threadAffinity();
  if (!native || !Array.isArray(cpus) || s.size > cpus.length) return;
  if (native.setThreadAffinity([cpus[s.rank]!]) === 0) s.unboundCpus = cpus;
}

/** Gives the thread back the CPU set it had before bindRank. */
export function unbindRank(s: MpiState): void {
  const cpus = s.unboundCpus;
  if (!cpus) return;
  s.unboundCpus = undefined;
  nativeSyscalls()?.setThreadAffinity(cpus);
}

export const MPI_STATE = new ServiceKey<MpiState>('mpi.state');
