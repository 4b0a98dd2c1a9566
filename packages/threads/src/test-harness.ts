// Test harness: runs a guest end to end like the runtime will (shared memory from the
// binary, compose, instantiate, prepareThreads, ctors, _start), on the test's thread.
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ProcExit, attachInstance, compose, createHost, lifecycleOf, loadPackages, type FaasletHost, type ImportObject, type Logger } from '@faasm/abi';
// The built package (not ./runtime.js): @faasm/pthreads and @faasm/openmp load it too,
// and they must share its service keys.
import { createGuestMemory, ensureNoLiftoff, prepareThreads, shutdownThreads, takeThreadError } from '@faasm/threads';

export const MINI_WASI = pathToFileURL(fileURLToPath(new URL('../test/support/mini-wasi.mjs', import.meta.url))).href;
export const TEST_PACKAGES = [MINI_WASI, '@faasm/pthreads', '@faasm/openmp'];

export interface GuestRun {
  code: number;
  stdout: string;
  stderr: string;
  error: Error | undefined;
  host: FaasletHost;
}

export async function runGuest(
  wasm: string | URL,
  options: {
    args?: string[]; env?: Record<string, string>; packages?: string[]; workerPackages?: string[]; keep?: boolean; log?: Logger;
  } = {},
): Promise<GuestRun> {
  ensureNoLiftoff();
  const bytes = readFileSync(wasm);
  const module = await WebAssembly.compile(bytes);
  const host = createHost({ message: { args: options.args ?? [], env: options.env ?? {} }, ...(options.log ? { log: options.log } : {}) });
  const packages = options.packages ?? TEST_PACKAGES;
  const shared = createGuestMemory(bytes);
  const memoryImport = shared ? { [shared.import.module]: { [shared.import.name]: shared.memory } } : {};
  const { importObject } = compose(module, host, await loadPackages(packages), {}, memoryImport);
  const instance = await WebAssembly.instantiate(module, importObject);
  attachInstance(host, instance, shared?.memory);
  lifecycleOf(host).instantiated();
  prepareThreads(host, { module, packages: options.workerPackages ?? packages });
  lifecycleOf(host).beforeCall();
  const wasi = (await import(MINI_WASI)) as { stdoutOf(h: FaasletHost): string; stderrOf(h: FaasletHost): string };
  let code = 0;
  let error: Error | undefined;
  try {
    host.exports.function('__wasm_call_ctors')?.();
    host.exports.function('_start')!();
  } catch (e) {
    if (e instanceof ProcExit) code = e.code;
    else {
      code = 1;
      error = e as Error;
    }
  } finally {
    if (!options.keep) await shutdownThreads(host);
  }
  error ??= takeThreadError(host);
  return { code, stdout: wasi.stdoutOf(host), stderr: wasi.stderrOf(host), error, host };
}

/**
 * A package linked to a fresh host over one page of shared memory (no instance): its env
 * imports (wasm fast paths included), the memory's words and the host.
 */
export function linkedOverSharedMemory(link: (importObject: ImportObject, host: FaasletHost) => void): {
  env: Record<string, (...args: number[]) => number>;
  words: Int32Array;
  host: FaasletHost;
} {
  const host = createHost();
  const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  host.memory.attach(memory);
  const imports: ImportObject = {};
  link(imports, host);
  return { env: imports['env'] as Record<string, (...args: number[]) => number>, words: new Int32Array(memory.buffer), host };
}

/** A package's env imports bound to a fresh host over one page of shared memory (no instance). */
export function boundEnv(link: (importObject: ImportObject, host: FaasletHost) => void): Record<string, (...args: unknown[]) => unknown> {
  return linkedOverSharedMemory(link).env as Record<string, (...args: unknown[]) => unknown>;
}

/** What `run` threw (undefined if it returned). */
export function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (e) {
    return e;
  }
  return undefined;
}
