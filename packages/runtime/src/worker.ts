/**
 * A pool worker: runs Faaslets. Receives each compiled module once (V8 shares their
 * code), keeps warm Faaslets per (module, options), and answers each task with the
 * call's result. Host calls that must wait block this worker through the bridge; while
 * blocked it may run nested tasks, each on a Faaslet not already mid-call.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadPackages } from '@faasm/abi';
import { WorkerBridge } from './bridge.js';
import { Faaslet } from './faaslet.js';
import type { LoadedModule } from './modules.js';
import type { FromWorker, TaskMessage, TaskOutcome, ToWorker } from './protocol.js';

// Before any wasm is compiled or tiered up in this process (ARCHITECTURE.md: Liftoff
// loses values held across memory.atomic.wait32, and hot loops stay in the baseline
// tier). Imports above compile no wasm.
setFlagsFromString('--no-liftoff');

interface PoolWorkerData {
  readonly packages: readonly string[];
  readonly bridgePort: MessagePort;
  readonly bridgeCounter: SharedArrayBuffer;
}

const data = workerData as PoolWorkerData;
const port = parentPort!;
const packages = await loadPackages(data.packages);
const modules = new Map<string, LoadedModule>();
/** Warm Faaslets per (module, options); `busy` ones are mid-call lower in the stack. */
const warm = new Map<string, Array<{ faaslet: Faaslet; busy: boolean }>>();

function runTask(task: TaskMessage): TaskOutcome {
  try {
    if (task.loaded) modules.set(task.moduleKey, task.loaded);
    const loaded = modules.get(task.moduleKey);
    if (!loaded) throw new Error(`module ${task.moduleKey} was never sent to this worker`);
    const key = `${task.moduleKey}:${task.optionsKey}`;
    let slots = warm.get(key);
    if (!slots) warm.set(key, (slots = []));
    let slot = slots.find((s) => !s.busy);
    if (!slot) {
      slot = { faaslet: new Faaslet(loaded, { packages, packageOptions: task.packageOptions, bridge }), busy: false };
      slots.push(slot);
    }
    slot.busy = true;
    try {
      return { result: slot.faaslet.call(task.request) };
    } finally {
      slot.busy = false;
    }
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

const bridge = new WorkerBridge(data.bridgePort, data.bridgeCounter, (task) => runTask(task as TaskMessage));

port.on('message', (message: ToWorker) => {
  const outcome = runTask(message);
  port.postMessage({ kind: 'done', taskId: message.taskId, outcome } satisfies FromWorker);
});
