// Test-only (not part of the build): instantiates a guest with one interface package and
// node:wasi for its WASI imports, constructors run, ready for its exports to be called.
// Used by the package tests that need no runtime (@faasm/ffi, @faasm/dynlink).
import { WASI } from 'node:wasi';
// Through the package name, as its users import it (one copy of the module at run time).
import { attachInstance, type FaasletHost, type ImportObject } from '@faasm/abi';

export interface Instantiated {
  instance: WebAssembly.Instance;
  /** Calls a guest export by name (throws if the guest has none). */
  call(name: string, ...args: number[]): unknown;
}

export function instantiateWithNodeWasi(
  module: WebAssembly.Module,
  host: FaasletHost,
  link: (importObject: ImportObject, host: FaasletHost) => void,
  extra: ImportObject = {},
): Instantiated {
  const wasi = new WASI({ version: 'preview1', args: ['function.wasm'], env: {}, returnOnExit: true });
  const importObject: ImportObject = { wasi_snapshot_preview1: wasi.wasiImport as Record<string, WebAssembly.ImportValue>, ...extra };
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
  return { instance, call };
}
