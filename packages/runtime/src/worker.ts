/**
 * A pool worker: runs Faaslets. Receives compiled modules once (V8 shares their
 * code), keeps one warm Faaslet per (module, options), and answers each invoke with
 * the call's result. Host calls that must wait block this worker through the bridge.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';

// Before any wasm is compiled in this isolate (ARCHITECTURE.md: Liftoff loses values
// held across memory.atomic.wait32, and hot loops stay in the baseline tier).
setFlagsFromString('--no-liftoff');

import { loadPackages, type LoadedPackage } from '@faasm/abi';
import { WorkerBridge } from './bridge.js';
import { Faaslet } from './faaslet.js';
import type { LoadedModule } from './modules.js';
import type { ToWorker, FromWorker } from './protocol.js';

interface PoolWorkerData {
  readonly packages: readonly string[];
  readonly bridgePort: MessagePort;
  readonly bridgeState: SharedArrayBuffer;
}

const data = workerData as PoolWorkerData;
const port = parentPort!;
const bridge = new WorkerBridge(data.bridgePort, data.bridgeState);
const modules = new Map<string, LoadedModule>();
const faaslets = new Map<string, Faaslet>();
let packages: LoadedPackage[] | undefined;

function send(message: FromWorker): void {
  port.postMessage(message);
}

port.on('message', async (message: ToWorker) => {
  if (message.kind === 'module') {
    modules.set(message.loaded.key, message.loaded);
    return;
  }
  if (message.kind === 'drop') {
    for (const key of [...faaslets.keys()]) if (key.startsWith(message.moduleKey)) faaslets.delete(key);
    return;
  }
  const { taskId, moduleKey, optionsKey, packageOptions, request } = message;
  try {
    packages ??= await loadPackages(data.packages);
    const key = `${moduleKey}:${optionsKey}`;
    let faaslet = faaslets.get(key);
    if (!faaslet) {
      const loaded = modules.get(moduleKey);
      if (!loaded) throw new Error(`module ${moduleKey} was never sent to this worker`);
      faaslet = new Faaslet(loaded, { packages, packageOptions, bridge });
      faaslets.set(key, faaslet);
    }
    const result = faaslet.call(request);
    send({ kind: 'result', taskId, result });
  } catch (e) {
    send({ kind: 'failed', taskId, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
});
