// Measures node:wasi running a module, in its own process (Node 20.20's node:wasi
// segfaults after several hundred instances in one process, so peers stay apart).
// argv: <module.wasm> <cold|warm> <iterations>; prints the timeIt result as JSON.
import { closeSync, openSync, readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { timeItAsync } from '../stats.mjs';

const [path, mode, count] = process.argv.slice(2);
const bytes = readFileSync(path);
const devNull = openSync('/dev/null', 'w');
const compiled = await WebAssembly.compile(bytes);
const run = (module) => {
  const wasi = new WASI({ version: 'preview1', args: ['function.wasm'], env: {}, stdout: devNull, returnOnExit: true });
  wasi.start(new WebAssembly.Instance(module, { ...wasi.getImportObject(), env: {} }));
};
const result = await timeItAsync(
  mode === 'cold' ? async () => run(await WebAssembly.compile(bytes)) : async () => run(compiled),
  Number(count),
  10,
);
closeSync(devNull);
process.stdout.write(JSON.stringify(result));
