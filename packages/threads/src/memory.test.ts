import { readFileSync } from 'node:fs';
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PAGES, createGuestMemory, memoryImportOf } from './memory.js';

const guest = readFileSync(new URL('../test/guests/boot.wasm', import.meta.url));

describe('the main instance memory of a threads guest', () => {
  it('reads the memory import (limits, shared) from the import section', () => {
    const imp = memoryImportOf(guest);
    expect(imp).toMatchObject({ module: 'env', name: 'memory', shared: true });
    expect(imp!.initial).toBeGreaterThan(64); // the 4 MiB stack comes first
    expect(imp!.maximum).toBeGreaterThanOrEqual(DEFAULT_MAX_PAGES);
  });

  it('creates a shared memory with the initial size and a capped maximum that instantiates', async () => {
    const made = createGuestMemory(guest)!;
    expect(made.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(made.memory.buffer.byteLength).toBe(made.import.initial * 65536);
    const module = await WebAssembly.compile(guest);
    const imports = Object.fromEntries(
      WebAssembly.Module.imports(module).filter((i) => i.kind === 'function').map((i) => [i.name, () => 0]),
    );
    const instance = await WebAssembly.instantiate(module, {
      env: { ...imports, memory: made.memory },
      wasi_snapshot_preview1: imports,
    });
    expect(instance.exports['_start']).toBeTypeOf('function');
    made.memory.grow(1);
    expect(made.memory.buffer.byteLength).toBe((made.import.initial + 1) * 65536);
  });

  it('handles modules that define their memory, import an unshared one, or are not wasm', async () => {
    const own = await parse('(module (memory 1) (func (export "f")))');
    expect(memoryImportOf(own)).toBeUndefined();
    expect(createGuestMemory(own)).toBeUndefined();
    const unshared = await parse('(module (import "env" "mem" (memory 2 10)) (import "env" "f" (func)))');
    expect(memoryImportOf(unshared)).toEqual({ module: 'env', name: 'mem', initial: 2, maximum: 10, shared: false });
    expect(createGuestMemory(unshared)!.memory.buffer).toBeInstanceOf(ArrayBuffer);
    expect(() => memoryImportOf(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(/not a wasm binary/);
    expect(() => memoryImportOf(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 5, 1]))).toThrow(/truncated/);
  });
});
