import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Bridge } from '@faasm/abi';

/** Iterations to spin before sleeping in Atomics.wait (THREADS.md: ~20k ≈ tens of µs). */
const SPIN_ITERATIONS = 20_000;

/** Worker → main: a service request (one-way when `oneWay`), or the result of a nested task. */
export type ToMain =
  | { readonly service: string; readonly request: unknown; readonly oneWay?: true }
  | { readonly nestedId: number; readonly nestedResult: unknown };

/** Main → worker: a service answer, or a task to run while the worker waits. */
export type ToWorkerBridge =
  | { readonly value: unknown }
  | { readonly error: string }
  | { readonly nestedId: number; readonly nested: unknown };

/**
 * Work a blocked worker may do while it waits (the call board's queued calls), so a
 * worker waiting for a call never idles while calls it could run are queued.
 */
export interface BridgeHelper {
  /** Runs one queued task while `service` blocks: true if it ran one. */
  help(service: string): boolean;
  /**
   * Announces the worker asleep in `service` (true) or awake: while asleep, whoever
   * queues work rings the worker's counter. Answers whether work is already queued.
   */
  sleeping(service: string, asleep: boolean): boolean;
}

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
}

/**
 * The worker side of the blocking bridge. `call` posts the request on a dedicated
 * port, then blocks this worker: it spins briefly, then sleeps in Atomics.wait on a
 * SharedArrayBuffer counter the main thread bumps after every message it posts;
 * messages are read synchronously with receiveMessageOnPort. No Asyncify, and the
 * main thread never blocks.
 *
 * While it waits, the main thread may hand it a nested task (e.g. the very chained
 * call it is awaiting): it runs the task with `runNested` and goes back to waiting —
 * Faasm's stack of execution contexts, which keeps chains of awaits from needing a
 * worker per level.
 */
export class WorkerBridge implements Bridge {
  readonly #posted: Int32Array;
  readonly #cell: number;
  readonly #ids: Int32Array | undefined;
  readonly #helper: BridgeHelper | undefined;

  constructor(
    private readonly port: MessagePort,
    counter: SharedArrayBuffer,
    private readonly runNested?: (task: unknown) => unknown,
    /** The control plane's message-id counter, shared by every worker. */
    ids?: SharedArrayBuffer,
    options: {
      /** The counter's Int32 index in `counter` (default 0). */
      readonly cell?: number;
      readonly helper?: BridgeHelper;
    } = {},
  ) {
    this.#posted = new Int32Array(counter);
    this.#cell = options.cell ?? 0;
    this.#ids = ids ? new Int32Array(ids) : undefined;
    this.#helper = options.helper;
  }

  post(service: string, request: unknown): void {
    this.port.postMessage({ service, request, oneWay: true } satisfies ToMain);
  }

  get nextId(): (() => number) | undefined {
    const ids = this.#ids;
    return ids ? () => takeId(ids) : undefined;
  }

  call(service: string, request: unknown): unknown {
    const posted = this.#posted;
    const cell = this.#cell;
    const helper = this.#helper;
    this.port.postMessage({ service, request } satisfies ToMain);
    for (;;) {
      // Read the counter before the port: a message posted after this load either is
      // received below or has already moved the counter, so the wait cannot miss it.
      const seen = Atomics.load(posted, cell);
      const received = receiveMessageOnPort(this.port);
      if (received) {
        const message = received.message as ToWorkerBridge;
        if ('nested' in message) {
          if (!this.runNested) throw new BridgeError(`${service}: nested task offered to a worker that cannot run one`);
          const nestedResult = this.runNested(message.nested);
          this.port.postMessage({ nestedId: message.nestedId, nestedResult } satisfies ToMain);
          continue;
        }
        if ('error' in message) throw new BridgeError(`${service}: ${message.error}`);
        return message.value;
      }
      if (helper?.help(service)) continue;
      for (let i = 0; i < SPIN_ITERATIONS && Atomics.load(posted, cell) === seen; i++);
      if (Atomics.load(posted, cell) !== seen) continue;
      if (helper) {
        const queued = helper.sleeping(service, true);
        if (!queued) while (Atomics.load(posted, cell) === seen) Atomics.wait(posted, cell, seen, 1000);
        helper.sleeping(service, false);
        continue;
      }
      while (Atomics.load(posted, cell) === seen) Atomics.wait(posted, cell, seen, 1000);
    }
  }
}

/** A u32 message id, never 0, from a counter shared between threads. */
export function takeId(counter: Int32Array): number {
  for (;;) {
    const id = (Atomics.add(counter, 0, 1) + 1) >>> 0;
    if (id !== 0) return id;
  }
}

/** A main-thread handler of one bridge service. */
export type BridgeHandler = (request: never, context: { readonly workerId: number }) => unknown;

/** The main thread's end of one worker's bridge. */
export class BridgeServer {
  readonly #posted: Int32Array;
  readonly #cell: number;

  constructor(
    private readonly port: MessagePort,
    counter: SharedArrayBuffer,
    handlers: ReadonlyMap<string, BridgeHandler>,
    context: { readonly workerId: number },
    hooks: {
      /** A request starts (true) or is answered (false). */
      readonly busy: (service: string, busy: boolean) => void;
      readonly nestedResult: (nestedId: number, result: unknown) => void;
      readonly oneWayError: (service: string, error: unknown) => void;
    },
    /** The counter's Int32 index in `counter` (default 0). */
    cell = 0,
  ) {
    this.#posted = new Int32Array(counter);
    this.#cell = cell;
    port.on('message', (message: ToMain) => {
      if ('nestedId' in message) {
        hooks.nestedResult(message.nestedId, message.nestedResult);
        return;
      }
      const handler = handlers.get(message.service);
      if (message.oneWay) {
        // Nobody waits: a failure can only be logged.
        Promise.resolve()
          .then(() => {
            if (!handler) throw new Error(`no control-plane service '${message.service}'`);
            return handler(message.request as never, context);
          })
          .catch((error: unknown) => hooks.oneWayError(message.service, error));
        return;
      }
      hooks.busy(message.service, true);
      const answer = (reply: ToWorkerBridge) => {
        this.#post(reply);
        hooks.busy(message.service, false);
      };
      if (!handler) {
        answer({ error: `no control-plane service '${message.service}'` });
        return;
      }
      Promise.resolve()
        .then(() => handler(message.request as never, context))
        .then(
          (value) => answer({ value }),
          (error: unknown) => answer({ error: error instanceof Error ? error.message : String(error) }),
        );
    });
  }

  /** Hands a task to the worker while it waits in a bridge call. */
  offerNested(nestedId: number, nested: unknown): void {
    this.#post({ nestedId, nested });
  }

  #post(message: ToWorkerBridge): void {
    this.port.postMessage(message);
    Atomics.add(this.#posted, this.#cell, 1);
    Atomics.notify(this.#posted, this.#cell);
  }

  close(): void {
    this.port.close();
  }
}
