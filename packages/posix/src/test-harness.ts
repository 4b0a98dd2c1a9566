import { attachInstance, createHost, lifecycleOf, rowsOf, type FaasletHost, type ImportObject, type ImportTable, type Logger } from '@faasm/abi';
import { link as linkMemory, table as memoryTable } from '@faasm/memory';
import { STDIO, link as linkWasi } from '@faasm/wasi';
import { parse } from '@bytecodealliance/jco';
import { link as linkPosix, table as posixTable, type PosixOptions } from './index.js';

export type GuestFn = (...args: Array<number | bigint>) => number;

/** Every memory and posix row, as (name, params, result) for WAT generation and sweeps. */
export const ROWS = [...rowsOf(memoryTable as unknown as ImportTable<unknown>), ...rowsOf(posixTable as unknown as ImportTable<unknown>)].map(({ name, row }) => ({
  name,
  params: row.params,
  result: row.result,
}));

/**
 * A WAT guest importing every memory/posix row and exporting a wasm wrapper `call_<name>`
 * for each (so the call crosses a real wasm → host boundary), plus memory, a function
 * table with a signal handler at index 2 (it stores its argument at address 16), and
 * `grow`.
 */
function wat(): string {
  const imports = ROWS.map(({ name, params, result }) => `(import "env" "${name}" (func $${name} ${params.length ? `(param ${params.join(' ')})` : ''} ${result ? `(result ${result})` : ''}))`);
  const wrappers = ROWS.map(({ name, params, result }) => {
    const locals = params.map((_, i) => `(local.get ${i})`).join(' ');
    return `(func (export "call_${name}") ${params.length ? `(param ${params.join(' ')})` : ''} ${result ? `(result ${result})` : ''} (call $${name} ${locals}))`;
  });
  return `(module
  ${imports.join('\n  ')}
  (memory (export "memory") 4 1000)
  (table (export "__indirect_function_table") 3 funcref)
  (elem (i32.const 2) $handler)
  (func $handler (param i32) (i32.store (i32.const 16) (local.get 0)))
  ${wrappers.join('\n  ')}
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))`;
}

let compiled: Promise<WebAssembly.Module> | undefined;

export interface Guest {
  host: FaasletHost;
  call: (name: string, ...args: Array<number | bigint>) => number;
  /** Writes a NUL-terminated string at ptr and returns ptr. */
  str: (ptr: number, text: string) => number;
  stdout: () => string;
  logs: string[];
  errno: () => number;
  importObject: ImportObject;
}

/** Scratch guest addresses the tests own (below the initial break). */
export const BUF = 0x1000;
export const BUF2 = 0x8000;
export const BUF3 = 0xc000;

export async function guest(options: PosixOptions = {}, extra: { linkWasi?: boolean; maxMemoryBytes?: number } = {}): Promise<Guest> {
  const logs: string[] = [];
  const log: Logger = { debug: (m) => logs.push(m), warn: (m) => logs.push(m) };
  const host = createHost({ log });
  const importObject: ImportObject = {};
  linkMemory(importObject, host, extra.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: extra.maxMemoryBytes });
  if (extra.linkWasi !== false) linkWasi(importObject, host, { fs: 'memory', stdout: 'capture' });
  linkPosix(importObject, host, options);
  compiled ??= parse(wat()).then((bytes) => WebAssembly.compile(bytes));
  const instance = await WebAssembly.instantiate(await compiled, importObject);
  attachInstance(host, instance);
  lifecycleOf(host).instantiated();
  const exports = instance.exports as Record<string, GuestFn>;
  return {
    host,
    importObject,
    logs,
    call: (name, ...args) => {
      const f = exports[`call_${name}`];
      if (!f) throw new Error(`no import ${name}`);
      return f(...args);
    },
    str: (ptr, text) => {
      host.memory.writeCString(ptr, text);
      return ptr;
    },
    stdout: () => new TextDecoder().decode(host.services.require(STDIO).takeCaptured().stdout),
    errno: () => host.memory.i32(exports['call___errno_location']!()),
  };
}

/** Runs a C guest from test/guests with memory + wasi + posix composed; returns its exit code and stdout. */
export async function runGuest(name: string, options: PosixOptions = {}, args: string[] = [], setup?: (host: FaasletHost) => void): Promise<{ code: number; stdout: string; logs: string[]; host: FaasletHost }> {
  const { readFile } = await import('node:fs/promises');
  const { compose, loadPackages, ProcExit } = await import('@faasm/abi');
  const bytes = await readFile(new URL(`../test/guests/${name}.wasm`, import.meta.url));
  const logs: string[] = [];
  const host = createHost({ message: { args }, log: { debug: (m) => logs.push(m), warn: (m) => logs.push(m) } });
  const module = await WebAssembly.compile(bytes);
  const packages = await loadPackages(['@faasm/memory', '@faasm/wasi', '@faasm/posix']);
  const { importObject } = compose(module, host, packages, {
    '@faasm/memory': {},
    '@faasm/wasi': { fs: 'memory', stdout: 'capture' },
    '@faasm/posix': options,
  });
  setup?.(host);
  const instance = await WebAssembly.instantiate(module, importObject);
  attachInstance(host, instance);
  lifecycleOf(host).instantiated();
  const exports = instance.exports as Record<string, () => unknown>;
  let code = 0;
  try {
    exports['__wasm_call_ctors']?.();
    exports['_start']!();
  } catch (e) {
    if (!(e instanceof ProcExit)) throw e;
    code = e.code;
  }
  const captured = host.services.require(STDIO).takeCaptured();
  return { code, stdout: new TextDecoder().decode(captured.stdout) + new TextDecoder().decode(captured.stderr), logs, host };
}
