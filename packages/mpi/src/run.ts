import { Worker } from 'node:worker_threads';
import type { Message } from '@faasm/abi';
import type { RootResult, RootWorkerData } from './rank-worker.js';
import { RANK_WORKER_URL } from './world.js';

export type { RootResult };

/**
 * Runs an MPI module as a world of `worldSize` ranks without @faasm/runtime: rank 0
 * runs in a worker (blocked ranks wait with Atomics.wait, which must not block the
 * caller's event loop), its MPI_Init starts the others. Resolves with rank 0's return
 * value, its output and, if the call failed, why.
 */
export function runMpiWorld(options: {
  module: WebAssembly.Module;
  worldSize: number;
  packageOptions?: Record<string, unknown>;
  /** Interface packages (module specifiers; default @faasm/abi's DEFAULT_PACKAGES). */
  packages?: readonly string[];
  message?: Partial<Message>;
  /** Rejects if the world has not ended after this long (default 60 s). */
  timeoutMs?: number;
}): Promise<RootResult> {
  const data: RootWorkerData = {
    mode: 'root',
    module: options.module,
    packageOptions: options.packageOptions ?? {},
    packages: options.packages,
    message: options.message ?? {},
    worldSize: options.worldSize,
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(RANK_WORKER_URL, { workerData: data });
    const timer = setTimeout(() => {
      void worker.terminate();
      reject(new Error(`MPI world did not end within ${options.timeoutMs ?? 60_000} ms`));
    }, options.timeoutMs ?? 60_000);
    worker.once('message', (result: RootResult) => {
      clearTimeout(timer);
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    worker.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`rank 0 worker exited (${code}) without a result`));
    });
  });
}
