// Edge cases on hand-written modules (WAT): no exported stack pointer (scratch comes from
// the guest's malloc, or the call traps without one), a table that cannot grow, and a
// closure placed at an empty slot named by codeloc.
import { parse } from '@bytecodealliance/jco';
import { attachInstance, createHost, GuestTrap, type ImportObject } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { FfiStatus, link, signatureModuleBytes } from './index.js';

// Guest data: ffi_type sint32 @0x100, struct {int a; int b} @0x110 (elements @0x120),
// cif (struct) -> sint32 @0x140 (arg types @0x160), a struct value {7, 35} @0x180,
// avalue @0x190 → 0x180, result @0x1a0, closure @0x200.
const DATA = `
  (data (i32.const 0x100) "\\04\\00\\00\\00\\04\\00\\0a\\00\\00\\00\\00\\00")
  (data (i32.const 0x110) "\\00\\00\\00\\00\\00\\00\\0d\\00\\20\\01\\00\\00")
  (data (i32.const 0x120) "\\00\\01\\00\\00\\00\\01\\00\\00\\00\\00\\00\\00")
  (data (i32.const 0x140) "\\01\\00\\00\\00\\01\\00\\00\\00\\60\\01\\00\\00\\00\\01\\00\\00\\00\\00\\00\\00\\00\\00\\00\\00")
  (data (i32.const 0x160) "\\10\\01\\00\\00")
  (data (i32.const 0x180) "\\07\\00\\00\\00\\23\\00\\00\\00")
  (data (i32.const 0x190) "\\80\\01\\00\\00")`;

const FUNCS = `
  (type $pair (func (param i32) (result i32)))
  (import "env" "ffi_call" (func $ffi_call (param i32 i32 i32 i32)))
  (import "env" "ffi_prep_closure_loc" (func $prep (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (table (export "__indirect_function_table") 4 4 funcref)
  (elem (i32.const 1) $pair_sum $handler)
  ;; int pair_sum(struct pair p): a + b, then scribbles on its copy.
  (func $pair_sum (param $p i32) (result i32)
    (local $r i32)
    (local.set $r (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p))))
    (i32.store (local.get $p) (i32.const -1))
    (local.get $r))
  ;; void handler(ffi_cif*, void* ret, void** args, void* user): *ret = a * 1000 + b + user
  (func $handler (param $cif i32) (param $ret i32) (param $args i32) (param $user i32)
    (local $s i32)
    (local.set $s (i32.load (local.get $args)))
    (i32.store (local.get $ret)
      (i32.add (i32.add (i32.mul (i32.load (local.get $s)) (i32.const 1000)) (i32.load offset=4 (local.get $s))) (local.get $user))))
  (func (export "call") (result i32)
    (call $ffi_call (i32.const 0x140) (i32.const 1) (i32.const 0x1a0) (i32.const 0x190))
    (i32.load (i32.const 0x1a0)))
  (func (export "struct_a") (result i32) (i32.load (i32.const 0x180)))
  (func (export "prep") (param $codeloc i32) (result i32)
    (call $prep (i32.const 0x200) (i32.const 0x140) (i32.const 2) (i32.const 5) (local.get $codeloc)))
  (func (export "prep_with") (param $fun i32) (result i32)
    (call $prep (i32.const 0x200) (i32.const 0x140) (local.get $fun) (i32.const 5) (i32.const 3)))
  (func (export "ftramp") (result i32) (i32.load (i32.const 0x200)))
  (func (export "call_closure") (result i32)
    (call_indirect (type $pair) (i32.const 0x180) (i32.load (i32.const 0x200))))`;

const MALLOC = `
  (global $brk (mut i32) (i32.const 0x1000))
  (global $frees (export "frees") (mut i32) (i32.const 0))
  (func (export "malloc") (param $n i32) (result i32)
    (global.get $brk)
    (global.set $brk (i32.add (global.get $brk) (local.get $n))))
  (func (export "free") (param i32) (global.set $frees (i32.add (global.get $frees) (i32.const 1))))`;

async function instantiate(body: string) {
  const bytes = await parse(`(module ${FUNCS} ${DATA} ${body})`);
  const warnings: string[] = [];
  const host = createHost({ log: { debug: () => {}, warn: (m) => warnings.push(m) } });
  const importObject: ImportObject = {};
  link(importObject, host);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), importObject);
  attachInstance(host, instance);
  const ex = instance.exports as Record<string, (...a: number[]) => number>;
  return { host, ex, warnings, frees: () => (instance.exports['frees'] as WebAssembly.Global | undefined)?.value as number };
}

describe('without an exported __stack_pointer', () => {
  it("marshals through the guest's malloc and frees it; the struct goes by a copy", async () => {
    const { ex, frees } = await instantiate(MALLOC);
    expect(ex['call']!()).toBe(42);
    expect(ex['struct_a']!()).toBe(7);
    expect(frees()).toBe(1);
  });

  it('traps naming ffi_call when the guest has no malloc either', async () => {
    const { ex } = await instantiate('');
    expect(() => ex['call']!()).toThrow(GuestTrap);
    expect(() => ex['call']!()).toThrow(/^ffi_call: .*does not export malloc/);
  });
});

describe('closures on a table that cannot grow', () => {
  it('goes to the empty slot codeloc names and is callable there', async () => {
    const { ex, frees } = await instantiate(MALLOC);
    expect(ex['prep']!(3)).toBe(FfiStatus.OK);
    expect(ex['ftramp']!()).toBe(3);
    expect(ex['call_closure']!()).toBe(7 * 1000 + 35 + 5);
    expect(frees()).toBe(1);
  });

  it('returns FFI_BAD_ABI with a warning when no slot is free', async () => {
    const { ex, warnings } = await instantiate(MALLOC);
    expect(ex['prep']!(0)).toBe(FfiStatus.BAD_ABI);
    expect(warnings.join('\n')).toMatch(/--growable-table/);
    // An occupied codeloc is not overwritten either.
    expect(ex['prep']!(1)).toBe(FfiStatus.BAD_ABI);
  });
});

describe('closure handlers', () => {
  it('a fun that is not void(ffi_cif*, void*, void**, void*) traps naming ffi_prep_closure_loc', async () => {
    const { ex } = await instantiate(MALLOC);
    expect(() => ex['prep_with']!(1)).toThrow(GuestTrap);
    expect(() => ex['prep_with']!(1)).toThrow(/^ffi_prep_closure_loc: host error: fun \(table index 1\) does not have the cif's wasm signature \(i32, i32, i32, i32\) -> void/);
    expect(() => ex['prep_with']!(9)).toThrow(/^ffi_prep_closure_loc: .*table index 9 out of range/);
  });
});

describe('signature modules', () => {
  it('encode parameter counts past one LEB128 byte', () => {
    const params = Array.from({ length: 200 }, (_, i) => (['i32', 'i64', 'f32', 'f64'] as const)[i % 4]);
    expect(WebAssembly.validate(signatureModuleBytes(params, 'f64'))).toBe(true);
    expect(WebAssembly.validate(signatureModuleBytes([], null))).toBe(true);
  });
});
