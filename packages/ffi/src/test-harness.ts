// Test-only: instantiates a guest with @faasm/ffi and node:wasi, ready for its exports to
// be called. Not part of the build.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { attachInstance, createHost, type FaasletHost, type ImportObject } from '@faasm/abi';
import { link } from './index.js';

export function guestModule(name: string): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(new URL(`../test/guests/${name}.wasm`, import.meta.url)));
}

export interface Loaded {
  host: FaasletHost;
  instance: WebAssembly.Instance;
  call(name: string, ...args: number[]): unknown;
  warnings: string[];
}

export function load(module: WebAssembly.Module): Loaded {
  const warnings: string[] = [];
  const host = createHost({ log: { debug: () => {}, warn: (m) => warnings.push(m) } });
  const wasi = new WASI({ version: 'preview1', args: ['function.wasm'], env: {}, returnOnExit: true });
  const importObject: ImportObject = { wasi_snapshot_preview1: wasi.wasiImport as Record<string, WebAssembly.ImportValue> };
  link(importObject, host);
  const instance = new WebAssembly.Instance(module, importObject);
  attachInstance(host, instance);
  if (instance.exports['_start']) wasi.initialize({ exports: { memory: instance.exports['memory'] as WebAssembly.Memory } } as unknown as WebAssembly.Instance);
  host.exports.function('__wasm_call_ctors')?.();
  const call = (name: string, ...args: number[]) => {
    const f = host.exports.function(name);
    if (!f) throw new Error(`guest has no export ${name}`);
    return f(...args);
  };
  return { host, instance, call, warnings };
}
