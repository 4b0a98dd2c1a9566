// Runs in a worker thread: measures one warm Faaslet (reset + _start of hello).
import { readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';

setFlagsFromString('--no-liftoff');
const { loadPackages } = await import('@faasm/abi');
const { Faaslet, ModuleCache } = await import('@faasm/runtime');
const { timeIt } = await import('../stats.mjs');

const packages = await loadPackages();
const loaded = await new ModuleCache().load(readFileSync(workerData.module));
const faaslet = new Faaslet(loaded, { packages, packageOptions: { '@faasm/wasi': { stdout: 'capture' } } });
parentPort.postMessage(timeIt(() => faaslet.call(), workerData.iterations));
