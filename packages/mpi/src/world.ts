import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { Engine, WorldAborted } from './engine.js';
import { MpiErr, check } from './errors.js';
import { COMM_WORLD_ID } from './layout.js';
import { ShmTransport, ShmWorld } from './shm.js';
import { MPI_WORLD_SOURCE, bindRank, unbindRank, type MpiOptions, type MpiState, type MpiWorldHandle, type MpiWorldResult } from './state.js';

/** Faasm's default world size when the caller gives none (faasm-abi.md, "Execution"). */
export const DEFAULT_WORLD_SIZE = 5;

/** The worker script that runs one rank (built beside this file in dist/). */
export const RANK_WORKER_URL = new URL('../dist/rank-worker.js', import.meta.url);

/** What a rank worker receives. */
export interface RankWorkerData {
  mode: 'rank';
  rank: number;
  sab: SharedArrayBuffer;
  module: WebAssembly.Module;
  packageOptions: Record<string, unknown>;
  packages: readonly string[] | undefined;
  message: unknown;
}

function spinMicros(options: MpiOptions, size: number): number {
  if (options.spinMicros !== undefined) return options.spinMicros;
  // Spinning only pays when every rank has a core; otherwise it steals the sender's time.
  return size <= availableParallelism() ? 100 : 2;
}

/**
 * MPI_Init: rank 0 creates the world and starts ranks 1..N-1 as Faaslets of the same
 * module (same input and args), each in its own worker; other ranks join through the
 * shared memory they were given. Every rank then has MPI_COMM_WORLD.
 */
export function initWorld(s: MpiState): void {
  const join = s.options.join;
  let world: ShmWorld;
  if (join) {
    world = ShmWorld.attach(join.sab);
    s.rank = join.rank;
  } else {
    const size = s.options.worldSize ?? DEFAULT_WORLD_SIZE;
    check(Number.isInteger(size) && size >= 1 && size <= 1024, MpiErr.ARG, `world size ${size} must be an integer in 1..1024`);
    const source = size > 1 ? s.host.services.get(MPI_WORLD_SOURCE) : undefined;
    check(size === 1 || source !== undefined, MpiErr.OTHER, `a world of ${size} ranks needs the module to start ranks 1..${size - 1}: the runtime must provide the MPI_WORLD_SOURCE service`);
    world = ShmWorld.create(size, s.options.ringBytes);
    s.rank = 0;
    if (source) spawnRanks(s, world, source.module, source.packageOptions, source.packages);
    s.closeWorld = (code, reason) => closeWorld(s, world, code, reason);
  }
  s.world = world;
  s.size = world.size;
  bindRank(s);
  s.engine = new Engine(new ShmTransport(world, s.rank), s.host.memory, {
    checkAbort: () => {
      const info = world.abortInfo();
      if (info) throw new WorldAborted(`MPI world aborted by rank ${info.rank} (code ${info.code}): ${info.message}`);
    },
  }, spinMicros(s.options, world.size));
  s.comms.set(COMM_WORLD_ID, { ctx: COMM_WORLD_ID, group: Array.from({ length: world.size }, (_, i) => i), rank: s.rank, size: world.size });
  learnHandles(s);
  s.initialized = true;
}

/** Reads the null handles' addresses from the SDK library's `__faasm_mpi_handles` export, if any. */
function learnHandles(s: MpiState): void {
  const f = s.host.exports.function('__faasm_mpi_handles');
  if (!f) return;
  const table = (f() as number) >>> 0;
  const [world, commNull, typeNull, opNull] = s.host.memory.u32s(table, 4);
  s.handles.commWorld = world!;
  s.handles.commNull = commNull!;
  s.handles.typeNull = typeNull!;
  s.handles.opNull = opNull!;
}

function spawnRanks(s: MpiState, world: ShmWorld, module: WebAssembly.Module, packageOptions: Record<string, unknown>, packages: readonly string[] | undefined): void {
  const { join: _join, ...mpiOptions } = s.options;
  for (let rank = 1; rank < world.size; rank++) {
    const data: RankWorkerData = {
      mode: 'rank',
      rank,
      sab: world.sab,
      module,
      packageOptions: { ...packageOptions, '@faasm/mpi': { ...mpiOptions, join: { sab: world.sab, rank } } },
      packages,
      message: s.host.message,
    };
    const worker = new Worker(RANK_WORKER_URL, { workerData: data });
    worker.unref();
    s.workers.push(worker);
  }
}

/** The handle `link` provides as MPI_WORLD: delegates to the world of the current call. */
export function worldHandle(s: MpiState): MpiWorldHandle {
  return {
    get active() {
      return s.closeWorld !== undefined;
    },
    get size() {
      return s.closeWorld ? s.size : 0;
    },
    close: async (code, reason) => {
      const close = s.closeWorld;
      if (!close) return { ok: true };
      s.closeWorld = undefined;
      return close(code, reason);
    },
  };
}

async function closeWorld(s: MpiState, world: ShmWorld, exitCode: number | undefined, reason: string | undefined): Promise<MpiWorldResult> {
  unbindRank(s);
  if (exitCode !== 0) world.abort(0, exitCode ?? 1, reason ?? (exitCode === undefined ? 'rank 0 trapped' : `rank 0 exited with code ${exitCode}`));
  else if (!s.finalized) world.abort(0, 1, 'rank 0 exited without calling MPI_Finalize');
  const pending = s.workers.map((w) => new Promise<void>((resolve) => {
    w.once('exit', () => resolve());
    w.once('error', () => resolve());
  }));
  const finished = (): boolean => s.workers.every((_, i) => world.exitState(i + 1).state !== 0);
  const timeout = s.options.closeTimeoutMs ?? 10_000;
  const waitExits = async (ms: number): Promise<boolean> => {
    const deadline = Date.now() + ms;
    while (!finished() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    return finished();
  };
  if (!(await waitExits(timeout))) {
    const stuck = s.workers.map((_, i) => i + 1).filter((r) => world.exitState(r).state === 0);
    world.abort(stuck[0] ?? 0, 1, `rank${stuck.length > 1 ? 's' : ''} ${stuck.join(', ')} did not finish within ${timeout} ms after rank 0 ended`);
    await waitExits(1000);
  }
  await Promise.all(s.workers.map((w) => w.terminate()));
  await Promise.all(pending);
  s.workers = [];
  const info = world.abortInfo();
  return info ? { ok: false, error: info } : { ok: true };
}
