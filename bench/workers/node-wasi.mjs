// Measures node:wasi running a module, in its own process. Node 20.20's node:wasi
// segfaults once a few hundred finished WASI instances await collection, so this
// process (started with --expose-gc) collects after every sample, outside the timing.
// argv: <module.wasm> <cold|warm> <iterations>; prints { medianUs, p90Us, iterations }.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';

const [path, mode, count] = process.argv.slice(2);
const iterations = Number(count);
const bytes = readFileSync(path);
const devNull = openSync('/dev/null', 'w');
const compiled = await WebAssembly.compile(bytes);
const run = (module) => {
  const wasi = new WASI({ version: 'preview1', args: ['function.wasm'], env: {}, stdout: devNull, returnOnExit: true });
  wasi.start(new WebAssembly.Instance(module, { ...wasi.getImportObject(), env: {} }));
};
const samples = [];
for (let i = 0; i < iterations + 10; i++) {
  const t = process.hrtime.bigint();
  run(mode === 'cold' ? await WebAssembly.compile(bytes) : compiled);
  const us = Number(process.hrtime.bigint() - t) / 1000;
  if (i >= 10) samples.push(us);
  globalThis.gc();
}
samples.sort((a, b) => a - b);
closeSync(devNull);
process.stdout.write(JSON.stringify({ medianUs: samples[samples.length >> 1], p90Us: samples[Math.floor(samples.length * 0.9)], iterations }));
