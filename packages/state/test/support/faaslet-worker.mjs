// Test-only Faaslet worker: runs guest calls (one at a time) with @faasm/functions and
// @faasm/state linked, node:wasi for WASI, and a blocking bridge to the main thread
// (a SharedArrayBuffer counter + Atomics.wait; replies read with receiveMessageOnPort).
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { attachInstance, createHost, lifecycleOf, ProcExit } from '@faasm/abi';
import * as functions from '@faasm/functions';
import * as state from '@faasm/state';

const { port, signal } = workerData;
const flag = new Int32Array(signal);
const modules = new Map();

// The main thread bumps the counter after posting each reply. Wait for a change, not
// for a wake: a notify that comes late (after a reply already read) must not count.
const bridge = {
  call(service, request) {
    const before = Atomics.load(flag, 0);
    port.postMessage({ service, request });
    while (Atomics.load(flag, 0) === before) Atomics.wait(flag, 0, before);
    const reply = receiveMessageOnPort(port);
    if (!reply) throw new Error(`bridge: no reply to ${service}`);
    if (reply.message.error !== undefined) throw new Error(reply.message.error);
    return reply.message.result;
  },
};

function run({ wasmPath, message, funcPtr, arg }) {
  let module = modules.get(wasmPath);
  if (!module) modules.set(wasmPath, (module = new WebAssembly.Module(readFileSync(wasmPath))));
  const host = createHost({ message, bridge });
  const wasi = new WASI({ version: 'preview1', args: ['function.wasm'], env: {}, returnOnExit: true });
  const importObject = { wasi_snapshot_preview1: wasi.wasiImport };
  functions.link(importObject, host);
  state.link(importObject, host);
  const instance = new WebAssembly.Instance(module, importObject);
  attachInstance(host, instance);
  let returnValue = 0;
  let error;
  try {
    if (funcPtr !== undefined) {
      wasi.initialize({ exports: { memory: instance.exports.memory } });
      host.exports.function('__wasm_call_ctors')?.();
      const a = arg ?? (Number.parseInt(new TextDecoder().decode(host.message.input), 10) || 0);
      returnValue = Number(host.exports.callIndirect(funcPtr, a) ?? 0);
    } else {
      returnValue = wasi.start(instance);
    }
  } catch (e) {
    if (e instanceof ProcExit) returnValue = e.code;
    else {
      returnValue = 1;
      error = e instanceof Error ? e.message : String(e);
    }
  }
  state.flushState(host);
  // A host per call: it is discarded now (its Redis connection closes).
  for (const failure of lifecycleOf(host).dispose()) throw failure;
  return { returnValue, output: host.message.output, error };
}

parentPort.on('message', (job) => parentPort.postMessage(run(job)));
