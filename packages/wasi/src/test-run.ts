import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachInstance, createHost, lifecycleOf, ProcExit, type FaasletHost, type ImportObject } from '@faasm/abi';
import { parse } from '@bytecodealliance/jco';
import { onTestFinished } from 'vitest';
import { link } from './link.js';
import { FD_TABLE } from './service.js';
import type { WasiOptions } from './options.js';
import { STDIO } from './stdio.js';

const GUESTS = join(import.meta.dirname, '..', 'test', 'guests');
const modules = new Map<string, WebAssembly.Module>();

export function guestModule(name: string): WebAssembly.Module {
  let m = modules.get(name);
  if (!m) {
    m = new WebAssembly.Module(readFileSync(join(GUESTS, `${name}.wasm`)));
    modules.set(name, m);
  }
  return m;
}

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  host: FaasletHost;
}

/** Instantiates a module with @faasm/wasi alone (capture on) and returns a ready host. */
export function instantiate(module: WebAssembly.Module, options: WasiOptions = {}, message: { args?: string[]; env?: Record<string, string> } = {}): { host: FaasletHost; instance: WebAssembly.Instance } {
  const host = createHost({ message });
  const importObject: ImportObject = {};
  link(importObject, host, { stdout: 'capture', ...options });
  onTestFinished(() => host.services.get(FD_TABLE)?.dispose());
  const instance = new WebAssembly.Instance(module, importObject);
  attachInstance(host, instance);
  lifecycleOf(host).instantiated();
  return { host, instance };
}

/** Runs `_start` (after the constructors) and collects the exit code and captured output. */
export function runStart(host: FaasletHost, instance: WebAssembly.Instance): Run {
  lifecycleOf(host).beforeCall();
  let code = 0;
  try {
    (instance.exports['__wasm_call_ctors'] as (() => void) | undefined)?.();
    (instance.exports['_start'] as () => void)();
  } catch (e) {
    if (e instanceof ProcExit) code = e.code;
    else throw e;
  }
  const out = host.services.require(STDIO).takeCaptured();
  const dec = new TextDecoder();
  return { code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr), host };
}

/** Builds and runs a C guest from test/guests. */
export function runGuest(name: string, options: WasiOptions = {}, message: { args?: string[]; env?: Record<string, string> } = {}): Run {
  const { host, instance } = instantiate(guestModule(name), options, message);
  return runStart(host, instance);
}

/** Compiles WAT with jco. */
export async function wat(text: string): Promise<WebAssembly.Module> {
  return new WebAssembly.Module(await parse(text));
}
