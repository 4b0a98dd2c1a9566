import { GuestTrap, type FaasletHost } from '@faasm/abi';
import { Global, MAX_SLOTS, Slot, SLOT_WORDS, Team, TEAM_WORDS } from '@faasm/threads';
import { forkPlaces, joinPlaces, workerPlaces } from './affinity.js';
import { makeInvoker, MAX_FIXED_ARGS } from './invoke.js';
import { forkSnapshot } from './snapshot.js';
import { initialFrame, ompOf, type Frame, type OmpThread, type ReusableFrame } from './state.js';

const FORK = '__kmpc_fork_call';
const NO_ARGS: readonly number[] = Object.freeze([]);

/** The gtid/btid cells this thread passes to microtasks (two i32). */
function cellsOf(host: FaasletHost, st: OmpThread): number {
  const rt = st.runtime;
  if (rt.isWorker) return rt.shared.slots[rt.slot * SLOT_WORDS + Slot.CELLS]!;
  const epoch = Atomics.load(rt.shared.global, Global.EPOCH);
  if (st.cells === 0 || st.cellsEpoch !== epoch) {
    if (!host.exports.function('malloc')) throw new GuestTrap(FORK, 'the module does not export malloc (needed for the microtask thread-id cells)');
    st.cells = host.exports.malloc(16);
    if (st.cells === 0) throw new GuestTrap(FORK, 'out of memory');
    st.cellsEpoch = epoch;
  }
  return st.cells;
}

/**
 * Calls the outlined region `void microtask(i32* gtid, i32* btid, shared...)` as thread
 * `n` with the first `argc` of `args`, through this thread's trampoline (invoke.ts).
 */
export function callMicrotask(
  host: FaasletHost, st: OmpThread, cells: number, n: number, microtask: number, args: readonly number[], argc: number = args.length,
): void {
  host.memory.setI32(cells, n);
  host.memory.setI32(cells + 4, n);
  // A bad index or a null entry fails as before, with its message (checked once per region).
  if (microtask !== st.checkedMicrotask) {
    host.exports.tableFunction(microtask);
    st.checkedMicrotask = microtask;
  }
  const invoke = (st.invoker ??= makeInvoker(host));
  // Fixed arities for the common cases: no rest-argument array per call.
  if (invoke && argc <= MAX_FIXED_ARGS) {
    const btid = cells + 4;
    switch (argc) {
      case 0: invoke[0]!(microtask, cells, btid); return;
      case 1: invoke[1]!(microtask, cells, btid, args[0]!); return;
      case 2: invoke[2]!(microtask, cells, btid, args[0]!, args[1]!); return;
      case 3: invoke[3]!(microtask, cells, btid, args[0]!, args[1]!, args[2]!); return;
      case 4: invoke[4]!(microtask, cells, btid, args[0]!, args[1]!, args[2]!, args[3]!); return;
      case 5: invoke[5]!(microtask, cells, btid, args[0]!, args[1]!, args[2]!, args[3]!, args[4]!); return;
      default: invoke[6]!(microtask, cells, btid, args[0]!, args[1]!, args[2]!, args[3]!, args[4]!, args[5]!); return;
    }
  }
  host.exports.tableFunction(microtask)(cells, cells + 4, ...args.slice(0, argc));
}

function child(parent: Frame, fields: Pick<Frame, 'mode' | 'team' | 'threadNum' | 'size' | 'snapshot'>, active: boolean): Frame {
  // The same property order as initialFrame: one object shape for every frame, so the
  // queries that read st.frame stay monomorphic.
  return {
    mode: fields.mode,
    team: fields.team,
    threadNum: fields.threadNum,
    size: fields.size,
    level: parent.level + 1,
    activeLevel: parent.activeLevel + (active ? 1 : 0),
    parent,
    singles: 0,
    loops: 0,
    loop: undefined,
    snapshot: fields.snapshot,
  };
}

/**
 * void __kmpc_fork_call(ident_t *loc, kmp_int32 argc, kmpc_micro microtask, ...):
 * the variadic shared-variable pointers arrive as a pointer to `argc` i32 addresses.
 * Team size: num_threads clause, else nthreads-var (omp_set_num_threads,
 * OMP_NUM_THREADS, the cores). The calling thread is thread 0; a region inside an
 * active region runs serialised (a team of 1) instead of failing as in Faasm.
 */
export function kmpcForkCall(host: FaasletHost, _loc: number, argc: number, microtask: number, argsPtr: number): void {
  const st = ompOf(host);
  const rt = st.runtime;
  // No array for the common argc 0 (the pointer is still bounds-checked, as u32s would).
  const args = argc === 0 && host.memory.check(argsPtr, 0) >= 0 ? NO_ARGS : host.memory.u32s(argsPtr, argc);
  const requested = st.pushed > 0 ? st.pushed : st.nthreads;
  const pushedBind = st.pushedBind;
  st.pushed = 0;
  st.pushedBind = -1;
  const parent = st.frame;
  const size = Math.max(1, Math.min(requested, MAX_SLOTS + 1));
  const cells = cellsOf(host, st);
  if (size === 1 || parent.activeLevel >= 1 || parent.mode === 'snapshot') {
    st.frame = child(parent, { mode: 'serial', team: -1, threadNum: 0, size: 1, snapshot: undefined }, false);
    try {
      callMicrotask(host, st, cells, 0, microtask, args);
    } finally {
      st.frame = parent;
    }
    return;
  }
  if (!rt.sharedMemory) {
    forkInSnapshots(host, st, parent, size, cells, microtask, args);
    return;
  }
  const team = rt.claimTeam(FORK, size, microtask, args, st, parent.level + 1);
  // Affinity costs one comparison unless OMP_PROC_BIND/OMP_PLACES ask for binding.
  const bound = st.bind[0] !== 0 && forkPlaces(host, st, pushedBind, team, size, parent.level, st.forkSaved) !== 0;
  if (st.blocktimeUs > 0) rt.shared.teams[team * TEAM_WORDS + Team.BLOCKTIME_US] = st.blocktimeUs;
  st.frame = teamFrame(st.forkFrame, parent, team, 0, size, parent.level + 1);
  st.forkCells = cells;
  st.forkMicrotask = microtask;
  st.forkArgs = args;
  try {
    rt.fork(FORK, team, size, runMaster, st);
  } finally {
    st.frame = parent;
    st.forkArgs = NO_ARGS;
    if (bound) joinPlaces(st, st.forkSaved);
  }
}

/**
 * A region of a module without shared memory (snapshot-and-merge mode). Apart from
 * kmpcForkCall so that the variables this closure captures do not make every fork
 * allocate a context.
 */
function forkInSnapshots(
  host: FaasletHost, st: OmpThread, parent: Frame, size: number, cells: number, microtask: number, args: readonly number[],
): void {
  forkSnapshot(host, st, size, (frameFor, n) => {
    st.frame = child(parent, frameFor, true);
    try {
      callMicrotask(host, st, cells, n, microtask, args);
    } finally {
      st.frame = parent;
    }
  });
}

/** Thread 0's part of a team region (the fork's arguments are in `st`). */
function runMaster(st: OmpThread): void {
  callMicrotask(st.runtime.host, st, st.forkCells, 0, st.forkMicrotask, st.forkArgs);
}

/** Rewrites a reused frame as thread `threadNum` of a team region (an active level). */
function teamFrame(frame: ReusableFrame, parent: Frame, team: number, threadNum: number, size: number, level: number): Frame {
  frame.mode = 'team';
  frame.team = team;
  frame.threadNum = threadNum;
  frame.size = size;
  frame.level = level;
  frame.activeLevel = parent.activeLevel + 1;
  frame.parent = parent;
  frame.singles = 0;
  frame.loops = 0;
  frame.loop = undefined;
  frame.snapshot = undefined;
  return frame;
}

/** Runs an OpenMP job on a worker: thread `THREAD_NUM` of the team in `TARGET`. */
export function runTeamThread(host: FaasletHost, slot: number): void {
  const st = ompOf(host);
  const rt = st.runtime;
  const slots = rt.shared.slots;
  const team = slots[slot * SLOT_WORDS + Slot.TARGET]!;
  const n = slots[slot * SLOT_WORDS + Slot.THREAD_NUM]!;
  const t = rt.shared.teams;
  const at = team * TEAM_WORDS;
  const argc = t[at + Team.ARGC]!;
  // A reused list, overwritten and never truncated (that would drop its backing store).
  const args = st.jobArgs;
  for (let i = 0; i < argc; i++) {
    const value = t[at + Team.ARGS + i]!;
    if (i < args.length) args[i] = value;
    else args.push(value);
  }
  st.nthreads = t[at + Team.NTHREADS_ICV]!;
  st.schedKind = t[at + Team.SCHED_KIND]!;
  st.schedChunk = t[at + Team.SCHED_CHUNK]!;
  // The worker's outermost frame (parentless: only initialFrame makes those) is
  // reused with its per-region counters reset, rather than allocated per job.
  const base = st.frame.parent === undefined ? st.frame : initialFrame();
  base.singles = 0;
  base.loops = 0;
  base.loop = undefined;
  // A team's threads are at active level 1 (nested regions run serialised).
  const size = t[at + Team.SIZE]!;
  if (t[at + Team.PROC_BIND] !== 0 || st.place >= 0) workerPlaces(st, team, size, n);
  st.frame = teamFrame(st.jobFrame, base, team, n, size, t[at + Team.LEVEL]!);
  try {
    callMicrotask(host, st, slots[slot * SLOT_WORDS + Slot.CELLS]!, n, t[at + Team.MICROTASK]!, args, argc);
  } finally {
    st.frame = base;
  }
}


/** void __kmpc_serialized_parallel(ident_t *loc, kmp_int32 gtid): a region with if(false). */
export function kmpcSerializedParallel(host: FaasletHost, _loc: number, _gtid: number): void {
  const st = ompOf(host);
  st.frame = child(st.frame, { mode: 'serial', team: -1, threadNum: 0, size: 1, snapshot: undefined }, false);
}

/** void __kmpc_end_serialized_parallel(ident_t *loc, kmp_int32 gtid). */
export function kmpcEndSerializedParallel(host: FaasletHost, _loc: number, _gtid: number): void {
  const st = ompOf(host);
  if (st.frame.parent) st.frame = st.frame.parent;
}

/** void __kmpc_push_num_threads(ident_t *loc, kmp_int32 gtid, kmp_int32 n): the num_threads clause. */
export function kmpcPushNumThreads(host: FaasletHost, _loc: number, _gtid: number, n: number): void {
  ompOf(host).pushed = n > 0 ? n : 0;
}

/** kmp_int32 __kmpc_global_thread_num(ident_t *loc): unique per OS thread (main 0, workers 1..). */
export function kmpcGlobalThreadNum(host: FaasletHost, _loc: number): number {
  return ompOf(host).runtime.slot + 1;
}
