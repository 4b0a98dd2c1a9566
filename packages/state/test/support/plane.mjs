// Test-only control plane: a StateHost and a ChainScheduler on the main thread, and a
// growing pool of warm Faaslet workers (faaslet-worker.mjs): a call takes an idle
// worker or starts one, so a caller blocked in await never starves its callees.
import { Worker, MessageChannel } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { ChainScheduler, failedOutput } from '@faasm/functions';
import { StateHost } from '@faasm/state';

const WORKER = fileURLToPath(new URL('./faaslet-worker.mjs', import.meta.url));
const GUESTS = fileURLToPath(new URL('../guests/', import.meta.url));
const decoder = new TextDecoder();

export class TestPlane {
  #idle = [];
  #all = [];

  constructor({ store, user = 'demo', lockTtlMs, globalLocks, direct } = {}) {
    this.state = new StateHost({
      ...(store ? { store } : {}),
      ...(lockTtlMs ? { lockTtlMs } : {}),
      ...(globalLocks !== undefined ? { globalLocks } : {}),
      ...(direct !== undefined ? { direct } : {}),
    });
    this.user = user;
    this.scheduler = new ChainScheduler((call) =>
      this.#call(call.message.function, call.message, call.funcPtr, call.arg).then((r) => ({
        returnValue: r.returnValue,
        output: r.returnValue === 0 ? r.output : failedOutput(r.returnValue),
      })),
    );
    this.handlers = { ...this.state.handlers(), ...this.scheduler.handlers() };
  }

  /** Runs `<name>.wasm` as a top-level call; resolves { returnValue, output, text, error }. */
  async run(name, input = '', extra = {}) {
    const message = {
      id: this.scheduler.nextId(),
      appId: 1,
      user: this.user,
      function: name,
      input: new TextEncoder().encode(input),
      ...extra,
    };
    const r = await this.#call(name, message);
    return { ...r, text: decoder.decode(r.output) };
  }

  /** Stops every worker (call after the tests). */
  async close() {
    await Promise.all(this.#all.map((w) => w.terminate()));
    this.#all = [];
    this.#idle = [];
  }

  async #call(name, message, funcPtr, arg) {
    const worker = this.#idle.pop() ?? this.#start();
    const result = await new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.postMessage({ wasmPath: `${GUESTS}${name}.wasm`, message, funcPtr, arg });
    });
    worker.removeAllListeners('error');
    this.#idle.push(worker);
    return result;
  }

  #start() {
    const { port1, port2 } = new MessageChannel();
    const signal = new SharedArrayBuffer(4);
    const flag = new Int32Array(signal);
    port1.on('message', async ({ service, request }) => {
      let reply;
      try {
        const handler = this.handlers[service];
        if (!handler) throw new Error(`no handler for bridge service '${service}'`);
        reply = { result: await handler(request) };
      } catch (e) {
        reply = { error: e instanceof Error ? e.message : String(e) };
      }
      port1.postMessage(reply);
      Atomics.add(flag, 0, 1);
      Atomics.notify(flag, 0);
    });
    const worker = new Worker(WORKER, { workerData: { port: port2, signal }, transferList: [port2] });
    worker.once('exit', () => port1.close());
    this.#all.push(worker);
    return worker;
  }
}
