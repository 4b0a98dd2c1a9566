// Test-only: runs a guest in-process with this package, node:wasi for WASI, and
// optional extra links (e.g. @faasm/state). Not part of the build.
import { readFileSync } from 'node:fs';
import { WASI } from 'node:wasi';
import { attachInstance, createHost, GuestTrap, ProcExit, type Bridge, type FaasletHost, type ImportObject, type Message } from '@faasm/abi';
import { ChainScheduler, failedOutput, link, syncBridge, type CallResult, type ChainSchedulerOptions } from './index.js';

export function guestModule(name: string, dir = new URL('../test/guests/', import.meta.url)): WebAssembly.Module {
  return new WebAssembly.Module(readFileSync(new URL(`${name}.wasm`, dir)));
}

export interface RunOptions {
  message?: Partial<Message>;
  bridge?: Bridge;
  /** Extra packages' link functions (after @faasm/functions). */
  links?: ((importObject: ImportObject, host: FaasletHost) => void)[];
  /** Run table[funcPtr]() instead of `_start` (a chained-by-pointer call). */
  funcPtr?: number;
  /** The entry's i32 argument (default: the input parsed as an integer). */
  arg?: number;
  beforeRun?: (host: FaasletHost) => void;
}

export interface RunResult {
  returnValue: number;
  output: Uint8Array;
  host: FaasletHost;
  error?: unknown;
}

export function runGuest(module: WebAssembly.Module, options: RunOptions = {}): RunResult {
  const host = createHost({ message: options.message ?? {}, ...(options.bridge ? { bridge: options.bridge } : {}) });
  const wasi = new WASI({ version: 'preview1', args: ['function.wasm', ...host.message.args], env: host.message.env, returnOnExit: true });
  const importObject: ImportObject = { wasi_snapshot_preview1: wasi.wasiImport as Record<string, WebAssembly.ImportValue> };
  link(importObject, host);
  for (const extra of options.links ?? []) extra(importObject, host);
  const instance = new WebAssembly.Instance(module, importObject);
  attachInstance(host, instance);
  options.beforeRun?.(host);
  let returnValue = 0;
  let error: unknown;
  try {
    if (options.funcPtr !== undefined) {
      wasi.initialize({ exports: { memory: instance.exports['memory'] as WebAssembly.Memory } } as unknown as WebAssembly.Instance);
      host.exports.function('__wasm_call_ctors')?.();
      const arg = options.arg ?? (Number.parseInt(new TextDecoder().decode(host.message.input), 10) || 0);
      returnValue = Number(host.exports.callIndirect(options.funcPtr, arg) ?? 0);
    } else {
      returnValue = wasi.start(instance);
    }
  } catch (e) {
    if (e instanceof ProcExit) returnValue = e.code;
    else {
      returnValue = 1;
      error = e;
    }
  }
  return { returnValue, output: host.message.output, host, ...(error !== undefined ? { error } : {}) };
}

export function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

export { GuestTrap };

/** Faasm's rule: a non-zero return value replaces the output. */
export function finalResult(r: RunResult): CallResult {
  return { returnValue: r.returnValue, output: r.returnValue === 0 ? r.output : failedOutput(r.returnValue) };
}

/**
 * An in-process control plane for tests: a ChainScheduler whose invoker runs every
 * chained call synchronously, nested, in a fresh instance of `<function>.wasm`.
 */
export function localPlane(options: ChainSchedulerOptions & { links?: RunOptions['links'] } = {}) {
  const modules = new Map<string, WebAssembly.Module>();
  const moduleOf = (name: string) => {
    let m = modules.get(name);
    if (!m) modules.set(name, (m = guestModule(name)));
    return m;
  };
  const calls: string[] = [];
  const scheduler = new ChainScheduler((call) => {
    calls.push(`${call.message.function}${call.funcPtr !== undefined ? `#${call.funcPtr}` : ''}:${text(call.message.input)}`);
    const r = runGuest(moduleOf(call.message.function), {
      message: { ...call.message },
      bridge,
      ...(call.funcPtr !== undefined ? { funcPtr: call.funcPtr } : {}),
      ...(call.arg !== undefined ? { arg: call.arg } : {}),
      ...(options.links ? { links: options.links } : {}),
    });
    return finalResult(r);
  }, options);
  const bridge = syncBridge(scheduler.handlers());
  const run = (name: string, input = '', extra: Partial<RunOptions> = {}) => {
    const r = runGuest(moduleOf(name), {
      message: { id: scheduler.nextId(), appId: 7, user: 'demo', function: name, input: new TextEncoder().encode(input) },
      bridge,
      ...(options.links ? { links: options.links } : {}),
      ...extra,
    });
    return { ...finalResult(r), text: text(finalResult(r).output), error: r.error, host: r.host };
  };
  return { scheduler, bridge, run, calls };
}
