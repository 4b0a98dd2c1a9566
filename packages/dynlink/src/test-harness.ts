// Test-only: instantiates a main guest with @faasm/dynlink and node:wasi, and a GUEST_FILES
// service reading a host folder (the Faaslet's sandbox stands in for it in the runtime).
import { readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { createHost, Errno, ErrnoError, GUEST_FILES, type FaasletHost, type ImportObject } from '@faasm/abi';
import { instantiateWithNodeWasi } from '../../abi/src/test-harness.js';
import { link } from './index.js';

export const GUESTS = new URL('../test/guests/', import.meta.url).pathname;

export function guestModule(name: string): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(join(GUESTS, `${name}.wasm`)));
}

export interface Loaded {
  host: FaasletHost;
  instance: WebAssembly.Instance;
  call(name: string, ...args: number[]): unknown;
  /** Guest paths read through GUEST_FILES. */
  reads: string[];
}

/** `files`: guest path → bytes; other paths are read from `dir`. */
export function load(module: WebAssembly.Module, options: { dir?: string; files?: Record<string, Uint8Array>; extra?: ImportObject } = {}): Loaded {
  const host = createHost({ log: { debug: () => {}, warn: () => {} } });
  const reads: string[] = [];
  host.services.provide(GUEST_FILES, {
    readFile(path) {
      reads.push(path);
      const key = normalize(path);
      const given = options.files?.[key];
      if (given) return given;
      if (key.startsWith('..') || key.startsWith('/')) throw new ErrnoError(Errno.NOENT, `${path}: no such file`);
      try {
        return readFileSync(join(options.dir ?? GUESTS, key));
      } catch {
        throw new ErrnoError(Errno.NOENT, `${path}: no such file`);
      }
    },
  });
  const { instance, call } = instantiateWithNodeWasi(module, host, link, options.extra);
  return { host, instance, call, reads };
}
