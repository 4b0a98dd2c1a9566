import type { Bridge } from '@faasm/abi';
import { CHAIN_SERVICES, type AwaitRequest, type AwaitResponse, type ChainRequest } from '@faasm/functions';
import { packResults, type BoardCall, type BoardResult, type CallBoard } from './board.js';
import type { BridgeHelper, WorkerBridge } from './bridge.js';

/** The one-way service by which workers report board calls' results (PackedResults). */
export const BOARD_RESULTS = 'faasm.board.results';

/** Results a worker keeps before posting them to the main thread in one message. */
const BATCH = 256;

/**
 * Spins (each a look at the slot, or a queued call run meanwhile) an awaiter makes
 * while the call runs in another worker, before it waits on the main thread instead.
 */
const AWAIT_SPINS = 20_000;

/** What the worker provides: function lookup and running a claimed call in place. */
export interface BoardRunner {
  /** The pool's index of `user/function`, if the pool announced it. */
  resolve(user: string, fn: string): number | undefined;
  /** Runs a claimed call as a nested task (synchronously, inside a blocked call). */
  runNested(call: BoardCall): BoardResult;
  /** Asks the main thread to watch for calls left queued (see `CallBoard.requestWatch`). */
  wantWatch(): void;
}

/**
 * A worker's bridge with chaining on the call board: `faasm.chain` posts go on the
 * board when they can (a known function, a small input), `faasm.await` calls are
 * answered from it (a queued call is claimed and run right here; a finished one read
 * from its slot), and everything else goes to the main thread through `inner`. While
 * it waits on the main thread for a call, the worker runs queued board calls
 * (`BridgeHelper`). Results of calls this worker ran reach the main thread in batches,
 * flushed before any other message to it and before the worker sleeps.
 */
export class BoardBridge implements Bridge, BridgeHelper {
  #inner: WorkerBridge | undefined;
  #nextId: (() => number) | undefined;
  #pending: BoardResult[] = [];

  constructor(
    private readonly board: CallBoard,
    /** This worker's index (doorbell, idle flag) and tag (claims) on the board. */
    private readonly worker: { readonly index: number; readonly tag: number },
    private readonly runner: BoardRunner,
  ) {}

  /** The bridge to the main thread (constructed with this object as its helper). */
  attach(inner: WorkerBridge): void {
    this.#inner = inner;
    this.#nextId = inner.nextId;
  }

  get #main(): WorkerBridge {
    if (!this.#inner) throw new Error('BoardBridge used before attach()');
    return this.#inner;
  }

  get nextId(): (() => number) | undefined {
    return this.#nextId;
  }

  post(service: string, request: unknown): void {
    if (service === CHAIN_SERVICES.chain && this.#chainOnBoard(request as ChainRequest)) return;
    this.flush();
    this.#main.post(service, request);
  }

  call(service: string, request: unknown): unknown {
    if (service === CHAIN_SERVICES.await) {
      const answer = this.#awaitOnBoard(request as AwaitRequest);
      if (answer) return answer;
    }
    this.flush();
    return this.#main.call(service, request);
  }

  /** Posts the results not yet reported to the main thread. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.#main.post(BOARD_RESULTS, packResults(batch));
    this.board.reported(batch.map((r) => r.id));
  }

  help(service: string): boolean {
    if (service !== CHAIN_SERVICES.await) return false;
    const slot = this.board.take(this.worker.tag);
    if (slot < 0) return false;
    this.#runClaimed(slot);
    return true;
  }

  sleeping(service: string, asleep: boolean): boolean {
    if (service !== CHAIN_SERVICES.await) return false;
    if (asleep) this.flush();
    this.board.setIdle(this.worker.index, asleep);
    return asleep && this.board.hasQueued();
  }

  /** Records the result of a call this worker claimed and ran. */
  complete(slot: number, result: BoardResult): void {
    switch (this.board.finish(slot, this.worker.tag, result)) {
      case 'lost':
        return;
      case 'inline':
        this.#pending.push(result);
        if (this.#pending.length >= BATCH) this.flush();
        return;
      case 'urgent':
        this.#pending.push(result);
        this.flush();
        return;
      case 'remote':
        this.#pending.push(result);
        this.flush();
        this.board.finishRemote(slot, this.worker.tag);
        return;
    }
  }

  #runClaimed(slot: number): void {
    this.complete(slot, this.runner.runNested(this.board.callIn(slot)));
  }

  #chainOnBoard(request: ChainRequest): boolean {
    // Python calls, and calls whose id the main thread gives, keep the main thread's path.
    if (request.id === undefined || request.kind === 'py') return false;
    const { caller } = request;
    let fn: string;
    let funcPtr = -1;
    if (request.kind === 'ptr') {
      if (request.funcPtr === undefined) return false;
      fn = caller.function;
      funcPtr = request.funcPtr >>> 0;
    } else {
      if (!request.function) return false;
      fn = request.function;
    }
    const func = this.runner.resolve(caller.user, fn);
    if (func === undefined) return false;
    const ahead = this.board.post({ id: request.id, appId: caller.appId, func, funcPtr, input: request.input });
    if (ahead < 0) return false;
    // A lone call is usually awaited next, and then run right here: waking a worker
    // for it would cost more CPU than it saves. With calls ahead of it, another worker
    // helps now; a lone call the chainer leaves waiting is handed out by the pool's
    // watch (pool.ts) within a few milliseconds (asked for once while workers are busy).
    if (ahead > 0) this.board.wakeIdle();
    else if (this.board.requestWatch()) this.runner.wantWatch();
    return true;
  }

  #awaitOnBoard(request: AwaitRequest): AwaitResponse | undefined {
    const id = request.id >>> 0;
    let spins = 0;
    for (;;) {
      const found = this.board.lookup(id, this.worker.tag);
      switch (found.kind) {
        case 'absent':
          return undefined;
        case 'done': {
          const { returnValue, output } = found.result;
          return request.output ? { returnValue, output } : { returnValue };
        }
        case 'claimed':
          // Still queued: run it here (no thread hop), then read its slot.
          this.#runClaimed(found.slot);
          continue;
        case 'running':
          // Running in another worker: run queued calls meanwhile, spin a little, then
          // wait on the main thread (which then hears of the result at once).
          while (this.board.stillRunning(id, found.state)) {
            if (this.board.hasQueued() && this.help(CHAIN_SERVICES.await)) continue;
            if (++spins > AWAIT_SPINS) {
              if (this.board.markRemoteWaiter(id, found.state)) return undefined;
              break;
            }
          }
      }
    }
  }
}
