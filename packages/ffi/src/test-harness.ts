// Test-only: instantiates a guest with @faasm/ffi and node:wasi, ready for its exports to
// be called. Not part of the build.
import { readFileSync } from 'node:fs';
import { createHost, type FaasletHost } from '@faasm/abi';
import { instantiateWithNodeWasi } from '../../abi/src/test-harness.js';
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
  const { instance, call } = instantiateWithNodeWasi(module, host, link);
  return { host, instance, call, warnings };
}
