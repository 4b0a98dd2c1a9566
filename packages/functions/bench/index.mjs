// @faasm/functions benchmarks: chaining through the ChainScheduler with every callee
// in a fresh instance, in-process (a main-thread Faaslet over syncBridge). Peers,
// measured in the same run: a bare instantiate-and-call of the same module (the floor
// of a call in a fresh instance) and a worker_threads postMessage round trip (the
// floor of handing a call to another thread).
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { Worker } from 'node:worker_threads';
import { attachInstance, createHost, ProcExit } from '@faasm/abi';
import { ChainScheduler, failedOutput, link, syncBridge } from '@faasm/functions';

const GUESTS = new URL('../test/guests/', import.meta.url);
const modules = new Map();
const moduleOf = (name) => {
  let m = modules.get(name);
  if (!m) modules.set(name, (m = new WebAssembly.Module(readFileSync(new URL(`${name}.wasm`, GUESTS)))));
  return m;
};

function runGuest(name, message, bridge, funcPtr) {
  const host = createHost({ message, bridge });
  const wasi = new WASI({ version: 'preview1', args: ['function.wasm'], env: {}, returnOnExit: true });
  const importObject = { wasi_snapshot_preview1: wasi.wasiImport };
  link(importObject, host);
  const instance = new WebAssembly.Instance(moduleOf(name), importObject);
  attachInstance(host, instance);
  let returnValue = 0;
  try {
    if (funcPtr !== undefined) {
      wasi.initialize({ exports: { memory: instance.exports.memory } });
      host.exports.function('__wasm_call_ctors')?.();
      returnValue = Number(host.exports.callIndirect(funcPtr, Number.parseInt(new TextDecoder().decode(message.input), 10) || 0) ?? 0);
    } else {
      returnValue = wasi.start(instance);
    }
  } catch (e) {
    returnValue = e instanceof ProcExit ? e.code : 1;
  }
  return { returnValue, output: returnValue === 0 ? host.message.output : failedOutput(returnValue) };
}

function plane() {
  let bridge;
  const scheduler = new ChainScheduler((call) => runGuest(call.message.function, { ...call.message }, bridge, call.funcPtr));
  bridge = syncBridge(scheduler.handlers());
  return (name, input) =>
    runGuest(name, { id: scheduler.nextId(), appId: 1, user: 'demo', function: name, input: new TextEncoder().encode(input) }, bridge);
}

function timeMs(f) {
  const start = process.hrtime.bigint();
  f();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

async function postMessageRoundTripUs(n) {
  const worker = new Worker('const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage(m));', { eval: true });
  const once = () => new Promise((resolve) => (worker.once('message', resolve), worker.postMessage(1)));
  for (let i = 0; i < 100; i++) await once();
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await once();
  const us = Number(process.hrtime.bigint() - start) / 1e3 / n;
  await worker.terminate();
  return us;
}

export async function bench() {
  const run = plane();
  // chain_deep n: n nested chain+await round trips (each callee a fresh instance).
  run('chain_deep', '10');
  const depth = 20;
  const deepMs = timeMs(() => {
    const r = run('chain_deep', String(depth));
    if (new TextDecoder().decode(r.output) !== `depth=${depth}`) throw new Error('chain_deep failed');
  });
  const fan = 1000;
  const fanMs = timeMs(() => {
    const r = run('fanout', String(fan));
    if (r.returnValue !== 0) throw new Error('fanout failed');
  });
  const bare = 500;
  const module = moduleOf('ret_one');
  const bareMs = timeMs(() => {
    for (let i = 0; i < bare; i++) {
      const wasi = new WASI({ version: 'preview1', returnOnExit: true });
      const instance = new WebAssembly.Instance(module, {
        wasi_snapshot_preview1: wasi.wasiImport,
        env: { __faasm_read_input: () => 0, __faasm_write_output: () => {} },
      });
      wasi.start(instance);
    }
  });
  const rtt = await postMessageRoundTripUs(2000);
  return [
    {
      name: 'chain + await round trip (callee in a fresh instance, in-process)',
      unit: 'µs/call',
      ours: (deepMs * 1000) / (depth + 1),
      peer: 'worker_threads postMessage round trip',
      peerValue: rtt,
      lowerIsBetter: true,
    },
    {
      name: 'chained calls per second (fan-out of 1,000 pointer calls, awaited with output)',
      unit: 'calls/s',
      ours: fan / (fanMs / 1000),
      peer: 'bare instantiate + _start of a module, per second',
      peerValue: bare / (bareMs / 1000),
      lowerIsBetter: false,
    },
  ];
}
