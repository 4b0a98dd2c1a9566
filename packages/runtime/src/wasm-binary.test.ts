import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { addHostExports, readModule, GLOBAL_EXPORT_PREFIX, TABLE_EXPORT, WasmFormatError } from './wasm-binary.js';

describe('wasm binary rewrite', () => {
  it('exports the table and every unexported mutable global, keeping the module valid', async () => {
    const bytes = await parse(`(module
      (import "env" "g0" (global $imported (mut i32)))
      (memory 1)
      (table 2 funcref)
      (global $sp (mut i32) (i32.const 1024))
      (global $c i32 (i32.const 7))
      (global $counter (mut i64) (i64.const 0))
      (func $f (result i32) i32.const 5)
      (elem (i32.const 1) $f)
      (export "memory" (memory 0))
      (export "__stack_pointer" (global $sp)))`);
    const facts = readModule(bytes);
    expect(facts.importedGlobals).toEqual([{ mutable: true }]);
    expect(facts.definedGlobals.map((g) => g.mutable)).toEqual([true, false, true]);
    const { bytes: out, added } = addHostExports(bytes, facts);
    expect(added).toEqual([TABLE_EXPORT, `${GLOBAL_EXPORT_PREFIX}0`, `${GLOBAL_EXPORT_PREFIX}3`]);
    expect(WebAssembly.validate(out)).toBe(true);
    const g0 = new WebAssembly.Global({ value: 'i32', mutable: true }, 9);
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(out), { env: { g0 } });
    const table = exports[TABLE_EXPORT] as WebAssembly.Table;
    expect((table.get(1) as () => number)()).toBe(5);
    expect((exports[`${GLOBAL_EXPORT_PREFIX}3`] as WebAssembly.Global).value).toBe(0n);
    expect((exports['__stack_pointer'] as WebAssembly.Global).value).toBe(1024);
  });

  it('returns the same bytes when nothing is missing', async () => {
    const bytes = await parse('(module (table 1 funcref) (export "t" (table 0)))');
    expect(addHostExports(bytes).bytes).toBe(bytes);
  });

  it('places a new export section before start/elem/code sections', async () => {
    const bytes = await parse(`(module (table 1 funcref) (func $s) (start $s) (func $f) (elem (i32.const 0) $f))`);
    const { bytes: out } = addHostExports(bytes);
    expect(WebAssembly.validate(out)).toBe(true);
    expect(WebAssembly.Module.exports(new WebAssembly.Module(out))).toEqual([{ name: TABLE_EXPORT, kind: 'table' }]);
  });

  it('reads imported memory limits (shared-memory guests)', async () => {
    const bytes = await parse('(module (import "env" "memory" (memory 2 10 shared)))');
    expect(readModule(bytes).importedMemory).toEqual({ module: 'env', name: 'memory', limits: { initial: 2, maximum: 10, shared: true } });
  });

  it('rejects what is not wasm, and truncated binaries', async () => {
    expect(() => readModule(new TextEncoder().encode('hello world'))).toThrow(WasmFormatError);
    const bytes = await parse('(module (memory 1) (export "m" (memory 0)))');
    expect(() => readModule(bytes.subarray(0, bytes.length - 3))).toThrow(WasmFormatError);
  });
});
