import { describe, expect, it } from 'vitest';
import { parse } from '@bytecodealliance/jco';
import { attachInstance, createHost, GuestTrap, type ImportObject } from '@faasm/abi';
import { link, manifest, table } from './index.js';
import { guestModule, runGuest, text } from './test-harness.js';

const enc = new TextEncoder();

async function watGuest(body: string, imports: string) {
  const bytes = await parse(`(module ${imports} (memory (export "memory") 1) (data (i32.const 64) "ALWAYS_ON\\00ALWAYS_OFF\\00PYTHON_PRELOAD\\00OTHER\\00") ${body})`);
  return new WebAssembly.Module(bytes);
}

function instantiate(module: WebAssembly.Module, input = '', env: Record<string, string> = {}) {
  const host = createHost({ message: { input: enc.encode(input), env } });
  const importObject: ImportObject = {};
  link(importObject, host);
  const instance = new WebAssembly.Instance(module, importObject);
  attachInstance(host, instance);
  return { host, exports: instance.exports as Record<string, (...a: number[]) => number> };
}

describe('input and output', () => {
  it('read_input: 0 when empty, size when len is 0, copies min(len, size)', async () => {
    const m = await watGuest(
      `(func (export "read") (param i32 i32) (result i32) (call $read (local.get 0) (local.get 1)))`,
      `(import "env" "__faasm_read_input" (func $read (param i32 i32) (result i32)))`,
    );
    const empty = instantiate(m);
    expect(empty.exports['read']!(1024, 0)).toBe(0);
    expect(empty.exports['read']!(1024, 10)).toBe(0);
    const { host, exports } = instantiate(m, 'hello world');
    expect(exports['read']!(1024, 0)).toBe(11);
    expect(exports['read']!(1024, 5)).toBe(5);
    expect(host.memory.string(1024, 5)).toBe('hello');
    expect(exports['read']!(2048, 100)).toBe(11);
    expect(host.memory.string(2048, 11)).toBe('hello world');
  });

  it('read_input traps, naming the import, on a buffer outside memory', async () => {
    const m = await watGuest(
      `(func (export "read") (param i32 i32) (result i32) (call $read (local.get 0) (local.get 1)))`,
      `(import "env" "__faasm_read_input" (func $read (param i32 i32) (result i32)))`,
    );
    const { exports } = instantiate(m, 'hello');
    expect(() => exports['read']!(65534, 5)).toThrow(GuestTrap);
    expect(() => exports['read']!(65534, 5)).toThrow(/__faasm_read_input/);
  });

  it('write_output: last write wins; out-of-bounds traps', async () => {
    const m = await watGuest(
      `(func (export "write") (param i32 i32) (call $write (local.get 0) (local.get 1)))`,
      `(import "env" "__faasm_write_output" (func $write (param i32 i32)))`,
    );
    const { host, exports } = instantiate(m);
    host.memory.write(1000, enc.encode('first second'));
    exports['write']!(1000, 5);
    expect(text(host.message.output)).toBe('first');
    exports['write']!(1006, 6);
    expect(text(host.message.output)).toBe('second');
    expect(() => exports['write']!(65000, 4096)).toThrow(/__faasm_write_output/);
    expect(text(host.message.output)).toBe('second');
  });

  it('conf_flag: ALWAYS_ON 1, ALWAYS_OFF 0, PYTHON_PRELOAD from env, others 0', async () => {
    const m = await watGuest(
      `(func (export "flag") (param i32) (result i32) (call $flag (local.get 0)))`,
      `(import "env" "__faasm_conf_flag" (func $flag (param i32) (result i32)))`,
    );
    const off = instantiate(m);
    expect([64, 74, 85, 100].map((p) => off.exports['flag']!(p))).toEqual([1, 0, 0, 0]);
    const on = instantiate(m, '', { PYTHON_PRELOAD: 'on' });
    expect(on.exports['flag']!(85)).toBe(1);
    expect(() => on.exports['flag']!(70000)).toThrow(/__faasm_conf_flag/);
  });

  it('get_py_*: NUL-terminated, truncated to the buffer', async () => {
    const m = await watGuest(
      `(func (export "user") (param i32 i32) (call $u (local.get 0) (local.get 1)))
       (func (export "func") (param i32 i32) (call $f (local.get 0) (local.get 1)))
       (func (export "entry") (param i32 i32) (call $e (local.get 0) (local.get 1)))`,
      `(import "env" "__faasm_get_py_user" (func $u (param i32 i32)))
       (import "env" "__faasm_get_py_func" (func $f (param i32 i32)))
       (import "env" "__faasm_get_py_entry" (func $e (param i32 i32)))`,
    );
    const { host, exports } = instantiate(m);
    host.message.pythonUser = 'python';
    host.message.pythonFunction = 'hello';
    host.message.pythonEntry = 'main';
    exports['user']!(2000, 64);
    exports['func']!(2100, 64);
    exports['entry']!(2200, 3);
    expect(host.memory.cstring(2000)).toBe('python');
    expect(host.memory.cstring(2100)).toBe('hello');
    expect(host.memory.cstring(2200)).toBe('ma');
  });

  it('memory_layout_protection is a no-op', async () => {
    const m = await watGuest(`(func (export "p") (call $p))`, `(import "env" "__faasm_memory_layout_protection" (func $p))`);
    const { exports } = instantiate(m);
    expect(exports['p']!()).toBeUndefined();
  });

  it('a C guest reads its input, and its last output wins', () => {
    const r = runGuest(guestModule('echo'), { message: { input: enc.encode('abc'), env: { PYTHON_PRELOAD: 'on' } } });
    expect(r.returnValue).toBe(0);
    expect(text(r.output)).toBe('flag=101:abc');
    const empty = runGuest(guestModule('echo'));
    expect(text(empty.output)).toBe('flag=100:(empty)');
  });

  it('the manifest lists every row of the table', () => {
    expect(manifest.package).toBe('@faasm/functions');
    expect(manifest.imports['env']).toEqual(Object.keys(table.modules['env']!));
  });
});
