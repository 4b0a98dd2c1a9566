import type { AwaitRequest, AwaitResponse, CallResult, ChainedCall, ChainRequest, ChainResponse, MigrateRequest } from './protocol.js';
import { CHAIN_SERVICES, PYTHON_FUNCTION } from './protocol.js';

/** Runs a chained call; may answer synchronously (a value) or later (a promise). */
export type Invoker = (call: ChainedCall) => CallResult | Promise<CallResult>;

/** A bridge service handler: answers a value, or a promise of one. */
export type ServiceHandler = (request: never) => unknown;

export interface ChainSchedulerOptions {
  /** Await timeout in ms (Faasm's default: 300 s). */
  timeoutMs?: number;
  /** The first message id (default: random in [1, 2^30), so hosts rarely collide). */
  firstId?: number;
  /** Takes ids from an id space shared with the workers (overrides `firstId`). */
  ids?: () => number;
  /** How many finished results to keep for late awaits (default 100,000). */
  retain?: number;
  /**
   * Called with +1 when a worker starts blocking on an unfinished call and -1 when
   * it stops: the runtime grows its pool while workers are blocked, so a chain deeper
   * than the pool cannot deadlock.
   */
  onBlocked?: (delta: 1 | -1) => void;
}

interface Entry {
  result: CallResult | undefined;
  done: Promise<CallResult>;
  /** Settles a call tracked with `track` (it runs outside the invoker). */
  settle?: (result: CallResult) => void;
}

const ENCODER = new TextEncoder();

/** Faasm's output for a failed call (shared/spec/faasm-abi.md, "Return value"). */
export function failedOutput(returnValue: number): Uint8Array {
  return ENCODER.encode(`Call failed (return value=${returnValue})`);
}

/**
 * The control-plane side of chaining (Faasm's scheduler as seen by a function): gives
 * every chained call a message id in the caller's app, starts it through the invoker
 * at once (calls run concurrently), keeps its result for awaits, and answers awaits
 * with the return value (1 on error, unknown id, or timeout).
 */
export class ChainScheduler {
  readonly #invoker: Invoker;
  readonly #timeoutMs: number;
  readonly #retain: number;
  readonly #onBlocked: ((delta: 1 | -1) => void) | undefined;
  readonly #ids: (() => number) | undefined;
  readonly #calls = new Map<number, Entry>();
  readonly #finished: number[] = [];
  #nextId: number;

  constructor(invoker: Invoker, options: ChainSchedulerOptions = {}) {
    this.#invoker = invoker;
    this.#timeoutMs = options.timeoutMs ?? 300_000;
    this.#retain = options.retain ?? 100_000;
    this.#onBlocked = options.onBlocked;
    this.#ids = options.ids;
    this.#nextId = options.firstId ?? 1 + Math.floor(Math.random() * (2 ** 30 - 1));
  }

  /** A fresh message id (u32, never 0); the runtime may use it for top-level calls too. */
  nextId(): number {
    if (this.#ids) return this.#ids();
    const id = this.#nextId >>> 0 || 1;
    this.#nextId = (id + 1) >>> 0 || 1;
    return id;
  }

  /** Starts a chained call; answers its id before it runs. */
  chain(request: ChainRequest): ChainResponse {
    const id = request.id !== undefined ? request.id >>> 0 : this.nextId();
    this.start(id, this.#callFor(id, request));
    return { id };
  }

  /** Re-runs `entry(arg)` from the given memory under the caller's message id. */
  migrate(request: MigrateRequest): ChainResponse {
    const { caller } = request;
    const call: ChainedCall = {
      message: { id: caller.id, appId: caller.appId, user: caller.user, function: caller.function, input: new Uint8Array(0) },
      funcPtr: request.funcPtr,
      arg: request.arg,
      memory: request.memory,
    };
    // The migrated run finishes the original message: its result is the caller's.
    this.#calls.delete(caller.id);
    this.start(caller.id, call);
    return { id: caller.id };
  }

  #callFor(id: number, request: ChainRequest): ChainedCall {
    const { caller } = request;
    const base = { id, appId: caller.appId, input: request.input };
    switch (request.kind) {
      case 'name':
        return { message: { ...base, user: caller.user, function: requireName(request) } };
      case 'ptr':
        if (request.funcPtr === undefined) throw new Error('faasm.chain: a pointer call needs funcPtr');
        return { message: { ...base, user: caller.user, function: caller.function }, funcPtr: request.funcPtr >>> 0 };
      case 'py':
        return {
          message: {
            ...base,
            ...PYTHON_FUNCTION,
            pythonUser: caller.user,
            pythonFunction: caller.function,
            pythonEntry: requireName(request),
          },
        };
      default:
        throw new Error(`faasm.chain: unknown call kind '${String((request as { kind: unknown }).kind)}'`);
    }
  }

  /**
   * Registers a call that runs outside the invoker (the runtime scheduled it between
   * its workers): awaits of `id` wait until `complete(id, …)`. No-op for a known id.
   */
  track(id: number): void {
    id >>>= 0;
    if (this.#calls.has(id)) return;
    let resolve: (result: CallResult) => void = () => {};
    const done = new Promise<CallResult>((r) => (resolve = r));
    const entry: Entry = { result: undefined, done, settle: (result) => resolve(this.#finish(id, entry, result)) };
    this.#calls.set(id, entry);
  }

  /** The result of a call that ran outside the invoker (tracked or not); a finished call keeps its first result. */
  complete(id: number, result: CallResult): void {
    id >>>= 0;
    const entry = this.#calls.get(id);
    if (entry?.result) return;
    if (entry?.settle) {
      entry.settle(result);
      return;
    }
    const finished: Entry = { result: undefined, done: Promise.resolve(result) };
    this.#calls.set(id, finished);
    this.#finish(id, finished, result);
  }

  /** Whether `id` is a call this scheduler knows (running or finished and retained). */
  has(id: number): boolean {
    return this.#calls.has(id >>> 0);
  }

  #finish(id: number, entry: Entry, result: CallResult): CallResult {
    entry.result = result;
    this.#finished.push(id);
    while (this.#finished.length > this.#retain) this.#calls.delete(this.#finished.shift()!);
    return result;
  }

  /** Runs `call` under `id` (used for chained calls; the runtime may register its own). */
  start(id: number, call: ChainedCall): void {
    const entry: Entry = { result: undefined, done: Promise.resolve({ returnValue: 1, output: new Uint8Array(0) }) };
    const finish = (result: CallResult): CallResult => this.#finish(id, entry, result);
    const fail = (error: unknown): CallResult => {
      const detail = error instanceof Error ? error.message : String(error);
      return finish({ returnValue: 1, output: ENCODER.encode(`Call failed (return value=1): ${detail}`) });
    };
    this.#calls.set(id, entry);
    let answer: CallResult | Promise<CallResult>;
    try {
      answer = this.#invoker(call);
    } catch (error) {
      fail(error);
      entry.done = Promise.resolve(entry.result!);
      return;
    }
    if (answer instanceof Promise) {
      entry.done = answer.then(finish, fail);
    } else {
      finish(answer);
      entry.done = Promise.resolve(answer);
    }
  }

  /** The result of a call, once it has finished (undefined while it runs or if unknown). */
  result(id: number): CallResult | undefined {
    return this.#calls.get(id >>> 0)?.result;
  }

  /** Awaits a call: synchronously if it has finished, else a promise (bounded by the timeout). */
  await(request: AwaitRequest): AwaitResponse | Promise<AwaitResponse> {
    const entry = this.#calls.get(request.id >>> 0);
    if (!entry) return { returnValue: 1, error: `no call with id ${request.id >>> 0}` };
    if (entry.result) return respond(entry.result, request.output);
    const timeoutMs = request.timeoutMs ?? this.#timeoutMs;
    this.#onBlocked?.(1);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<AwaitResponse>((resolve) => {
      timer = setTimeout(() => resolve({ returnValue: 1, error: `call ${request.id >>> 0} timed out after ${timeoutMs} ms` }), timeoutMs);
    });
    return Promise.race([entry.done.then((result) => respond(result, request.output)), timeout]).finally(() => {
      clearTimeout(timer);
      this.#onBlocked?.(-1);
    });
  }

  /** The bridge services to register on the main thread: service name → handler. */
  handlers(): Record<string, ServiceHandler> {
    return {
      [CHAIN_SERVICES.chain]: (request: ChainRequest) => this.chain(request),
      [CHAIN_SERVICES.await]: (request: AwaitRequest) => this.await(request),
      [CHAIN_SERVICES.migrate]: (request: MigrateRequest) => this.migrate(request),
    };
  }
}

function requireName(request: ChainRequest): string {
  if (!request.function) throw new Error('faasm.chain: a named call needs a function name');
  return request.function;
}

function respond(result: CallResult, withOutput: boolean): AwaitResponse {
  return withOutput ? { returnValue: result.returnValue, output: result.output } : { returnValue: result.returnValue };
}
