import { closeSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { FdLedger } from '@faasm/abi';
import { CallBoard, type BoardResult } from './board.js';
import { BridgeServer, type BridgeHandler } from './bridge.js';
import type { CallRequest, CallResult } from './faaslet.js';
import type { LoadedModule } from './modules.js';
import type { ControlMessage, FromWorker, PoolWorkerData, TaskMessage, TaskOutcome, ToWorker } from './protocol.js';

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
  /**
   * Chained calls scheduled between workers on the call board (see board.ts): the
   * package options every chained call runs with, and where results of calls lost
   * with a dead worker go. Without it every chained call goes through the main thread.
   */
  readonly board?: {
    readonly packageOptions: Readonly<Record<string, unknown>>;
    readonly lost: (results: BoardResult[]) => void;
  };
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
  /** Its index on the call board (doorbell, idle flag): reused by its replacement. */
  readonly index: number;
  readonly worker: Worker;
  /** Where tasks are posted; the worker parks on its doorbell until it is rung. */
  readonly tasks: MessagePort;
  /** Where the functions and modules the pool knows are announced. */
  readonly control: MessagePort;
  readonly bridge: BridgeServer;
  /** Raw fds its Faaslets keep (sockets): closed here if it dies without disposing them. */
  readonly keptFds: FdLedger;
  readonly modules: Set<string>;
  /** The top-level task. */
  current: { taskId: number; running: Running } | undefined;
  /** Tasks handed over while the worker waited (a stack inside the worker). */
  readonly nested: Map<number, Running>;
  /** Outstanding requests to services that wait for other calls. */
  waiting: number;
  dead: boolean;
  /** While the pool closes: called when the worker answers `disposed` (or dies). */
  disposed: (() => void) | undefined;
}

export class PoolError extends Error {
  override readonly name = 'PoolError';
}

/** A pool of worker threads running Faaslets. */
export class WorkerPool {
  readonly #workers: PoolWorker[] = [];
  readonly #queue: Pending[] = [];
  readonly #board: CallBoard;
  readonly #freeIndices: number[] = [];
  /** Functions announced to workers (board calls name them by index). */
  readonly #functions: Array<{ readonly user: string; readonly function: string; readonly loaded: LoadedModule }> = [];
  readonly #functionIndex = new Map<string, number>();
  /** While tasks run: hands lone board calls their chainer left waiting to idle workers. */
  #watch: NodeJS.Timeout | undefined;
  #nextWorkerId = 0;
  #nextTaskId = 0;
  #closed = false;

  constructor(private readonly options: PoolOptions) {
    const size = Math.max(1, options.size ?? availableParallelism());
    this.#board = new CallBoard(CallBoard.create(size, options.board ? 16384 : 1));
    for (let i = size - 1; i >= 0; i--) this.#freeIndices.push(i);
    for (let i = 0; i < size; i++) this.#spawn();
  }

  /** The call board (shared with every worker). */
  get board(): CallBoard {
    return this.#board;
  }

  /**
   * Makes `user/function` known to every worker (now and later), so a Faaslet may chain
   * it through the call board. The first module announced for a name stays.
   */
  announce(user: string, fn: string, loaded: LoadedModule): void {
    const name = `${user}/${fn}`;
    if (this.#functionIndex.has(name)) return;
    const index = this.#functions.length;
    this.#functions.push({ user, function: fn, loaded });
    this.#functionIndex.set(name, index);
    for (const w of this.#workers) this.#announceTo(w, index);
  }

  #announceTo(entry: PoolWorker, index: number): void {
    const { user, function: fn, loaded } = this.#functions[index]!;
    const first = !entry.modules.has(loaded.key);
    if (first) entry.modules.add(loaded.key);
    entry.control.postMessage({
      index,
      user,
      function: fn,
      moduleKey: loaded.key,
      ...(first ? { loaded: shippable(loaded) } : {}),
    } satisfies ControlMessage);
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

  /**
   * Closes the pool: queued calls fail, each worker is asked to dispose its warm
   * Faaslets (kept connections, fds and thread workers are process-wide: terminating
   * the worker would leak them) and terminated once it answers, or after
   * {@link DISPOSE_TIMEOUT_MS} (a worker stuck in a guest cannot answer).
   */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#watch);
    for (const p of this.#queue.splice(0)) p.reject(new PoolError('the runtime was closed'));
    await Promise.all(this.#workers.map((w) => this.#disposeWorker(w)));
    await Promise.all(this.#workers.map((w) => w.worker.terminate()));
    for (const w of this.#workers) {
      closeKept(w);
      w.bridge.close();
      w.tasks.close();
      w.control.close();
    }
    this.#workers.length = 0;
  }

  /** Asks a worker to dispose its Faaslets; resolves on its answer, its death or the timeout. */
  #disposeWorker(entry: PoolWorker): Promise<void> {
    if (entry.dead) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, DISPOSE_TIMEOUT_MS);
      function done(): void {
        clearTimeout(timer);
        entry.disposed = undefined;
        resolve();
      }
      entry.disposed = done;
      entry.tasks.postMessage({ kind: 'dispose' } satisfies ToWorker);
      this.#board.ring(entry.index);
    });
  }

  #spawn(): PoolWorker {
    const { port1, port2 } = new MessageChannel();
    const taskChannel = new MessageChannel();
    const controlChannel = new MessageChannel();
    const id = this.#nextWorkerId++;
    const index = this.#freeIndices.pop()!;
    const board = this.#board;
    // A dead predecessor's flags go with it.
    board.setIdle(index, false);
    board.setBusy(index, false);
    const keptFds = new FdLedger(FdLedger.allocate());
    const workerData: PoolWorkerData = {
      packages: this.options.packages,
      bridgePort: port2,
      taskPort: taskChannel.port2,
      controlPort: controlChannel.port2,
      board: board.buffer,
      index,
      // Tags are never 0 (a slot's untagged states belong to its chainer).
      tag: id + 1,
      ids: this.options.ids,
      keptFds: keptFds.buffer,
      ...(this.options.board ? { chain: { packageOptions: this.options.board.packageOptions } } : {}),
    };
    const worker = new Worker(workerScript(), { workerData, transferList: [port2, taskChannel.port2, controlChannel.port2] });
    taskChannel.port1.unref();
    controlChannel.port1.unref();
    const waitsForCalls = this.options.waitsForCalls;
    const entry: PoolWorker = {
      id,
      index,
      worker,
      tasks: taskChannel.port1,
      control: controlChannel.port1,
      bridge: new BridgeServer(port1, board.buffer, this.options.handlers, { workerId: id }, {
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
      }, board.doorCell(index)),
      keptFds,
      modules: new Set(),
      current: undefined,
      nested: new Map(),
      waiting: 0,
      dead: false,
      disposed: undefined,
    };
    port1.unref();
    worker.on('message', (message: FromWorker) => {
      if (message.kind === 'free') {
        this.#dispatch();
        return;
      }
      if (message.kind === 'watch') {
        this.#startWatch();
        return;
      }
      if (message.kind === 'disposed') {
        entry.disposed?.();
        return;
      }
      const current = entry.current;
      if (!current || current.taskId !== message.taskId) return;
      entry.current = undefined;
      this.#settle(current.running, message.outcome);
      this.#dispatch();
    });
    worker.on('error', (error) => this.#onDeath(entry, `worker crashed: ${error.message}`));
    worker.on('exit', (code) => {
      closeKept(entry);
      this.#onDeath(entry, `worker exited with code ${code}`);
    });
    this.#workers.push(entry);
    for (let f = 0; f < this.#functions.length; f++) this.#announceTo(entry, f);
    return entry;
  }

  #settle(running: Running, outcome: TaskOutcome): void {
    if (running.timer) clearTimeout(running.timer);
    if ('result' in outcome) running.pending.resolve(outcome.result);
    else running.pending.reject(new PoolError(outcome.error));
  }

  /**
   * A Faaslet chaining a single call does not wake another worker for it (it usually
   * awaits it next and runs it itself, which is cheaper). Once a worker asked for it,
   * and while workers are busy, the pool looks every few milliseconds for a call still
   * queued and hands it to an idle worker, so a call its chainer leaves waiting (busy
   * with other work) still starts soon. Only on demand, and not every millisecond: a
   * timer wake-up costs ~90 µs of CPU on the 2-core VM (measured).
   */
  #startWatch(): void {
    const board = this.#board;
    board.setWatch(true);
    if (!this.options.board || this.#watch || this.#closed) return;
    this.#watch = setInterval(() => {
      if (board.hasQueued()) {
        board.wakeIdle();
        return;
      }
      if (this.#workers.some((w) => w.current || w.nested.size > 0 || board.busy(w.index))) return;
      clearInterval(this.#watch);
      this.#watch = undefined;
      board.setWatch(false);
      // A call queued just before the watch stopped was posted without a request.
      if (board.hasQueued()) this.#startWatch();
    }, WATCH_MS);
    this.#watch.unref();
  }

  #onDeath(entry: PoolWorker, reason: string): void {
    if (entry.dead) return;
    entry.dead = true;
    entry.disposed?.();
    const index = this.#workers.indexOf(entry);
    if (index >= 0) this.#workers.splice(index, 1);
    const lost = [...(entry.current ? [entry.current.running] : []), ...entry.nested.values()];
    entry.current = undefined;
    entry.nested.clear();
    for (const running of lost) this.#settle(running, { error: reason });
    entry.bridge.close();
    entry.tasks.close();
    entry.control.close();
    // Board calls it had claimed fail; results it had not reported yet are kept.
    if (this.options.board && !this.#closed) {
      const results = this.#board.reclaim(entry.id + 1, reason);
      if (results.length > 0) this.options.board.lost(results);
    }
    this.#freeIndices.push(entry.index);
    if (!this.#closed) {
      this.#spawn();
      this.#dispatch();
    }
  }

  #dispatch(): void {
    const board = this.#board;
    while (this.#queue.length > 0) {
      // Idle: no task of ours, and not running a board call at top level.
      const idle = this.#workers.find((w) => !w.current && !w.dead && !board.busy(w.index));
      if (idle) {
        this.#start(idle, this.#queue.shift()!, false);
        continue;
      }
      // A worker waiting for another call (and not already running a nested one at
      // that depth) runs the next call inside its wait.
      const waiting = this.#workers.find((w) => !w.dead && w.waiting > w.nested.size);
      if (waiting) {
        this.#start(waiting, this.#queue.shift()!, true);
        continue;
      }
      // Workers busy with board calls say when they are free; look once more after
      // saying tasks wait, so a worker freed meanwhile is not missed.
      board.setMainQueued(true);
      if (!this.#workers.some((w) => !w.current && !w.dead && !board.busy(w.index))) return;
    }
    board.setMainQueued(false);
  }

  #start(entry: PoolWorker, pending: Pending, nested: boolean): void {
    const { task } = pending;
    const taskId = this.#nextTaskId++;
    const first = !entry.modules.has(task.loaded.key);
    if (first) entry.modules.add(task.loaded.key);
    const message: TaskMessage = {
      taskId,
      moduleKey: task.loaded.key,
      ...(first ? { loaded: shippable(task.loaded) } : {}),
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
      this.#board.ring(entry.index);
    }
  }
}

/** How often the pool looks for board calls left queued while workers are busy. */
const WATCH_MS = 5;
/**
 * How long close() waits for a worker to dispose its Faaslets before terminating it
 * anyway: a worker mid-call answers once the call ends, one stuck in a guest never does.
 */
const DISPOSE_TIMEOUT_MS = 500;

/**
 * Closes the fds a worker's Faaslets still kept when it stopped (it was terminated
 * without disposing them). Only once the worker is gone: it can no longer use them, and
 * it released each fd before closing it, so every number left is still ours.
 */
function closeKept(entry: PoolWorker): void {
  for (const fd of entry.keptFds.drain()) {
    try {
      closeSync(fd);
    } catch {
      // Already closed: nothing to do.
    }
  }
}

/** A loaded module as sent to a worker (without the binary's sections). */
function shippable(loaded: LoadedModule): LoadedModule {
  return { ...loaded, facts: { ...loaded.facts, sections: [] } };
}
