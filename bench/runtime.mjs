// The runtime's own benchmarks: cold start, warm call, and an invoke through the pool,
// each beside node:wasi running the same hello module in the same run.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WASI } from 'node:wasi';
import { Worker } from 'node:worker_threads';
import { loadPackages } from '@faasm/abi';
import { Faaslet, ModuleCache, createRuntime } from '@faasm/runtime';
import { timeItAsync } from './stats.mjs';

const hello = fileURLToPath(new URL('../examples/hello.wasm', import.meta.url));

export async function bench() {
  const bytes = readFileSync(hello);
  const packages = await loadPackages();
  const rows = [];

  // Cold start: validate, rewrite, compile, instantiate, ctors, snapshot, run.
  const cold = await timeItAsync(async () => {
    const loaded = await new ModuleCache().load(bytes);
    new Faaslet(loaded, { packages, packageOptions: { '@faasm/wasi': { stdout: 'capture' } } }).call();
  }, 40, 5);
  const devNull = openSync('/dev/null', 'w');
  const coldPeer = await timeItAsync(async () => {
    const module = await WebAssembly.compile(bytes);
    const wasi = new WASI({ version: 'preview1', args: ['function.wasm'], env: {}, stdout: devNull, returnOnExit: true });
    wasi.start(new WebAssembly.Instance(module, { ...wasi.getImportObject(), env: {} }));
  }, 40, 5);
  rows.push({
    name: 'cold start: compile + instantiate + run hello',
    unit: 'µs (median)',
    ours: cold.medianUs,
    peer: 'node:wasi',
    peerValue: coldPeer.medianUs,
    lowerIsBetter: true,
  });

  // Warm call inside a warm worker: reset to the snapshot + _start.
  const warm = await new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./workers/hello-calls.mjs', import.meta.url), { workerData: { module: hello, iterations: 5000 } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  rows.push({
    name: 'warm call of hello in a warm worker (reset + run)',
    unit: 'µs (median)',
    ours: warm.ours.medianUs,
    peer: 'node:wasi (fresh instance + start)',
    peerValue: warm.peer.medianUs,
    lowerIsBetter: true,
    target: '≤ 50 µs',
  });

  // A whole invoke from the main thread through the pool and back.
  const runtime = await createRuntime({ workers: 1, stdout: 'capture' });
  const invoke = await timeItAsync(() => runtime.invoke(hello), 2000, 100);
  await runtime.close();
  rows.push({
    name: 'runtime.invoke(hello) round trip through the worker pool',
    unit: 'µs (median)',
    ours: invoke.medianUs,
    peer: 'node:wasi (fresh instance + start, same thread)',
    peerValue: warm.peer.medianUs,
    lowerIsBetter: true,
  });
  closeSync(devNull);
  return rows;
}
