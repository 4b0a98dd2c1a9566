/**
 * A pool worker: runs Faaslets. Receives each compiled module once (V8 shares their
 * code), keeps warm Faaslets per (module, options), and answers each task with the
 * call's result. Host calls that must wait block this worker through the bridge; while
 * blocked it may run nested tasks, each on a Faaslet not already mid-call.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { loadPackages, type FaasletHost } from '@faasm/abi';
import { MPI_WORLD, MPI_WORLD_SOURCE } from '@faasm/mpi';
import { prepareThreads, takeThreadError } from '@faasm/threads';
import { FD_TABLE } from '@faasm/wasi';
import { NET_BACKEND, NodeNetBackend, type PosixOptions } from '@faasm/posix';
import { WorkerBridge } from './bridge.js';
import { Faaslet, type CallResult } from './faaslet.js';
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
  /** Tasks arrive here; `taskDoor` is bumped and notified after each. */
  readonly taskPort: MessagePort;
  readonly taskDoor: SharedArrayBuffer;
  /** The control plane's message-id counter. */
  readonly ids: SharedArrayBuffer | undefined;
}

const data = workerData as PoolWorkerData;
const port = parentPort!;
const packages = await loadPackages(data.packages);
const modules = new Map<string, LoadedModule>();
/** Warm Faaslets per (module, options); `busy` ones are mid-call lower in the stack. */
const warm = new Map<string, Array<{ faaslet: Faaslet; busy: boolean }>>();

/** The warm Faaslet for a task: one not already mid-call lower in this worker's stack. */
function faasletFor(task: TaskMessage): { faaslet: Faaslet; busy: boolean } {
  if (task.loaded) modules.set(task.moduleKey, task.loaded);
  const loaded = modules.get(task.moduleKey);
  if (!loaded) throw new Error(`module ${task.moduleKey} was never sent to this worker`);
  const key = `${task.moduleKey}:${task.optionsKey}`;
  let slots = warm.get(key);
  if (!slots) warm.set(key, (slots = []));
  let slot = slots.find((s) => !s.busy);
  if (!slot) {
    const prepare = (host: FaasletHost) => {
      // Rank 0's MPI_Init starts the other ranks from the same module and options.
      host.services.provide(MPI_WORLD_SOURCE, { module: loaded.module, packageOptions: { ...task.packageOptions }, packages: data.packages });
      // Sockets the allow-list admits are real: a helper thread does the I/O while the guest blocks.
      const posix = task.packageOptions['@faasm/posix'] as PosixOptions | undefined;
      if (posix?.network?.allow.length) host.services.provide(NET_BACKEND, new NodeNetBackend());
      // Shared-memory guests: thread workers instantiate the same module over this memory.
      if (loaded.facts.importedMemory?.limits.shared) {
        // Every thread shares the Faaslet's fd table (a file opened in one is open in all).
        const wasi = { ...(task.packageOptions['@faasm/wasi'] as Record<string, unknown> | undefined) };
        const fds = host.services.get(FD_TABLE);
        const options = fds ? { ...task.packageOptions, '@faasm/wasi': { ...wasi, table: fds.handle } } : { ...task.packageOptions };
        prepareThreads(host, { module: loaded.module, packages: data.packages, options });
      }
    };
    slot = { faaslet: new Faaslet(loaded, { packages, packageOptions: task.packageOptions, bridge, prepare }), busy: false };
    slots.push(slot);
  }
  return slot;
}

/** Runs a nested task (inside a blocked bridge call): synchronous, no MPI world of its own. */
function runNested(task: TaskMessage): TaskOutcome {
  try {
    const slot = faasletFor(task);
    slot.busy = true;
    try {
      return { result: slot.faaslet.call(task.request) };
    } finally {
      slot.busy = false;
    }
  } catch (e) {
    return { error: describe(e) };
  }
}

/**
 * Runs a top-level task. Synchronous unless the call started an MPI world: then the
 * promise settles once every rank has ended.
 */
function runTask(task: TaskMessage): TaskOutcome | Promise<TaskOutcome> {
  let slot: { faaslet: Faaslet; busy: boolean };
  let result: CallResult;
  try {
    slot = faasletFor(task);
    slot.busy = true;
    result = slot.faaslet.call(task.request);
  } catch (e) {
    if (slot!) slot.busy = false;
    return { error: describe(e) };
  }
  const orphan = takeThreadError(slot.faaslet.host);
  if (orphan && result.returnValue === 0) result = failed(result, 1, orphan.message);
  const world = slot.faaslet.host.services.get(MPI_WORLD);
  if (!world?.active) {
    slot.busy = false;
    return { result };
  }
  return world
    .close(result.error === undefined ? result.returnValue : undefined, result.error)
    .then(
      (closed): TaskOutcome => {
        if (closed.ok || !closed.error) return { result };
        return { result: failed(result, result.returnValue !== 0 ? result.returnValue : closed.error.code || 1, closed.error.message) };
      },
      (e: unknown): TaskOutcome => ({ error: describe(e) }),
    )
    .finally(() => {
      slot.busy = false;
    });
}

function failed(result: CallResult, returnValue: number, error: string): CallResult {
  return { ...result, returnValue, output: new TextEncoder().encode(`Call failed (return value=${returnValue})`), error };
}

function describe(e: unknown): string {
  return e instanceof Error ? `${e.name}: ${e.message}` : String(e);
}

const bridge = new WorkerBridge(data.bridgePort, data.bridgeCounter, (task) => runNested(task as TaskMessage), data.ids);

/**
 * Serves tasks. An idle worker parks in Atomics.wait on its doorbell rather than in its
 * event loop: the main thread rings it after posting a task, which wakes it faster than
 * a message event (measured: invoke round trip 102 → ~80 µs). It does not spin first:
 * on 2 cores an idle worker's spin takes the CPU the main thread and the busy workers
 * need (measured: spinning 20k iterations doubled chain round trips). The event loop
 * runs only while a task awaits (an MPI world closing).
 */
async function serve(): Promise<never> {
  const door = new Int32Array(data.taskDoor);
  for (;;) {
    const seen = Atomics.load(door, 0);
    const received = receiveMessageOnPort(data.taskPort);
    if (received) {
      const task = received.message as ToWorker;
      const ran = runTask(task);
      const outcome = ran instanceof Promise ? await ran : ran;
      port.postMessage({ kind: 'done', taskId: task.taskId, outcome } satisfies FromWorker);
      continue;
    }
    Atomics.wait(door, 0, seen);
  }
}

void serve();
