import { DEFAULT_PACKAGES, GuestTrap, ProcExit, attachInstance, compose, createHost, lifecycleOf, loadPackages, type Message } from '@faasm/abi';
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { ExitState, ShmWorld } from './shm.js';
import { MPI_STATE, MPI_WORLD, MPI_WORLD_SOURCE } from './state.js';
import type { RankWorkerData } from './world.js';

/**
 * A worker that runs one rank as a Faaslet: instantiate the module with the composed
 * packages, run constructors, the zygote and `_start`, and report the exit code. A
 * rank that traps or exits non-zero aborts the world with a message naming it.
 * Mode 'root' runs rank 0 itself (tests, benchmarks and embedders without a runtime).
 */
setFlagsFromString('--no-liftoff');

export interface RootWorkerData {
  mode: 'root';
  module: WebAssembly.Module;
  packageOptions: Record<string, unknown>;
  packages: readonly string[] | undefined;
  message: Partial<Message>;
  worldSize: number;
}

export interface RootResult {
  returnValue: number;
  /** Why the call failed (a trap in rank 0 or the world's first failure). */
  error: string | undefined;
  output: Uint8Array;
}

async function runFaaslet(module: WebAssembly.Module, message: Partial<Message>, packageOptions: Record<string, unknown>, packages: readonly string[] | undefined, setup?: (host: ReturnType<typeof createHost>) => void): Promise<{ code: number; reason: string | undefined; host: ReturnType<typeof createHost> }> {
  const host = createHost({ message });
  setup?.(host);
  try {
    const { importObject } = compose(module, host, await loadPackages(packages ?? DEFAULT_PACKAGES), packageOptions);
    const instance = await WebAssembly.instantiate(module, importObject);
    attachInstance(host, instance);
    const lifecycle = lifecycleOf(host);
    lifecycle.instantiated();
    host.exports.function('__wasm_call_ctors')?.();
    const zygote = host.exports.function('_faasm_zygote');
    if (zygote && zygote() !== 0) return { code: 1, reason: 'zygote failed', host };
    lifecycle.beforeCall();
    const start = host.exports.function('_start');
    if (!start) return { code: 1, reason: 'the module has no _start', host };
    start();
    return { code: 0, reason: undefined, host };
  } catch (e) {
    if (e instanceof ProcExit) return { code: e.code, reason: undefined, host };
    const reason = e instanceof GuestTrap || e instanceof Error ? e.message : String(e);
    return { code: 1, reason: `trapped: ${reason}`, host };
  }
}

async function runRank(data: RankWorkerData): Promise<void> {
  const world = ShmWorld.attach(data.sab);
  let code = 1;
  try {
    const result = await runFaaslet(data.module, data.message as Partial<Message>, data.packageOptions, data.packages);
    code = result.code;
    const mpi = result.host.services.get(MPI_STATE);
    if (code !== 0) world.abort(data.rank, code, `rank ${data.rank} ${result.reason ?? `exited with code ${code}`}`);
    // MPI 4.x §11.2.2: every process calls MPI_Finalize before it exits (MPICH fails the job otherwise).
    else if (mpi?.initialized && !mpi.finalized) {
      code = 1;
      world.abort(data.rank, 1, `rank ${data.rank} exited without calling MPI_Finalize`);
    }
  } catch (e) {
    world.abort(data.rank, 1, `rank ${data.rank} failed to start: ${e instanceof Error ? e.message : String(e)}`);
  } finally {
    world.setExit(data.rank, code === 0 ? ExitState.OK : ExitState.FAILED, code);
  }
}

async function runRoot(data: RootWorkerData): Promise<RootResult> {
  const packageOptions = { ...data.packageOptions, '@faasm/mpi': { ...(data.packageOptions['@faasm/mpi'] as object | undefined), worldSize: data.worldSize } };
  const { code, reason, host } = await runFaaslet(data.module, data.message, packageOptions, data.packages, (h) => {
    h.services.provide(MPI_WORLD_SOURCE, { module: data.module, packageOptions, packages: data.packages });
  });
  const world = host.services.get(MPI_WORLD);
  let error = code === 0 ? undefined : `rank 0 ${reason ?? `exited with code ${code}`}`;
  let returnValue = code;
  if (world?.active) {
    const result = await world.close(reason ? undefined : code, error);
    if (!result.ok && result.error) {
      error = result.error.message;
      if (returnValue === 0) returnValue = result.error.code || 1;
    }
  }
  return { returnValue, error, output: host.message.output };
}

const data = workerData as RankWorkerData | RootWorkerData;
if (data.mode === 'rank') {
  await runRank(data);
} else {
  parentPort!.postMessage(await runRoot(data));
}
