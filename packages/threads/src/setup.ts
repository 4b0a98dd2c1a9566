import { DEFAULT_PACKAGES, lifecycleOf, type FaasletHost } from '@faasm/abi';
import { Global } from './layout.js';
import { THREADS, ThreadRuntime, type ThreadsSetup } from './runtime.js';

/** The thread runtime of a host (created on first use: the main thread's). */
export function threadsOf(host: FaasletHost): ThreadRuntime {
  let runtime = host.services.get(THREADS);
  if (!runtime) {
    runtime = new ThreadRuntime(host);
    host.services.provide(THREADS, runtime);
  }
  return runtime;
}

/**
 * What the embedder (the runtime, or a test harness) calls once the main instance
 * exists: gives the thread runtime the compiled module and how to compose worker
 * instances, and registers the lifecycle hook that re-makes thread stacks after a
 * restore. `prewarm` starts that many workers now.
 */
export function prepareThreads(host: FaasletHost, setup: ThreadsSetup & { prewarm?: number }): ThreadRuntime {
  const runtime = threadsOf(host);
  const first = runtime.setup === undefined;
  runtime.setup = { ...setup, packages: setup.packages ?? DEFAULT_PACKAGES };
  if (first) {
    lifecycleOf(host).register({
      name: '@faasm/threads',
      // Thread stacks and TLS blocks live in the heap the restore just reset.
      restore: () => void Atomics.add(runtime.shared.global, Global.EPOCH, 1),
    });
  }
  if (setup.prewarm && runtime.sharedMemory) runtime.prewarm(setup.prewarm);
  return runtime;
}

/** The failure of a detached thread of this Faaslet since the last check, if any. */
export function takeThreadError(host: FaasletHost): Error | undefined {
  return host.services.get(THREADS)?.takeOrphanError();
}

/** Stops a Faaslet's thread workers. */
export async function shutdownThreads(host: FaasletHost): Promise<void> {
  await host.services.get(THREADS)?.shutdown();
}
