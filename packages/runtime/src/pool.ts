import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker } from 'node:worker_threads';
import { serveBridge, type BridgeHandler } from './bridge.js';
import type { CallRequest, CallResult } from './faaslet.js';
import type { LoadedModule } from './modules.js';
import type { FromWorker, ToWorker } from './protocol.js';

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
  /**
   * Upper bound when growing: a call queued while every worker is busy and at least
   * one is blocked in a `waitsForCalls` service (awaiting a chained call) starts a new worker,
   * so chains of awaits cannot deadlock the pool.
   */
  readonly maxSize?: number;
  readonly packages: readonly string[];
  readonly handlers: ReadonlyMap<string, BridgeHandler>;
  /** Bridge services that wait for other calls (e.g. awaiting a chained call). */
  readonly waitsForCalls?: ReadonlySet<string>;
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

interface PoolWorker {
  readonly id: number;
  readonly worker: Worker;
  readonly modules: Set<string>;
  current: { taskId: number; pending: Pending; timer: NodeJS.Timeout | undefined } | undefined;
  blocked: number;
  dead: boolean;
}

export class PoolError extends Error {
  override readonly name = 'PoolError';
}

/** A pool of worker threads running Faaslets, one call per worker at a time. */
export class WorkerPool {
  readonly #workers: PoolWorker[] = [];
  readonly #queue: Pending[] = [];
  readonly #maxSize: number;
  #nextWorkerId = 0;
  #nextTaskId = 0;
  #closed = false;

  constructor(private readonly options: PoolOptions) {
    const size = Math.max(1, options.size ?? availableParallelism());
    this.#maxSize = Math.max(size, options.maxSize ?? 64);
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
    this.#workers.length = 0;
  }

  #spawn(): PoolWorker {
    const { port1, port2 } = new MessageChannel();
    const bridgeState = new SharedArrayBuffer(4);
    const id = this.#nextWorkerId++;
    const worker = new Worker(workerScript(), {
      workerData: { packages: this.options.packages, bridgePort: port2, bridgeState },
      transferList: [port2],
    });
    const entry: PoolWorker = { id, worker, modules: new Set(), current: undefined, blocked: 0, dead: false };
    serveBridge(port1, bridgeState, this.options.handlers, { workerId: id }, (service, busy) => {
      if (!this.options.waitsForCalls?.has(service)) return;
      entry.blocked += busy ? 1 : -1;
      if (busy) this.#dispatch();
    });
    worker.on('message', (message: FromWorker) => this.#onMessage(entry, message));
    worker.on('error', (error) => this.#onDeath(entry, `worker crashed: ${error.message}`));
    worker.on('exit', (code) => this.#onDeath(entry, `worker exited with code ${code}`));
    port1.unref();
    this.#workers.push(entry);
    return entry;
  }

  #onMessage(entry: PoolWorker, message: FromWorker): void {
    const current = entry.current;
    if (!current || current.taskId !== message.taskId) return;
    if (current.timer) clearTimeout(current.timer);
    entry.current = undefined;
    if (message.kind === 'result') current.pending.resolve(message.result);
    else current.pending.reject(new PoolError(message.error));
    this.#dispatch();
  }

  #onDeath(entry: PoolWorker, reason: string): void {
    if (entry.dead) return;
    entry.dead = true;
    const index = this.#workers.indexOf(entry);
    if (index >= 0) this.#workers.splice(index, 1);
    if (entry.current) {
      if (entry.current.timer) clearTimeout(entry.current.timer);
      entry.current.pending.reject(new PoolError(reason));
      entry.current = undefined;
    }
    if (!this.#closed) {
      this.#spawn();
      this.#dispatch();
    }
  }

  #dispatch(): void {
    while (this.#queue.length > 0) {
      let idle = this.#workers.find((w) => !w.current && !w.dead);
      if (!idle) {
        const anyBlocked = this.#workers.some((w) => w.blocked > 0);
        if (!anyBlocked || this.#workers.length >= this.#maxSize) return;
        idle = this.#spawn();
      }
      this.#start(idle, this.#queue.shift()!);
    }
  }

  #start(entry: PoolWorker, pending: Pending): void {
    const { task } = pending;
    const taskId = this.#nextTaskId++;
    if (!entry.modules.has(task.loaded.key)) {
      const { loaded } = task;
      const slim: LoadedModule = { ...loaded, facts: { ...loaded.facts, sections: [] } };
      entry.worker.postMessage({ kind: 'module', loaded: slim } satisfies ToWorker);
      entry.modules.add(loaded.key);
    }
    const timer = task.timeoutMs
      ? setTimeout(() => {
          // A running wasm call cannot be interrupted: replace the worker.
          this.#onDeath(entry, `call timed out after ${task.timeoutMs} ms`);
          void entry.worker.terminate();
        }, task.timeoutMs)
      : undefined;
    entry.current = { taskId, pending, timer };
    entry.worker.postMessage({
      kind: 'invoke',
      taskId,
      moduleKey: task.loaded.key,
      optionsKey: task.optionsKey,
      packageOptions: task.packageOptions,
      request: task.request,
    } satisfies ToWorker);
  }
}
