#!/usr/bin/env node
// Builds every C/C++ guest fixture with the SDK's `faasm cc`: examples/*.c and
// packages/*/test/guests/*.{c,cpp}, each to a .wasm beside its source.
// A source may start with `// faasm-cc: <flags>` (e.g. `--threads -fopenmp -O0`;
// `--side-module` builds a PIC side module for dlopen).
// `--check` builds into a temporary folder and fails if a committed .wasm differs
// (clang runs binaryen's wasm-opt when it is on PATH; with it the output is
// byte-identical across machines and folders).
// `--only <substring>` limits the build to matching paths.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const { ccCommand, checkToolchain, toolchainEnv } = await import(join(root, 'packages/sdk/dist/index.js'));

const check = process.argv.includes('--check');
const onlyIndex = process.argv.indexOf('--only');
const only = onlyIndex > 0 ? process.argv[onlyIndex + 1] : undefined;

function sourcesIn(dir) {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(c|cpp)$/.test(f))
    .map((f) => join(dir, f));
}

const dirs = [join(root, 'examples')];
for (const pkg of readdirSync(join(root, 'packages'))) dirs.push(join(root, 'packages', pkg, 'test', 'guests'));
const sources = dirs.flatMap(sourcesIn).filter((s) => !only || s.includes(only)).sort();

try {
  checkToolchain();
} catch (e) {
  console.error(e.message);
  process.exit(1);
}
try {
  execFileSync('wasm-opt', ['--version'], { stdio: 'ignore', env: toolchainEnv() });
} catch {
  console.error('wasm-opt (Debian package binaryen) is not on PATH: guest builds would not be reproducible');
  process.exit(1);
}

const outDir = check ? mkdtempSync(join(tmpdir(), 'faasm-guests-')) : undefined;

function flagsOf(source) {
  const first = readFileSync(source, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^\/\/\s*faasm-cc:\s*(.*)$/.exec(first);
  return match ? match[1].trim().split(/\s+/).filter(Boolean) : [];
}

function build(source) {
  const flags = flagsOf(source);
  const threads = flags.includes('--threads');
  const sideModule = flags.includes('--side-module');
  const cxx = source.endsWith('.cpp');
  const extra = flags.filter((f) => f !== '--threads' && f !== '--side-module');
  const target = check
    ? join(outDir, relative(root, source).replaceAll('/', '__').replace(/\.(c|cpp)$/, '.wasm'))
    : join(dirname(source), basename(source).replace(/\.(c|cpp)$/, '.wasm'));
  const optimise = extra.some((f) => /^-O/.test(f)) ? [] : ['-O2'];
  // __FILE__ (assert, CHECK macros) must not embed where the checkout lives.
  const prefixMap = `-ffile-prefix-map=${root}/=`;
  const { command, args } = ccCommand([...optimise, prefixMap, ...extra, source, '-o', target], { threads, sideModule, cxx });
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'pipe'], env: toolchainEnv() });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ source, target, code, stderr }));
  });
}

const jobs = Math.max(1, cpus().length);
const queue = [...sources];
const results = [];
await Promise.all(
  Array.from({ length: jobs }, async () => {
    for (let s = queue.shift(); s; s = queue.shift()) results.push(await build(s));
  }),
);

let failed = 0;
for (const r of results.sort((a, b) => a.source.localeCompare(b.source))) {
  const rel = relative(root, r.source);
  if (r.code !== 0) {
    failed++;
    console.error(`FAIL ${rel}\n${r.stderr}`);
    continue;
  }
  if (check) {
    const committed = join(dirname(r.source), basename(r.source).replace(/\.(c|cpp)$/, '.wasm'));
    if (!existsSync(committed) || !readFileSync(committed).equals(readFileSync(r.target))) {
      failed++;
      console.error(`STALE ${relative(root, committed)}: run npm run build:guests and commit the result`);
    }
  }
}
if (outDir) rmSync(outDir, { recursive: true, force: true });
console.log(`${results.length - failed}/${results.length} guests ${check ? 'up to date' : 'built'}`);
process.exit(failed ? 1 : 0);
