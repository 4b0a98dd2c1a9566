// Edge cases on hand-written modules (WAT side modules with a dylink.0 section appended):
// NEEDED libraries, undefined symbols, a table that cannot grow, no malloc (memory.grow),
// and forgetting modules on a snapshot restore.
import { parse } from '@bytecodealliance/jco';
import { GuestTrap, encodeName, encodeSection, encodeU32, lifecycleOf } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { linkerOf, parseDylink } from './index.js';
import { load } from './test-harness.js';

const leb = encodeU32;
const name = encodeName;
const sub = encodeSection;

/** A dylink.0 payload: mem info, and NEEDED when given. */
function dylink(mem: { size: number; align: number; table: number; tableAlign?: number }, needed: string[] = []): number[] {
  const out = sub(1, [...leb(mem.size), ...leb(mem.align), ...leb(mem.table), ...leb(mem.tableAlign ?? 0)]);
  if (needed.length) out.push(...sub(2, [...leb(needed.length), ...needed.flatMap(name)]));
  return out;
}

async function sideModule(wat: string, payload: number[] | undefined): Promise<Uint8Array> {
  const bytes = await parse(wat);
  if (!payload) return bytes;
  const custom = [...name('dylink.0'), ...payload];
  return new Uint8Array([...bytes, 0, ...leb(custom.length), ...custom]);
}

const MAIN = (table: string) => `(module
  (import "env" "dlopen" (func $dlopen (param i32 i32) (result i32)))
  (import "env" "dlsym" (func $dlsym (param i32 i32) (result i32)))
  (import "env" "dlerror" (func $dlerror (result i32)))
  (memory (export "memory") 2)
  (table (export "__indirect_function_table") ${table} funcref)
  (global (export "__stack_pointer") (mut i32) (i32.const 65536))
  (func (export "open") (param i32 i32) (result i32) (call $dlopen (local.get 0) (local.get 1)))
  (func (export "sym") (param i32 i32) (result i32) (call $dlsym (local.get 0) (local.get 1)))
  (func (export "error") (result i32) (call $dlerror)))`;

const LIBDEP = `(module
  (import "env" "memory" (memory 0))
  (import "env" "__memory_base" (global $mb i32))
  (data (global.get $mb) "\\2a\\00\\00\\00")
  (func (export "dep_value") (result i32) (i32.load (global.get $mb))))`;

const LIBUSER = `(module
  (import "env" "dep_value" (func $dep (result i32)))
  (func (export "user_value") (result i32) (i32.add (call $dep) (i32.const 1))))`;

const LIBTABLE = `(module
  (import "env" "__indirect_function_table" (table 0 funcref))
  (import "env" "__table_base" (global $tb i32))
  (func $a (result i32) (i32.const 11))
  (func $b (result i32) (i32.const 22))
  (elem (global.get $tb) $a $b)
  (func (export "second") (result i32) (i32.add (global.get $tb) (i32.const 1))))`;

const LIBBAD = `(module (import "env" "nope" (func)) (func (export "f")))`;

// Weak imports (IMPORT_INFO flag WASM_SYMBOL_BINDING_WEAK): a missing function and data symbol.
const LIBWEAK = `(module
  (import "env" "maybe" (func $maybe))
  (import "GOT.mem" "maybe_data" (global $d (mut i32)))
  (func (export "data_address") (result i32) (global.get $d))
  (func (export "call_maybe") (call $maybe)))`;

async function setup(table = '1') {
  const files: Record<string, Uint8Array> = {
    'libdep.wasm': await sideModule(LIBDEP, dylink({ size: 4, align: 2, table: 0 })),
    'libuser.wasm': await sideModule(LIBUSER, dylink({ size: 0, align: 0, table: 0 }, ['libdep.wasm'])),
    'libtable.wasm': await sideModule(LIBTABLE, dylink({ size: 0, align: 0, table: 2 })),
    'libbad.wasm': await sideModule(LIBBAD, dylink({ size: 0, align: 0, table: 0 })),
    'libweak.wasm': await sideModule(LIBWEAK, [
      ...dylink({ size: 0, align: 0, table: 0 }),
      ...sub(4, [2, ...name('env'), ...name('maybe'), 1, ...name('GOT.mem'), ...name('maybe_data'), 1]),
    ]),
    'plain.wasm': await sideModule(LIBUSER, undefined),
  };
  const g = load(new WebAssembly.Module(await parse(MAIN(table))), { files, dir: '/nonexistent' });
  const memory = g.host.memory;
  const str = (s: string, at: number) => {
    memory.writeCString(at, s);
    return at;
  };
  const open = (path: string, flags = 2) => g.call('open', str(path, 1024), flags) as number;
  const sym = (handle: number, symbol: string) => (g.call('sym', handle, str(symbol, 2048)) as number) >>> 0;
  const error = () => {
    const p = g.call('error') as number;
    return p === 0 ? null : memory.cstring(p);
  };
  return { ...g, open, sym, error };
}

describe('side modules from WAT', () => {
  it('loads NEEDED libraries first and resolves imports against them; data goes to grown memory without malloc', async () => {
    const g = await setup();
    const pagesBefore = g.host.memory.size / 65536;
    const user = g.open('libuser.wasm');
    expect(user, g.error() ?? '').toBeGreaterThan(1);
    expect(g.reads).toEqual(['libuser.wasm', 'libdep.wasm']);
    expect(g.host.memory.size / 65536).toBeGreaterThan(pagesBefore);
    const index = g.sym(user, 'user_value');
    expect(g.host.exports.callIndirect(index)).toBe(43);
    // dep_value is visible through libuser's handle (its dependency) and, being loaded
    // as a dependency, globally.
    expect(g.host.exports.callIndirect(g.sym(user, 'dep_value'))).toBe(42);
    expect(g.host.exports.callIndirect(g.sym(0, 'dep_value'))).toBe(42);
    const dep = linkerOf(g.host).modules.find((m) => m.path === 'libdep.wasm')!;
    expect(dep.memoryBase % 4).toBe(0);
    expect(g.host.memory.i32(dep.memoryBase)).toBe(42);
  });

  it("gives a side module its own table range for its element segments", async () => {
    const g = await setup();
    const h = g.open('libtable.wasm');
    expect(h, g.error() ?? '').not.toBe(0);
    const side = linkerOf(g.host).modules[0]!;
    const second = g.host.exports.callIndirect(g.sym(h, 'second')) as number;
    expect(second).toBe(side.tableBase + 1);
    expect(g.host.exports.callIndirect(side.tableBase)).toBe(11);
    expect(g.host.exports.callIndirect(second)).toBe(22);
  });

  it('an undefined import fails dlopen with dlerror naming it, and releases the table slots it took', async () => {
    const g = await setup();
    expect(g.open('libbad.wasm')).toBe(0);
    expect(g.error()).toMatch(/libbad\.wasm: undefined symbol: nope/);
    expect(g.error()).toBeNull();
    expect(g.open('plain.wasm')).toBe(0);
    expect(g.error()).toMatch(/not a side module/);
    expect(linkerOf(g.host).modules).toEqual([]);
  });

  it('weak undefined symbols load: data at address 0, a function that traps when called', async () => {
    const g = await setup();
    const h = g.open('libweak.wasm');
    expect(h, g.error() ?? '').not.toBe(0);
    expect(g.host.exports.callIndirect(g.sym(h, 'data_address'))).toBe(0);
    expect(() => g.host.exports.callIndirect(g.sym(h, 'call_maybe'))).toThrow(/called weak undefined function maybe/);
  });

  it('a table that cannot grow fails dlopen with a reason', async () => {
    const g = await setup('1 1');
    expect(g.open('libtable.wasm')).toBe(0);
    expect(g.error()).toMatch(/cannot grow.*--growable-table/);
  });

  it('a restore forgets modules loaded after the snapshot and reuses their table slots', async () => {
    const g = await setup();
    const lifecycle = lifecycleOf(g.host);
    const saved = lifecycle.snapshot();
    const h = g.open('libtable.wasm');
    const base = linkerOf(g.host).modules[0]!.tableBase;
    const length = g.host.exports.table!.length;
    lifecycle.restore(saved);
    expect(linkerOf(g.host).modules).toEqual([]);
    expect(g.host.exports.table!.get(base)).toBeNull();
    expect(g.open('libtable.wasm')).toBe(h);
    expect(linkerOf(g.host).modules[0]!.tableBase).toBe(base);
    expect(g.host.exports.table!.length).toBe(length);
    expect(g.host.exports.callIndirect(base)).toBe(11);
  });

  it('a path pointer outside memory traps naming dlopen', async () => {
    const g = await setup();
    expect(() => g.call('open', 0x7ffffff0, 2)).toThrow(GuestTrap);
    expect(() => g.call('open', 0x7ffffff0, 2)).toThrow(/^dlopen: out-of-bounds/);
  });
});

describe('dylink.0 parsing', () => {
  it('reads mem info, needed, export and import info; rejects truncation', () => {
    const payload = [
      ...dylink({ size: 300, align: 3, table: 2, tableAlign: 1 }, ['a.so', 'b.so']),
      ...sub(3, [1, ...name('tls_var'), ...leb(0x100)]),
      ...sub(4, [1, ...name('env'), ...name('weak_fn'), 1]),
      ...sub(99, [1, 2, 3]),
    ];
    const info = parseDylink(new Uint8Array(payload));
    expect(info).toMatchObject({ memorySize: 300, memoryAlign: 3, tableSize: 2, tableAlign: 1, needed: ['a.so', 'b.so'] });
    expect(info.exportFlags.get('tls_var')).toBe(0x100);
    expect(info.importFlags.get('env.weak_fn')).toBe(1);
    expect(() => parseDylink(new Uint8Array(payload.slice(0, 5)))).toThrow(/dylink\.0/);
  });
});
