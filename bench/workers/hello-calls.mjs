// Runs in a worker thread: measures one warm Faaslet (reset + _start of hello) and
// node:wasi's fastest repeated run of the same module, side by side.
import { openSync, closeSync, readFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { WASI } from 'node:wasi';
import { parentPort, workerData } from 'node:worker_threads';

setFlagsFromString('--no-liftoff');
const { loadPackages } = await import('@faasm/abi');
const { Faaslet, ModuleCache } = await import('@faasm/runtime');
const { timeIt } = await import('../stats.mjs');

const bytes = readFileSync(workerData.module);
const packages = await loadPackages();
const loaded = await new ModuleCache().load(bytes);
const faaslet = new Faaslet(loaded, { packages, packageOptions: { '@faasm/wasi': { stdout: 'capture' } } });
const ours = timeIt(() => faaslet.call(), workerData.iterations);

const devNull = openSync('/dev/null', 'w');
const compiled = await WebAssembly.compile(bytes);
const peer = timeIt(() => {
  const wasi = new WASI({ version: 'preview1', args: ['function.wasm'], env: {}, stdout: devNull, returnOnExit: true });
  const instance = new WebAssembly.Instance(compiled, { ...wasi.getImportObject(), env: {} });
  wasi.start(instance);
}, workerData.iterations);
closeSync(devNull);
parentPort.postMessage({ ours, peer });
