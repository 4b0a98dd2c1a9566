import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { Bridge } from '@faasm/abi';

/** Iterations to spin before sleeping in Atomics.wait (THREADS.md: ~20k ≈ tens of µs). */
const SPIN_ITERATIONS = 20_000;
const STATE_WAITING = 0;
const STATE_ANSWERED = 1;

/** A bridge request as it crosses the port. */
export interface BridgeRequest {
  readonly service: string;
  readonly request: unknown;
}

/** A bridge answer: a value or an error message. */
export type BridgeAnswer = { readonly value: unknown } | { readonly error: string };

export class BridgeError extends Error {
  override readonly name = 'BridgeError';
}

/**
 * The worker side of the blocking bridge. `call` posts the request on a dedicated
 * port, then blocks this worker: it spins briefly on a SharedArrayBuffer cell, then
 * sleeps in Atomics.wait until the main thread answers; the answer is read from the
 * port synchronously with receiveMessageOnPort. No Asyncify, and the main thread never
 * blocks.
 */
export class WorkerBridge implements Bridge {
  readonly #state: Int32Array;

  constructor(private readonly port: MessagePort, state: SharedArrayBuffer) {
    this.#state = new Int32Array(state);
  }

  call(service: string, request: unknown): unknown {
    const state = this.#state;
    Atomics.store(state, 0, STATE_WAITING);
    this.port.postMessage({ service, request } satisfies BridgeRequest);
    for (let i = 0; i < SPIN_ITERATIONS && Atomics.load(state, 0) === STATE_WAITING; i++);
    while (Atomics.load(state, 0) === STATE_WAITING) Atomics.wait(state, 0, STATE_WAITING, 1000);
    const received = receiveMessageOnPort(this.port);
    if (!received) throw new BridgeError(`bridge call ${service}: answered without a message`);
    const answer = received.message as BridgeAnswer;
    if ('error' in answer) throw new BridgeError(`${service}: ${answer.error}`);
    return answer.value;
  }
}

/** A main-thread handler of one bridge service. */
export type BridgeHandler = (request: never, context: { readonly workerId: number }) => unknown;

/**
 * The main-thread side for one worker: runs the named handler (sync or async), posts
 * the answer, then wakes the worker.
 */
export function serveBridge(
  port: MessagePort,
  state: SharedArrayBuffer,
  handlers: ReadonlyMap<string, BridgeHandler>,
  context: { readonly workerId: number },
  onBusy: (service: string, busy: boolean) => void,
): void {
  const cell = new Int32Array(state);
  port.on('message', (message: BridgeRequest) => {
    onBusy(message.service, true);
    const answer = (reply: BridgeAnswer) => {
      port.postMessage(reply);
      Atomics.store(cell, 0, STATE_ANSWERED);
      Atomics.notify(cell, 0);
      onBusy(message.service, false);
    };
    const handler = handlers.get(message.service);
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
