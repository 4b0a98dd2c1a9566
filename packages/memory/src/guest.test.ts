import { readFile } from 'node:fs/promises';
import { attachInstance, createHost, lifecycleOf, ProcExit } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { MMAP_FILES, link } from './index.js';

/** Runs test/guests/memory.wasm (built by `faasm cc`) with @faasm/memory and a one-function WASI stub. */
async function load(options: { maxMemoryBytes?: number } = {}) {
  const host = createHost();
  const importObject: Record<string, Record<string, WebAssembly.ImportValue>> = {
    wasi_snapshot_preview1: { proc_exit: (code: number) => { throw new ProcExit(code); } },
  };
  link(importObject, host, options);
  const bytes = await readFile(new URL('../test/guests/memory.wasm', import.meta.url));
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes), importObject);
  attachInstance(host, instance);
  lifecycleOf(host).instantiated();
  const e = instance.exports as Record<string, (...a: number[]) => number>;
  e['__wasm_call_ctors']!();
  return { host, e };
}

function exitCode(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    if (error instanceof ProcExit) return error.code;
    throw error;
  }
  return 0;
}

describe('C guest: Faasm\'s memory rules', () => {
  it('growth, shrink, reuse, guest memory.grow, 1000 map/unmap cycles, unmap at top vs elsewhere', async () => {
    const { e } = await load();
    // the guest returns the source line of the first failed check
    expect(exitCode(() => e['_start']!())).toBe(0);
  });

  it('growth past a configured per-Faaslet limit: "Memory growth exceeding max"', async () => {
    const { e } = await load({ maxMemoryBytes: 16 * 1024 * 1024 });
    expect(() => e['over_max']!()).toThrow(/__sbrk: Memory growth exceeding max/);
  });

  it('mmap of a file\'s bytes (Faasm: "Test mmapping a file")', async () => {
    const { e, host } = await load();
    const file = await readFile('/usr/include/stdio.h');
    host.services.provide(MMAP_FILES, { read: (fd, offset, length) => (fd === 3 ? file.subarray(Number(offset), Number(offset) + length) : 8) });
    const ptr = e['map_file']!(3, file.length) >>> 0;
    expect(Buffer.from(host.memory.bytes(ptr, file.length)).equals(file)).toBe(true);
    expect(e['map_file']!(4, 10)).toBe(-1);
  });
});
