// Shared by the @faasm/openmp and @faasm/pthreads benches: builds one C source twice
// (a threads guest with the SDK's faasm cc, and natively with clang-19 -fopenmp
// -pthread) and runs both in the same run; each prints "name value" lines.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProcExit, attachInstance, compose, createHost, lifecycleOf, loadPackages } from '@faasm/abi';
import { ccCommand } from '@faasm/sdk';
import { createGuestMemory, ensureNoLiftoff, prepareThreads, shutdownThreads } from '@faasm/threads';

const MINI_WASI = new URL('../test/support/mini-wasi.mjs', import.meta.url).href;

/** Builds `source` for wasm and natively; returns both paths and a cleanup. */
export function buildBoth(source) {
  const dir = mkdtempSync(join(tmpdir(), 'faasm-threads-bench-'));
  const wasm = join(dir, 'bench.wasm');
  const native = join(dir, 'bench.native');
  const { command, args } = ccCommand(['-O2', '-fopenmp', source, '-o', wasm], { threads: true });
  execFileSync(command, args, { stdio: 'inherit' });
  execFileSync('clang-19', ['-O2', '-fopenmp', '-pthread', source, '-o', native, '-lm'], { stdio: 'inherit' });
  return { wasm, native, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

function parse(text) {
  const out = {};
  for (const line of text.split('\n')) {
    const [name, value] = line.trim().split(/\s+/);
    if (name && value !== undefined && !Number.isNaN(Number(value))) out[name] = Number(value);
  }
  return out;
}

export function runNative(path, args = [], env = {}) {
  const r = spawnSync(path, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  if (r.status !== 0) throw new Error(`native bench failed (${r.status}): ${r.stderr}`);
  return parse(r.stdout);
}

/** Runs the wasm build on this thread (workers prewarmed: a warm pool, as in a Faaslet). */
export async function runWasm(path, args = [], env = {}) {
  ensureNoLiftoff();
  const bytes = readFileSync(path);
  const module = await WebAssembly.compile(bytes);
  const host = createHost({ message: { args, env } });
  const packages = [MINI_WASI, '@faasm/pthreads', '@faasm/openmp'];
  const shared = createGuestMemory(bytes);
  const { importObject } = compose(module, host, await loadPackages(packages), {}, { env: { memory: shared.memory } });
  const instance = await WebAssembly.instantiate(module, importObject);
  attachInstance(host, instance, shared.memory);
  lifecycleOf(host).instantiated();
  prepareThreads(host, { module, packages, prewarm: 2 });
  // Let the prewarmed workers boot before timing.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  lifecycleOf(host).beforeCall();
  const { stdoutOf } = await import(MINI_WASI);
  try {
    host.exports.function('__wasm_call_ctors')?.();
    host.exports.function('_start')();
  } catch (e) {
    if (!(e instanceof ProcExit) || e.code !== 0) throw e;
  } finally {
    await shutdownThreads(host);
  }
  return parse(stdoutOf(host));
}
