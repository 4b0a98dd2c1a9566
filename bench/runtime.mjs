// The runtime's own benchmarks: cold start, warm call, and an invoke through the pool,
// each beside node:wasi running the same hello module in the same run.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadPackages } from '@faasm/abi';
import { Faaslet, ModuleCache, createRuntime } from '@faasm/runtime';
import { timeItAsync } from './stats.mjs';

const hello = fileURLToPath(new URL('../examples/hello.wasm', import.meta.url));
const chainLoop = fileURLToPath(new URL('../packages/functions/test/guests/chain_loop.wasm', import.meta.url));

/** Median µs of a postMessage round trip to a worker that echoes: the chaining peer. */
async function postMessageRoundTrip(iterations) {
  const worker = new Worker(new URL('./workers/echo.mjs', import.meta.url));
  const once = () => new Promise((resolve) => { worker.once('message', resolve); worker.postMessage(1); });
  const result = await timeItAsync(once, iterations, 200);
  await worker.terminate();
  return result;
}

/** node:wasi's figure for the same module, measured in a child process. */
function nodeWasi(mode, iterations) {
  const script = fileURLToPath(new URL('./workers/node-wasi.mjs', import.meta.url));
  // node:wasi (Node 20.20) crashes after a few hundred instances in one process: keep
  // each run short, and retry a run that crashed.
  for (let attempt = 1; ; attempt++) {
    try {
      const out = execFileSync(process.execPath, ['--no-warnings', '--expose-gc', script, hello, mode, String(iterations)], { encoding: 'utf8' });
      return JSON.parse(out);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

export async function bench() {
  const bytes = readFileSync(hello);
  const packages = await loadPackages();
  const rows = [];

  // Cold start: validate, rewrite, compile, instantiate, ctors, snapshot, run.
  const cold = await timeItAsync(async () => {
    const loaded = await new ModuleCache().load(bytes);
    new Faaslet(loaded, { packages, packageOptions: { '@faasm/wasi': { stdout: 'capture' } } }).call();
  }, 20, 3);
  const coldPeer = nodeWasi('cold', 20);
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
  const warmPeer = nodeWasi('warm', 1000);
  rows.push({
    name: 'warm call of hello in a warm worker (reset + run)',
    unit: 'µs (median)',
    ours: warm.medianUs,
    peer: 'node:wasi (fresh instance + start)',
    peerValue: warmPeer.medianUs,
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
    peerValue: warmPeer.medianUs,
    lowerIsBetter: true,
  });

  // Chaining on the embedded default (2 workers): the guest times its own loop.
  const chained = await createRuntime({ workers: 2, stdout: 'capture', functions: { 'bench/chain_loop': chainLoop } });
  const guestUs = async (input) => {
    const r = await chained.invoke('bench/chain_loop', { input });
    if (r.returnValue !== 0) throw new Error(`chain_loop ${input} failed: ${r.error ?? r.output}`);
    return r.output.toString().split(' ').map(Number);
  };
  await guestUs('seq 500');
  const sequential = 3000;
  const [roundTrip, roundTripMean] = await guestUs(`seq ${sequential}`);
  const fan = 10000;
  const perSecond = fan / ((await guestUs(`fan ${fan}`))[0] / 1e6);
  await chained.close();
  const postMessage = await postMessageRoundTrip(5000);
  rows.push({
    name: 'chain by pointer + await round trip (median of 3,000, sequential)',
    unit: 'µs (median)',
    ours: roundTrip,
    oursMean: roundTripMean,
    peer: 'postMessage round trip to a worker',
    peerValue: postMessage.medianUs,
    lowerIsBetter: true,
    target: '≤ 50 µs',
  });
  rows.push({
    name: 'chained calls per second (10,000 started, then awaited)',
    unit: 'calls/s',
    ours: perSecond,
    peer: 'postMessage round trips per second',
    peerValue: 1e6 / postMessage.medianUs,
    lowerIsBetter: false,
    target: '≥ 10,000/s',
  });
  return rows;
}
