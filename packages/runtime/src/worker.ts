/**
 * A pool worker: runs Faaslets. Receives each compiled module once (V8 shares their
 * code), keeps warm Faaslets per (module, options), and answers each task with the
 * call's result. Host calls that must wait block this worker through the bridge; while
 * blocked it may run nested tasks, each on a Faaslet not already mid-call.
 */
import { setFlagsFromString } from 'node:v8';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { FdLedger, KEPT_FDS, loadPackages, type FaasletHost } from '@faasm/abi';
import { MPI_WORLD, MPI_WORLD_SOURCE } from '@faasm/mpi';
import { prepareThreads, takeThreadError } from '@faasm/threads';
import { FD_TABLE } from '@faasm/wasi';
import { NET_BACKEND, NodeNetBackend, type PosixOptions } from '@faasm/posix';
import { CallBoard, type BoardCall, type BoardResult } from './board.js';
import { BoardBridge } from './board-bridge.js';
import { WorkerBridge } from './bridge.js';
import { Faaslet, type CallResult } from './faaslet.js';
import type { LoadedModule } from './modules.js';
import type { ControlMessage, FromWorker, PoolWorkerData, TaskMessage, TaskOutcome, ToWorker } from './protocol.js';

// Before any wasm is compiled or tiered up in this process (ARCHITECTURE.md: Liftoff
// loses values held across memory.atomic.wait32, and hot loops stay in the baseline
// tier). Imports above compile no wasm.
setFlagsFromString('--no-liftoff');

const data = workerData as PoolWorkerData;
const port = parentPort!;
const packages = await loadPackages(data.packages);
const modules = new Map<string, LoadedModule>();
/** Functions the pool announced, by index and by `user/function`. */
const functions: Array<Omit<ControlMessage, 'loaded'>> = [];
/** Function indices by user, then function (no string built per chained call). */
const functionIndex = new Map<string, Map<string, number>>();
const board = new CallBoard(data.board);
/** Raw fds this worker's Faaslets keep across calls, where the pool can see them. */
const keptFds = new FdLedger(data.keptFds);

/** Takes the pool's announcements (functions, modules) posted so far. */
function drainControl(): void {
  for (let received = receiveMessageOnPort(data.controlPort); received; received = receiveMessageOnPort(data.controlPort)) {
    const { loaded, ...fn } = received.message as ControlMessage;
    if (loaded) modules.set(fn.moduleKey, loaded);
    functions[fn.index] = fn;
    let byFunction = functionIndex.get(fn.user);
    if (!byFunction) functionIndex.set(fn.user, (byFunction = new Map()));
    byFunction.set(fn.function, fn.index);
  }
}
/** Warm Faaslets per module, then options; `busy` ones are mid-call lower in the stack. */
const warm = new Map<string, Map<string, Array<{ faaslet: Faaslet; busy: boolean }>>>();

/** The warm Faaslet for a task: one not already mid-call lower in this worker's stack. */
function faasletFor(task: TaskMessage): { faaslet: Faaslet; busy: boolean } {
  if (task.loaded) modules.set(task.moduleKey, task.loaded);
  if (!modules.has(task.moduleKey)) drainControl();
  const loaded = modules.get(task.moduleKey);
  if (!loaded) throw new Error(`module ${task.moduleKey} was never sent to this worker`);
  let byOptions = warm.get(task.moduleKey);
  if (!byOptions) warm.set(task.moduleKey, (byOptions = new Map()));
  let slots = byOptions.get(task.optionsKey);
  if (!slots) byOptions.set(task.optionsKey, (slots = []));
  let slot: { faaslet: Faaslet; busy: boolean } | undefined;
  for (const s of slots) {
    if (!s.busy) {
      slot = s;
      break;
    }
  }
  if (!slot) {
    const prepare = (host: FaasletHost) => {
      host.services.provide(KEPT_FDS, keptFds);
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

/** The task that runs a board call: the same request the main thread's path sends. */
function boardTask(call: BoardCall): TaskMessage {
  if (functions[call.func] === undefined) drainControl();
  const fn = functions[call.func];
  if (!fn) throw new Error(`board call ${call.id} names function ${call.func}, never announced to this worker`);
  return {
    taskId: -1,
    moduleKey: fn.moduleKey,
    optionsKey: '',
    packageOptions: data.chain!.packageOptions,
    request: {
      id: call.id,
      appId: call.appId,
      user: fn.user,
      function: fn.function,
      input: call.input,
      ...(call.funcPtr >= 0 ? { entry: { tableIndex: call.funcPtr } } : {}),
    },
  };
}

/** A task's outcome as the scheduler records it (a task error fails the call with return value 1). */
function boardResult(id: number, outcome: TaskOutcome): BoardResult {
  if ('result' in outcome) return { id, returnValue: outcome.result.returnValue, output: outcome.result.output };
  return { id, returnValue: 1, output: new TextEncoder().encode(`Call failed (return value=1): ${outcome.error}`) };
}

/** Runs a board call at top level (an idle worker took it): it may start an MPI world. */
async function runBoardCall(slot: number): Promise<void> {
  const call = board.callIn(slot);
  let outcome: TaskOutcome;
  try {
    const ran = runTask(boardTask(call));
    outcome = ran instanceof Promise ? await ran : ran;
  } catch (e) {
    outcome = { error: describe(e) };
  }
  bridge.complete(slot, boardResult(call.id, outcome));
}

const bridge = new BoardBridge(board, { index: data.index, tag: data.tag }, {
  resolve(user, fn) {
    if (!data.chain) return undefined;
    const known = functionIndex.get(user)?.get(fn);
    if (known !== undefined) return known;
    drainControl();
    return functionIndex.get(user)?.get(fn);
  },
  wantWatch() {
    port.postMessage({ kind: 'watch' } satisfies FromWorker);
  },
  runNested(call) {
    let task: TaskMessage;
    try {
      task = boardTask(call);
    } catch (e) {
      return boardResult(call.id, { error: describe(e) });
    }
    return boardResult(call.id, runNested(task));
  },
});
bridge.attach(
  new WorkerBridge(data.bridgePort, data.board, (task) => runNested(task as TaskMessage), data.ids, {
    cell: board.doorCell(data.index),
    ...(data.chain ? { helper: bridge } : {}),
  }),
);

/**
 * Disposes every warm Faaslet (the pool is closing): their kept connections, fds and
 * thread workers are process-wide and would outlive this worker's termination. Runs
 * between tasks, so none is mid-call.
 */
async function disposeWarm(): Promise<void> {
  const all: Faaslet[] = [];
  for (const byOptions of warm.values()) for (const slots of byOptions.values()) for (const slot of slots) all.push(slot.faaslet);
  warm.clear();
  await Promise.all(all.map((faaslet) => faaslet.dispose()));
}

/**
 * Serves tasks from the main thread first, then calls queued on the board. An idle
 * worker parks in Atomics.wait on its doorbell rather than in its event loop: the main
 * thread rings it after posting a task, and a Faaslet that queues a board call rings an
 * idle worker, which wakes it faster than a message event (measured: invoke round trip
 * 102 → ~80 µs). It does not spin first: on 2 cores an idle worker's spin takes the CPU
 * the main thread and the busy workers need (measured: spinning 20k iterations doubled
 * chain round trips). The event loop runs only while a task awaits (an MPI world closing).
 */
async function serve(): Promise<never> {
  const { index, tag } = data;
  for (;;) {
    // Read the doorbell before looking for work: work posted after this read rings it.
    const seen = board.doorValue(index);
    const received = receiveMessageOnPort(data.taskPort);
    if (received) {
      const task = received.message as ToWorker;
      if (task.kind === 'dispose') {
        await disposeWarm();
        port.postMessage({ kind: 'disposed' } satisfies FromWorker);
        continue;
      }
      const ran = runTask(task);
      const outcome = ran instanceof Promise ? await ran : ran;
      bridge.flush();
      port.postMessage({ kind: 'done', taskId: task.taskId, outcome } satisfies FromWorker);
      continue;
    }
    if (data.chain) {
      // Busy before taking: the main thread, seeing it, keeps its tasks for others.
      board.setBusy(index, true);
      const slot = board.take(tag);
      if (slot >= 0) await runBoardCall(slot);
      if (board.setBusy(index, false)) {
        bridge.flush();
        port.postMessage({ kind: 'free' } satisfies FromWorker);
      }
      if (slot >= 0) continue;
    }
    bridge.flush();
    board.setIdle(index, true);
    if (!(data.chain && board.hasQueued())) board.park(index, seen);
    board.setIdle(index, false);
  }
}

void serve();
