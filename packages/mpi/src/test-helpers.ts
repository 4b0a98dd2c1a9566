import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runMpiWorld, type RootResult } from './run.js';

/** The test WASI stub (test/wasi-stub.mjs), loaded by specifier in the rank workers. */
export const WASI_STUB = new URL('../test/wasi-stub.mjs', import.meta.url).href;
export const GUESTS = new URL('../test/guests/', import.meta.url);

const modules = new Map<string, WebAssembly.Module>();

export async function guest(name: string): Promise<WebAssembly.Module> {
  let m = modules.get(name);
  if (!m) {
    m = await WebAssembly.compile(readFileSync(new URL(`${name}.wasm`, GUESTS)));
    modules.set(name, m);
  }
  return m;
}

/** Runs a test guest as a world; returns rank 0's result and the world's stdout. */
export async function runGuest(name: string, worldSize: number, opts: { args?: string[]; mpi?: Record<string, unknown> } = {}): Promise<RootResult & { stdout: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'faasm-mpi-'));
  const stdoutFile = join(dir, 'stdout');
  writeFileSync(stdoutFile, '');
  try {
    const result = await runMpiWorld({
      module: await guest(name),
      worldSize,
      packages: [WASI_STUB, '@faasm/mpi'],
      packageOptions: { [WASI_STUB]: { stdoutFile }, '@faasm/mpi': { closeTimeoutMs: 5000, ...opts.mpi } },
      message: { args: opts.args ?? [] },
      timeoutMs: 60_000,
    });
    return { ...result, stdout: readFileSync(stdoutFile, 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
