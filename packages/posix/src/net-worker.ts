import { MessageChannel, Worker, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { Errno, ErrnoError } from '@faasm/abi';
import type { Endpoint, NetBackend } from './sockets.js';

/**
 * A NetBackend with real TCP/UDP for a blocking caller: socket operations run in a
 * helper worker thread (Node's async net/dgram); the caller blocks on a SharedArrayBuffer
 * flag (Atomics.wait) until the helper answers — the bridge pattern of ARCHITECTURE.md.
 * Usable inside a Faaslet worker (or the main thread of a test). `close()` stops the helper.
 */
export class NodeNetBackend implements NetBackend {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #flag = new Int32Array(new SharedArrayBuffer(4));
  readonly #timeoutMs: number;

  constructor(options: { timeoutMs?: number } = {}) {
    this.#timeoutMs = options.timeoutMs ?? 60_000;
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    this.#worker = new Worker(new URL('../dist/net-worker-thread.js', import.meta.url), {
      workerData: { port: port2, flag: this.#flag },
      transferList: [port2],
    });
    this.#worker.unref();
  }

  #call<T>(op: string, args: Record<string, unknown> = {}): T {
    Atomics.store(this.#flag, 0, 0);
    this.#port.postMessage({ op, ...args });
    if (Atomics.wait(this.#flag, 0, 0, this.#timeoutMs) === 'timed-out') throw new ErrnoError(Errno.TIMEDOUT, `net ${op} timed out`);
    let message = receiveMessageOnPort(this.#port);
    for (let spins = 0; !message && spins < 1000; spins++) message = receiveMessageOnPort(this.#port);
    if (!message) throw new ErrnoError(Errno.IO, `net ${op}: no answer`);
    const answer = message.message as { errno?: number } | T;
    if (answer !== null && typeof answer === 'object' && typeof (answer as { errno?: unknown }).errno === 'number') {
      throw new ErrnoError((answer as { errno: number }).errno as never);
    }
    return answer as T;
  }

  socket(family: 4 | 6, type: 'stream' | 'dgram'): number {
    return this.#call('socket', { family, type });
  }
  bind(handle: number, to: Endpoint): void {
    this.#call('bind', { handle, to });
  }
  listen(handle: number, backlog: number): void {
    this.#call('listen', { handle, backlog });
  }
  accept(handle: number): { handle: number; peer: Endpoint } {
    return this.#call('accept', { handle });
  }
  connect(handle: number, to: Endpoint): void {
    this.#call('connect', { handle, to });
  }
  send(handle: number, data: Uint8Array, to?: Endpoint): number {
    return this.#call('send', { handle, data, to });
  }
  recv(handle: number, max: number): { data: Uint8Array; from?: Endpoint } {
    return this.#call('recv', { handle, max });
  }
  shutdown(handle: number, how: 'read' | 'write' | 'both'): void {
    this.#call('shutdown', { handle, how });
  }
  local(handle: number): Endpoint {
    return this.#call('local', { handle });
  }
  close(handle?: number): void {
    if (handle !== undefined) {
      this.#call('close', { handle });
      return;
    }
    try {
      this.#call('exit');
    } finally {
      this.#port.close();
      void this.#worker.terminate();
    }
  }
}
