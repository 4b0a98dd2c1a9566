import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { BridgeServer, type BridgeHandler } from './bridge.js';
import type { CallRequest, CallResult } from './faaslet.js';
import type { LoadedModule } from './modules.js';
import type { FromWorker, TaskMessage, TaskOutcome, ToWorker } from './protocol.js';

/**
 * The worker script. Tests run this package's TypeScript sources through vitest, but
 * worker threads load plain JavaScript, so a source path maps to the built file.
 */
export function workerScript(): URL {
  const here = fileURLToPath(import.meta.url);
  const built = here.endsWith('.ts') ? here.replace(/\/src\/[^/]+\.ts$/, '/dist/worker.js') : here.replace(/[^/]+\.js$/, 'worker.js');
  return new URL(`file://${built}`);
}

export interface PoolOptions {
  /** Workers started up front (default: available cores). */
  readonly size?: number;
  readonly packages: readonly string[];
  readonly handlers: ReadonlyMap<string, BridgeHandler>;
  /**
   * Bridge services that wait for other calls (awaiting a chained call). A worker
   * blocked in one of them takes queued calls as nested tasks when no worker is idle,
   * so chains of awaits deeper than the pool cannot deadlock it.
   */
  readonly waitsForCalls?: ReadonlySet<string>;
  /** The control plane's message-id counter, shared with every worker (`Bridge.nextId`). */
  readonly ids?: SharedArrayBuffer;
}

export interface Task {
  readonly loaded: LoadedModule;
  readonly optionsKey: string;
  readonly packageOptions: Readonly<Record<string, unknown>>;
  readonly request: CallRequest;
  readonly timeoutMs: number | undefined;
}

interface Pending {
  readonly task: Task;
  readonly resolve: (result: CallResult) => void;
  readonly reject: (error: Error) => void;
}

interface Running {
  readonly pending: Pending;
  readonly timer: NodeJS.Timeout | undefined;
}

interface PoolWorker {
  readonly id: number;
  readonly worker: Worker;
  /** Where tasks are posted; the worker parks on `door` until it is rung. */
  readonly tasks: MessagePort;
  readonly door: Int32Array;
  readonly bridge: BridgeServer;
  readonly modules: Set<string>;
  /** The top-level task. */
  current: { taskId: number; running: Running } | undefined;
  /** Tasks handed over while the worker waited (a stack inside the worker). */
  readonly nested: Map<number, Running>;
  /** Outstanding requests to services that wait for other calls. */
  waiting: number;
  dead: boolean;
}

export class PoolError extends Error {
  override readonly name = 'PoolError';
}

/** A pool of worker threads running Faaslets. */
export class WorkerPool {
  readonly #workers: PoolWorker[] = [];
  readonly #queue: Pending[] = [];
  #nextWorkerId = 0;
  #nextTaskId = 0;
  #closed = false;

  constructor(private readonly options: PoolOptions) {
    const size = Math.max(1, options.size ?? availableParallelism());
    for (let i = 0; i < size; i++) this.#spawn();
  }

  get size(): number {
    return this.#workers.length;
  }

  run(task: Task): Promise<CallResult> {
    if (this.#closed) return Promise.reject(new PoolError('the runtime is closed'));
    return new Promise<CallResult>((resolve, reject) => {
      this.#queue.push({ task, resolve, reject });
      this.#dispatch();
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const p of this.#queue.splice(0)) p.reject(new PoolError('the runtime was closed'));
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
    for (const w of this.#workers) {
      w.bridge.close();
      w.tasks.close();
    }
    this.#workers.length = 0;
  }

  #spawn(): PoolWorker {
    const { port1, port2 } = new MessageChannel();
    const bridgeCounter = new SharedArrayBuffer(4);
    const taskChannel = new MessageChannel();
    const taskDoor = new SharedArrayBuffer(4);
    const id = this.#nextWorkerId++;
    const worker = new Worker(workerScript(), {
      workerData: { packages: this.options.packages, bridgePort: port2, bridgeCounter, taskPort: taskChannel.port2, taskDoor, ids: this.options.ids },
      transferList: [port2, taskChannel.port2],
    });
    taskChannel.port1.unref();
    const waitsForCalls = this.options.waitsForCalls;
    const entry: PoolWorker = {
      id,
      worker,
      tasks: taskChannel.port1,
      door: new Int32Array(taskDoor),
      bridge: new BridgeServer(port1, bridgeCounter, this.options.handlers, { workerId: id }, {
        busy: (service, busy) => {
          if (!waitsForCalls?.has(service)) return;
          entry.waiting += busy ? 1 : -1;
          if (busy) this.#dispatch();
        },
        oneWayError: (service, error) => {
          process.stderr.write(`[faasm] ${service} (one-way, worker ${id}): ${error instanceof Error ? error.message : String(error)}\n`);
        },
        nestedResult: (nestedId, outcome) => {
          const running = entry.nested.get(nestedId);
          if (!running) return;
          entry.nested.delete(nestedId);
          this.#settle(running, outcome as TaskOutcome);
          this.#dispatch();
        },
      }),
      modules: new Set(),
      current: undefined,
      nested: new Map(),
      waiting: 0,
      dead: false,
    };
    port1.unref();
    worker.on('message', (message: FromWorker) => {
      const current = entry.current;
      if (!current || current.taskId !== message.taskId) return;
      entry.current = undefined;
      this.#settle(current.running, message.outcome);
      this.#dispatch();
    });
    worker.on('error', (error) => this.#onDeath(entry, `worker crashed: ${error.message}`));
    worker.on('exit', (code) => this.#onDeath(entry, `worker exited with code ${code}`));
    this.#workers.push(entry);
    return entry;
  }

  #settle(running: Running, outcome: TaskOutcome): void {
    if (running.timer) clearTimeout(running.timer);
    if ('result' in outcome) running.pending.resolve(outcome.result);
    else running.pending.reject(new PoolError(outcome.error));
  }

  #onDeath(entry: PoolWorker, reason: string): void {
    if (entry.dead) return;
    entry.dead = true;
    const index = this.#workers.indexOf(entry);
    if (index >= 0) this.#workers.splice(index, 1);
    const lost = [...(entry.current ? [entry.current.running] : []), ...entry.nested.values()];
    entry.current = undefined;
    entry.nested.clear();
    for (const running of lost) this.#settle(running, { error: reason });
    entry.bridge.close();
    entry.tasks.close();
    if (!this.#closed) {
      this.#spawn();
      this.#dispatch();
    }
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      const idle = this.#workers.find((w) => !w.current && !w.dead);
      if (idle) {
        this.#start(idle, this.#queue.shift()!, false);
        continue;
      }
      // A worker waiting for another call (and not already running a nested one at
      // that depth) runs the next call inside its wait.
      const waiting = this.#workers.find((w) => !w.dead && w.waiting > w.nested.size);
      if (!waiting) return;
      this.#start(waiting, this.#queue.shift()!, true);
    }
  }

  #start(entry: PoolWorker, pending: Pending, nested: boolean): void {
    const { task } = pending;
    const taskId = this.#nextTaskId++;
    const first = !entry.modules.has(task.loaded.key);
    if (first) entry.modules.add(task.loaded.key);
    const message: TaskMessage = {
      taskId,
      moduleKey: task.loaded.key,
      ...(first ? { loaded: { ...task.loaded, facts: { ...task.loaded.facts, sections: [] } } } : {}),
      optionsKey: task.optionsKey,
      packageOptions: task.packageOptions,
      request: task.request,
    };
    const timer = task.timeoutMs
      ? setTimeout(() => {
          // A running wasm call cannot be interrupted: replace the worker (and fail
          // every call on its stack).
          this.#onDeath(entry, `call timed out after ${task.timeoutMs} ms`);
          void entry.worker.terminate();
        }, task.timeoutMs)
      : undefined;
    const running: Running = { pending, timer };
    if (nested) {
      entry.nested.set(taskId, running);
      entry.bridge.offerNested(taskId, message);
    } else {
      entry.current = { taskId, running };
      entry.tasks.postMessage({ kind: 'invoke', ...message } satisfies ToWorker);
      Atomics.add(entry.door, 0, 1);
      Atomics.notify(entry.door, 0);
    }
  }
}
