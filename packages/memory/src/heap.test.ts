import { createHost, lifecycleOf, attachInstance, GuestTrap, SPEC_IMPORTS, rowsOf } from '@faasm/abi';
import { parse } from '@bytecodealliance/jco';
import { describe, expect, it } from 'vitest';
import { HEAP, Heap, MMAP_FILES, WASM_PAGE, link, manifest, table } from './index.js';

const PAGE = WASM_PAGE;

/** A guest that imports the memory rows and can grow its own memory. */
const WAT = `(module
  (import "env" "__sbrk" (func $sbrk (param i32) (result i32)))
  (import "env" "mmap" (func $mmap (param i32 i32 i32 i32 i32 i64) (result i32)))
  (import "env" "munmap" (func $munmap (param i32 i32) (result i32)))
  (import "env" "msync" (func $msync (param i32 i32 i32) (result i32)))
  (import "env" "shm_open" (func $shm (param i32 i32 i32) (result i32)))
  (memory (export "memory") 2 20)
  (data (i32.const 16) "/shm\\00")
  (func (export "sbrk") (param i32) (result i32) (call $sbrk (local.get 0)))
  (func (export "mmap") (param i32) (result i32) (call $mmap (i32.const 0) (local.get 0) (i32.const 3) (i32.const 34) (i32.const -1) (i64.const 0)))
  (func (export "mmapFd") (param i32 i32) (result i32) (call $mmap (i32.const 0) (local.get 1) (i32.const 1) (i32.const 2) (local.get 0) (i64.const 0)))
  (func (export "munmap") (param i32 i32) (result i32) (call $munmap (local.get 0) (local.get 1)))
  (func (export "msync") (param i32 i32) (result i32) (call $msync (local.get 0) (local.get 1) (i32.const 0)))
  (func (export "shm") (param i32) (result i32) (call $shm (local.get 0) (i32.const 0) (i32.const 0)))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "store") (param i32 i32) (i32.store (local.get 0) (local.get 1)))
  (func (export "load") (param i32) (result i32) (i32.load (local.get 0))))`;

type Fn = (...args: number[]) => number;

async function guest(options: { maxMemoryBytes?: number } = {}) {
  const host = createHost();
  const importObject = {};
  link(importObject, host, options);
  const module = await WebAssembly.compile(await parse(WAT));
  const instance = await WebAssembly.instantiate(module, importObject);
  attachInstance(host, instance);
  lifecycleOf(host).instantiated();
  const e = instance.exports as Record<string, Fn>;
  return { host, e, heap: host.services.require(HEAP) };
}

describe('@faasm/memory import table', () => {
  it('provides exactly the memory rows of imports.tsv with their signatures', () => {
    const spec = SPEC_IMPORTS.filter((r) => r.package === '@faasm/memory');
    expect(manifest.imports['env']?.slice().sort()).toEqual(spec.map((r) => r.name).sort());
    for (const { name, row } of rowsOf(table)) {
      const s = spec.find((r) => r.name === name)!;
      expect([name, row.params, row.result]).toEqual([name, s.params, s.result]);
    }
  });
});

describe('__sbrk (Faasm memory rules)', () => {
  it('starts the break at the memory size; sbrk(0) returns it', async () => {
    const { e } = await guest();
    expect(e['sbrk']!(0)).toBe(2 * PAGE);
  });

  it('grows by whole pages and returns the old break', async () => {
    const { e, host } = await guest();
    expect(e['sbrk']!(3 * PAGE)).toBe(2 * PAGE);
    expect(e['sbrk']!(0)).toBe(5 * PAGE);
    expect(host.memory.size).toBe(5 * PAGE);
    // an unaligned increment is rounded up to the next page
    expect(e['sbrk']!(10)).toBe(5 * PAGE);
    expect(e['sbrk']!(0)).toBe(6 * PAGE);
  });

  it('shrinks the break only, and regrowth reuses the same addresses', async () => {
    const { e, host } = await guest();
    e['sbrk']!(4 * PAGE);
    expect(e['sbrk']!(-2 * PAGE)).toBe(6 * PAGE);
    expect(e['sbrk']!(0)).toBe(4 * PAGE);
    expect(host.memory.size).toBe(6 * PAGE);
    e['store']!(4 * PAGE + 8, 77);
    expect(e['sbrk']!(PAGE)).toBe(4 * PAGE);
    expect(e['load']!(4 * PAGE + 8)).toBe(0); // handed out zeroed
    expect(host.memory.size).toBe(6 * PAGE);
  });

  it('respects the guest growing memory itself: break = max(own, memory size)', async () => {
    const { e } = await guest();
    expect(e['grow']!(3)).toBe(2);
    expect(e['sbrk']!(0)).toBe(5 * PAGE);
    expect(e['mmap']!(PAGE)).toBe(5 * PAGE);
  });

  it('past the module maximum: trap "Memory growth exceeding max"', async () => {
    const { e } = await guest();
    expect(() => e['sbrk']!(30 * PAGE)).toThrow(/__sbrk: Memory growth exceeding max/);
  });

  it('past a configured per-Faaslet limit: the same clear error', async () => {
    const { e } = await guest({ maxMemoryBytes: 4 * PAGE });
    expect(e['sbrk']!(2 * PAGE)).toBe(2 * PAGE);
    expect(() => e['mmap']!(1)).toThrow(GuestTrap);
    expect(() => e['mmap']!(1)).toThrow(/mmap: Memory growth exceeding max/);
  });
});

describe('mmap/munmap', () => {
  it('maps len rounded up to 64 KiB at the old break', async () => {
    const { e } = await guest();
    expect(e['mmap']!(100)).toBe(2 * PAGE);
    expect(e['mmap']!(PAGE + 1)).toBe(3 * PAGE);
    expect(e['sbrk']!(0)).toBe(5 * PAGE);
  });

  it('unmap at the top lowers the break; map again gives the same pointer (1000 cycles)', async () => {
    const { e, host } = await guest();
    const len = 196608;
    const first = e['mmap']!(len);
    for (let i = 0; i < 1000; i++) {
      expect(e['munmap']!(first, len)).toBe(0);
      expect(e['mmap']!(len)).toBe(first);
    }
    expect(host.memory.size).toBe(first + len);
  });

  it('unmap below the top keeps the break and reuses the hole (free list)', async () => {
    const { e, heap, host } = await guest();
    const a = e['mmap']!(2 * PAGE);
    const b = e['mmap']!(PAGE);
    e['store']!(a + 4, 1234);
    expect(e['munmap']!(a, 2 * PAGE)).toBe(0);
    expect(e['sbrk']!(0)).toBe(b + PAGE);
    expect(heap.freeRegions).toEqual([{ start: a, length: 2 * PAGE }]);
    expect(e['mmap']!(PAGE)).toBe(a);
    expect(e['load']!(a + 4)).toBe(0);
    expect(e['mmap']!(PAGE)).toBe(a + PAGE);
    const size = host.memory.size;
    for (let i = 0; i < 200; i++) {
      expect(e['munmap']!(a, PAGE)).toBe(0);
      expect(e['mmap']!(PAGE)).toBe(a);
    }
    expect(host.memory.size).toBe(size);
  });

  it('a free region that reaches the top is folded into the break', async () => {
    const { e, heap } = await guest();
    const a = e['mmap']!(PAGE);
    const b = e['mmap']!(PAGE);
    e['munmap']!(a, PAGE);
    e['munmap']!(b, PAGE);
    expect(heap.freeRegions).toEqual([]);
    expect(e['sbrk']!(0)).toBe(a);
  });

  it('rejects len 0, an unaligned munmap and ignores memory below the initial break', async () => {
    const { e } = await guest();
    expect(e['mmap']!(0)).toBe(-1);
    expect(e['munmap']!(2 * PAGE + 8, PAGE)).toBe(-1);
    expect(e['munmap']!(0, PAGE)).toBe(0);
    expect(e['mmap']!(PAGE)).toBe(2 * PAGE);
  });

  it('maps a file\'s bytes through the file service', async () => {
    const { e, host } = await guest();
    const content = new TextEncoder().encode('#include <stdio.h>\nint x;');
    host.services.provide(MMAP_FILES, { read: (fd, off, len) => (fd === 7 ? content.subarray(Number(off), Number(off) + len) : 8) });
    const ptr = e['mmapFd']!(7, content.length);
    expect(host.memory.string(ptr, content.length)).toBe('#include <stdio.h>\nint x;');
    expect(e['mmapFd']!(9, 10)).toBe(-1);
  });

  it('a file mmap without a file service fails with MAP_FAILED', async () => {
    const { e } = await guest();
    expect(e['mmapFd']!(5, 10)).toBe(-1);
  });
});

describe('msync, shm_open', () => {
  it('msync returns 0 in range and traps out of range', async () => {
    const { e } = await guest();
    expect(e['msync']!(0, PAGE)).toBe(0);
    expect(() => e['msync']!(0x7fff0000, PAGE)).toThrow(/msync: out-of-bounds/);
  });
  it('shm_open is unsupported (-1); a wild name pointer traps', async () => {
    const { e } = await guest();
    expect(e['shm']!(16)).toBe(-1);
    expect(() => e['shm']!(-16)).toThrow(/shm_open: out-of-bounds/);
  });
});

describe('Heap service', () => {
  it('allocate/release for host-side users, snapshot and restore', async () => {
    const { heap, e } = await guest();
    expect(heap).toBeInstanceOf(Heap);
    const a = heap.allocate(10);
    const b = heap.allocate(PAGE * 2);
    heap.release(a, 10);
    const saved = heap.snapshot();
    expect(structuredClone(saved)).toEqual(saved);
    expect(heap.allocate(PAGE)).toBe(a);
    heap.sbrk(PAGE * 3);
    heap.restore(saved);
    expect(heap.break).toBe(b + 2 * PAGE);
    expect(heap.freeRegions).toEqual([{ start: a, length: PAGE }]);
    expect(e['sbrk']!(0)).toBe(b + 2 * PAGE);
  });
});

describe('Heap on shared memory (thread teams)', () => {
  it('two heaps over one shared memory never hand out overlapping regions', () => {
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 64, shared: true });
    const a = createHost();
    const b = createHost();
    a.memory.attach(memory);
    b.memory.attach(memory);
    const ha = new Heap(a.memory);
    const hb = new Heap(b.memory);
    ha.reset();
    hb.reset();
    const regions: Array<[number, number]> = [];
    for (let i = 0; i < 10; i++) {
      regions.push([ha.allocate(PAGE), PAGE]);
      regions.push([hb.allocate(2 * PAGE), 2 * PAGE]);
    }
    regions.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < regions.length; i++) expect(regions[i]![0]).toBeGreaterThanOrEqual(regions[i - 1]![0] + regions[i - 1]![1]);
    expect(regions[0]![0]).toBeGreaterThanOrEqual(2 * PAGE);
  });
});

describe('mmap MAP_FIXED', () => {
  it('re-maps in place (zeroed, off the free list); unaligned or outside memory fails', async () => {
    const host = createHost();
    const importObject = {};
    link(importObject, host);
    const module = await WebAssembly.compile(await parse(`(module
      (import "env" "mmap" (func $mmap (param i32 i32 i32 i32 i32 i64) (result i32)))
      (import "env" "munmap" (func $munmap (param i32 i32) (result i32)))
      (memory (export "memory") 2 20)
      (func (export "fixed") (param i32 i32) (result i32) (call $mmap (local.get 0) (local.get 1) (i32.const 3) (i32.const 0x32) (i32.const -1) (i64.const 0)))
      (func (export "anon") (param i32) (result i32) (call $mmap (i32.const 0) (local.get 0) (i32.const 3) (i32.const 0x22) (i32.const -1) (i64.const 0)))
      (func (export "munmap") (param i32 i32) (result i32) (call $munmap (local.get 0) (local.get 1))))`));
    const instance = await WebAssembly.instantiate(module, importObject);
    attachInstance(host, instance);
    lifecycleOf(host).instantiated();
    const e = instance.exports as Record<string, Fn>;
    const heap = host.services.require(HEAP);
    const a = e['anon']!(3 * PAGE);
    e['anon']!(PAGE);
    e['munmap']!(a, 3 * PAGE);
    host.memory.setU32(a + PAGE + 4, 99);
    expect(e['fixed']!(a + PAGE, PAGE)).toBe(a + PAGE);
    expect(host.memory.u32(a + PAGE + 4)).toBe(0);
    expect(heap.freeRegions).toEqual([{ start: a, length: PAGE }, { start: a + 2 * PAGE, length: PAGE }]);
    expect(e['fixed']!(a + 8, PAGE)).toBe(-1);
    expect(e['fixed']!(40 * PAGE, PAGE)).toBe(-1);
  });
});
