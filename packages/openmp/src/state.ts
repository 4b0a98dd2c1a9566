import { availableParallelism } from 'node:os';
import { ServiceKey, lifecycleOf, type FaasletHost } from '@faasm/abi';
import { threadsOf, type ThreadRuntime } from '@faasm/threads';
import { parseProcBind, unbindCaller, type Placement } from './affinity.js';
import type { Invoker } from './invoke.js';
import type { SnapshotRegion } from './snapshot.js';

/** How a parallel region's threads run. */
export type RegionMode = 'serial' | 'team' | 'snapshot';

/** A dynamically scheduled loop in progress on this thread (kmp_dispatch's private info). */
export interface Loop {
  readonly id: number;
  readonly ring: number;
  readonly kind: 'static' | 'chunked' | 'dynamic' | 'guided';
  readonly ordered: boolean;
  readonly width: 4 | 8;
  readonly unsigned: boolean;
  readonly lb: bigint;
  readonly st: bigint;
  readonly trip: bigint;
  readonly chunk: bigint;
  /** Chunks this thread took (static kinds). */
  taken: number;
  /** Current iteration index (ordered loops). */
  iter: bigint;
  /** Last iteration of the current chunk. */
  chunkEnd: bigint;
  /** The iteration whose ordered region already ran. */
  orderedDone: bigint;
}

/** One level of parallel regions as this thread sees it. */
export interface Frame {
  readonly mode: RegionMode;
  /** Team block index (mode 'team'). */
  readonly team: number;
  readonly threadNum: number;
  readonly size: number;
  readonly level: number;
  readonly activeLevel: number;
  readonly parent: Frame | undefined;
  singles: number;
  loops: number;
  loop: Loop | undefined;
  /** Snapshot-mode region shared by its (sequential) threads. */
  readonly snapshot: SnapshotRegion | undefined;
}

/** A Frame whose fields a thread rewrites to reuse it (no allocation per region). */
export type ReusableFrame = { -readonly [K in keyof Frame]: Frame[K] };

/** Per-thread OpenMP state: the current frame and the ICVs (OpenMP 5.2 §2.4). */
export interface OmpThread {
  readonly runtime: ThreadRuntime;
  frame: Frame;
  /** nthreads-var. */
  nthreads: number;
  /** num_threads clause for the next fork (0 = none). */
  pushed: number;
  dynamic: boolean;
  maxActiveLevels: number;
  /** run-sched-var: omp_sched_t kind (1 static, 2 dynamic, 3 guided, 4 auto) and chunk. */
  schedKind: number;
  schedChunk: number;
  defaultDevice: number;
  /** gtid/btid cells of the main thread (malloc'd, with the heap epoch they belong to). */
  cells: number;
  cellsEpoch: number;
  /**
   * Reused frames: this thread's frame as thread 0 of a team it forks, and as a
   * worker's team member. Each is in use by one region at a time (a region inside an
   * active one is serialised and gets a frame of its own).
   */
  forkFrame: ReusableFrame;
  jobFrame: ReusableFrame;
  /** The region a fork's thread 0 runs (read by runMaster; no closure per fork). */
  forkCells: number;
  forkMicrotask: number;
  forkArgs: readonly number[];
  /** A worker's shared-variable list, refilled for each job. */
  jobArgs: number[];
  /** This thread's microtask trampoline (made on first use; undefined: no exported table). */
  invoker: Invoker | undefined;
  /** The last microtask index whose table entry was checked. */
  checkedMicrotask: number;
  /** KMP_BLOCKTIME / OMP_WAIT_POLICY in µs (0: not set). */
  blocktimeUs: number;
  /** bind-var: one omp_proc_bind_t per nesting level (OMP_PROC_BIND). */
  bind: readonly number[];
  /** proc_bind clause for the next fork (-1 = none). */
  pushedBind: number;
  /** The place this thread is bound to (-1: not bound) and its place partition. */
  place: number;
  partStart: number;
  partCount: number;
  /** The place list as this thread last read it (OMP_PLACES text and table generation). */
  places: readonly (readonly number[])[];
  placesText: string | undefined;
  placesGen: number;
  /** Scratch placements: thread 0's before a fork (restored at the join), a worker's team's. */
  forkSaved: Placement;
  teamFrom: Placement;
}

export const OMP = new ServiceKey<OmpThread>('@faasm/openmp thread');

export function initialFrame(): ReusableFrame {
  return { mode: 'serial', team: -1, threadNum: 0, size: 1, level: 0, activeLevel: 0, parent: undefined, singles: 0, loops: 0, loop: undefined, snapshot: undefined };
}

/** OMP_NUM_THREADS (first list item) from the function's own environment, else the cores. */
export function defaultThreads(env: Readonly<Record<string, string>>): number {
  const value = Number.parseInt((env['OMP_NUM_THREADS'] ?? '').split(',')[0] ?? '', 10);
  return Number.isInteger(value) && value > 0 ? value : availableParallelism();
}

/** libomp's default KMP_BLOCKTIME (200 ms), in µs. */
export const LIBOMP_BLOCKTIME_US = 200_000;
/** The longest spin we honour ("infinite" included): 1 s. */
const MAX_BLOCKTIME_US = 1_000_000;

/**
 * KMP_BLOCKTIME ("<n>", "<n>ms", "<n>us" or "infinite") or OMP_WAIT_POLICY (active:
 * infinite, passive: 0) → how long a team's threads spin before they sleep, in µs,
 * as libomp reads them; 0 when neither is set (the runtime's default). A blocktime of
 * 0 (sleep at once) is 1 µs here, since 0 means "unset" in the team block.
 */
export function defaultBlocktime(env: Readonly<Record<string, string>>): number {
  const text = (env['KMP_BLOCKTIME'] ?? '').trim().toLowerCase();
  const m = /^(\d+)\s*(ms|us)?$/.exec(text);
  if (text === 'infinite' || text === 'infinity') return MAX_BLOCKTIME_US;
  if (m) return Math.max(1, Math.min(MAX_BLOCKTIME_US, Number(m[1]) * (m[2] === 'us' ? 1 : 1000)));
  const policy = (env['OMP_WAIT_POLICY'] ?? '').trim().toLowerCase();
  if (policy === 'active') return MAX_BLOCKTIME_US;
  if (policy === 'passive') return 1;
  return 0;
}

/** OMP_SCHEDULE ("kind[,chunk]") → run-sched-var, default static. */
export function defaultSchedule(env: Readonly<Record<string, string>>): { kind: number; chunk: number } {
  const text = (env['OMP_SCHEDULE'] ?? '').toLowerCase().replace(/^(non)?monotonic:/, '');
  const [name, chunkText] = text.split(',');
  const kinds: Record<string, number> = { static: 1, dynamic: 2, guided: 3, auto: 4 };
  const kind = kinds[(name ?? '').trim()] ?? 1;
  const chunk = Number.parseInt(chunkText ?? '', 10);
  return { kind, chunk: Number.isInteger(chunk) && chunk > 0 ? chunk : 0 };
}

function resetIcvs(state: OmpThread, env: Readonly<Record<string, string>>): void {
  const sched = defaultSchedule(env);
  state.nthreads = defaultThreads(env);
  state.pushed = 0;
  state.dynamic = false;
  state.maxActiveLevels = 1;
  state.schedKind = sched.kind;
  state.schedChunk = sched.chunk;
  state.defaultDevice = 0;
  state.blocktimeUs = defaultBlocktime(env);
  state.bind = parseProcBind(env);
  state.pushedBind = -1;
  state.place = -1;
}

/** This thread's OpenMP state (created on first use, ICVs reset before every call). */
export function ompOf(host: FaasletHost): OmpThread {
  let state = host.services.get(OMP);
  if (!state) {
    const created: OmpThread = {
      runtime: threadsOf(host), frame: initialFrame(), nthreads: 1, pushed: 0, dynamic: false,
      maxActiveLevels: 1, schedKind: 1, schedChunk: 0, defaultDevice: 0, cells: 0, cellsEpoch: -1,
      forkFrame: initialFrame(), jobFrame: initialFrame(), forkCells: 0, forkMicrotask: 0, forkArgs: [], jobArgs: [],
      invoker: undefined, checkedMicrotask: -1, blocktimeUs: 0, bind: [], pushedBind: -1, place: -1, partStart: 0, partCount: 0, places: [], placesText: undefined, placesGen: 0,
      forkSaved: { place: -1, partStart: 0, partCount: 0 }, teamFrom: { place: -1, partStart: 0, partCount: 0 },
    };
    resetIcvs(created, host.message.env);
    host.services.provide(OMP, created);
    if (!created.runtime.isWorker) {
      lifecycleOf(host).register({
        name: '@faasm/openmp',
        beforeCall: () => {
          created.frame = initialFrame();
          resetIcvs(created, host.message.env);
        },
        afterCall: () => unbindCaller(created),
      });
    }
    state = created;
  }
  return state;
}
