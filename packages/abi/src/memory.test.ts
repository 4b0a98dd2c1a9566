import { describe, expect, it } from 'vitest';
import { MemoryFault } from './errors.js';
import { GuestMemory } from './memory.js';

const PAGE = 65536;

describe('GuestMemory', () => {
  const make = (pages = 1, shared = false) =>
    new GuestMemory(new WebAssembly.Memory({ initial: pages, maximum: 10, ...(shared ? { shared: true } : {}) } as WebAssembly.MemoryDescriptor));

  it('reads and writes every width little-endian', () => {
    const m = make();
    m.setU32(8, 0x11223344);
    expect(m.u8(8)).toBe(0x44);
    expect(m.u16(8)).toBe(0x3344);
    expect(m.u32(8)).toBe(0x11223344);
    m.setI32(16, -2);
    expect(m.i32(16)).toBe(-2);
    expect(m.u32(16)).toBe(0xfffffffe);
    m.setU64(24, 2n ** 63n + 5n);
    expect(m.u64(24)).toBe(2n ** 63n + 5n);
    expect(m.i64(24)).toBe(-(2n ** 63n) + 5n);
    m.setF64(32, Math.PI);
    expect(m.f64(32)).toBe(Math.PI);
    m.setF32(40, 1.5);
    expect(m.f32(40)).toBe(1.5);
    m.setU16(44, 0xbeef);
    expect(m.u16(44)).toBe(0xbeef);
    expect(m.i16(44)).toBe(0xbeef - 0x10000);
    m.setU8(46, 0xff);
    expect(m.i8(46)).toBe(-1);
  });

  it('traps every out-of-bounds access with pointer, length and size', () => {
    const m = make();
    const cases: Array<[string, () => unknown]> = [
      ['u8 at end', () => m.u8(PAGE)],
      ['u32 straddling the end', () => m.u32(PAGE - 2)],
      ['u64 straddling the end', () => m.u64(PAGE - 4)],
      ['f64 past the end', () => m.f64(PAGE)],
      ['negative pointer (≥ 2 GiB)', () => m.u32(-4)],
      ['bytes longer than memory', () => m.bytes(0, PAGE + 1)],
      ['bytes with a huge length', () => m.bytes(16, 0xffffffff)],
      ['write past the end', () => m.write(PAGE - 1, [1, 2])],
      ['setU32 past the end', () => m.setU32(PAGE - 3, 1)],
      ['fill past the end', () => m.fill(PAGE - 1, 2)],
      ['move source out of bounds', () => m.move(0, PAGE - 1, 4)],
      ['cstring with no NUL before the end', () => (m.fill(PAGE - 8, 8, 65), m.cstring(PAGE - 8))],
      ['cstring longer than its max', () => (m.fill(100, 50, 65), m.cstring(100, 10))],
      ['iovec array out of bounds', () => m.iovecs(PAGE - 4, 1)],
      ['iovec buffer out of bounds', () => (m.setU32(200, PAGE - 2), m.setU32(204, 8), m.iovecs(200, 1))],
      ['u32s array out of bounds', () => m.u32s(PAGE - 4, 2)],
    ];
    for (const [label, access] of cases) {
      let error: unknown;
      try {
        access();
      } catch (e) {
        error = e;
      }
      expect(error, label).toBeInstanceOf(MemoryFault);
      expect((error as MemoryFault).message, label).toMatch(/out-of-bounds guest access: pointer 0x[0-9a-f]+, length \d+, memory size \d+/);
    }
    expect((() => { try { m.u32(-4); } catch (e) { return (e as MemoryFault).pointer; } })()).toBe(0xfffffffc);
  });

  it('follows memory growth without being rebuilt by hand', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const m = new GuestMemory(memory);
    m.setU32(0, 7);
    expect(() => m.u32(PAGE)).toThrow(MemoryFault);
    memory.grow(1);
    m.setU32(PAGE, 9);
    expect(m.u32(PAGE)).toBe(9);
    expect(m.u32(0)).toBe(7);
    expect(m.size).toBe(2 * PAGE);
  });

  it('works over shared memory grown elsewhere', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4, shared: true } as WebAssembly.MemoryDescriptor);
    const m = new GuestMemory(memory);
    expect(m.shared).toBe(true);
    memory.grow(2);
    m.setU32(2 * PAGE, 5);
    expect(m.u32(2 * PAGE)).toBe(5);
  });

  it('writes C strings in place, near the end of memory too, and traps before writing one that does not fit', () => {
    for (const shared of [false, true]) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, ...(shared ? { shared: true } : {}) } as WebAssembly.MemoryDescriptor);
      const m = new GuestMemory(memory);
      const u8 = new Uint8Array(memory.buffer);
      expect(m.writeCString(100, 'a€b')).toBe(6);
      expect([...u8.subarray(100, 106)]).toEqual([0x61, 0xe2, 0x82, 0xac, 0x62, 0]);
      // 3 bytes per unit would not fit here: the exact length is checked instead.
      expect(m.writeCString(PAGE - 7, 'héllo')).toBe(7);
      expect(m.cstring(PAGE - 7)).toBe('héllo');
      u8.fill(7, PAGE - 4);
      expect(() => m.writeCString(PAGE - 4, 'abcd')).toThrow(MemoryFault);
      expect([...u8.subarray(PAGE - 4)]).toEqual([7, 7, 7, 7]);
    }
  });

  it('reads strings, C strings and iovecs', () => {
    const m = make();
    const written = m.writeCString(64, 'héllo');
    expect(written).toBe(7);
    expect(m.cstring(64)).toBe('héllo');
    expect(m.string(64, 6)).toBe('héllo');
    m.write(300, [1, 2, 3, 4, 5]);
    m.setU32(400, 300);
    m.setU32(404, 2);
    m.setU32(408, 303);
    m.setU32(412, 2);
    expect(m.iovecs(400, 2).map((v) => [...v])).toEqual([[1, 2], [4, 5]]);
    expect(m.iovecsLength(400, 2)).toBe(4);
    expect(m.u32s(400, 2)).toEqual([300, 2]);
    m.move(500, 300, 5);
    expect([...m.copy(500, 5)]).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses access before a memory is attached', () => {
    expect(() => new GuestMemory().u8(0)).toThrow('guest memory accessed before the instance exists');
  });
});
