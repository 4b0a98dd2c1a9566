import { describe, expect, it } from 'vitest';
import { encodeName, encodeSection, encodeU32 } from './wasm-encode.js';
import { WasmFormatError, WasmReader, readModule } from './wasm-decode.js';

const reader = (bytes: number[]) => new WasmReader(Uint8Array.from(bytes));

describe('WasmReader', () => {
  it('reads what the encoder writes: u32 (all widths), names, limits', () => {
    for (const v of [0, 1, 127, 128, 16384, 2 ** 31, 0xffffffff]) expect(reader(encodeU32(v)).u32()).toBe(v);
    expect(reader(encodeName('héllo')).name()).toBe('héllo');
    expect(reader([3, 1, 9]).limits()).toEqual({ initial: 1, maximum: 9, shared: true });
    expect(reader([0, 5]).limits()).toEqual({ initial: 5, maximum: undefined, shared: false });
  });

  it('refuses malformed input with its error, never reading past the end', () => {
    expect(() => reader([0x80, 0x80]).u32()).toThrow(/truncated/);
    expect(() => reader([0xff, 0xff, 0xff, 0xff, 0xff, 0x01]).u32()).toThrow(/malformed LEB128/);
    expect(() => reader([0xff, 0xff, 0xff, 0xff, 0x7f]).u32()).toThrow(/out of range/);
    expect(() => reader([5, 0x61]).name()).toThrow(/runs past its end/);
    expect(() => reader([2, 0xc3, 0x28]).name()).toThrow(/not valid UTF-8/);
    expect(() => reader([4, 1]).sub(4, 'section 9')).toThrow(/section 9 runs past its end \(truncated\)/);
    expect(() => reader([0x41, 0x80])).not.toThrow();
    expect(() => reader([0x43, 0, 0]).skipInitExpr()).toThrow(/truncated/);
    expect(() => reader([0x99]).skipInitExpr()).toThrow(/unsupported opcode 0x99/);
    class Custom extends Error {}
    const custom = new WasmReader(Uint8Array.from([]), 0, 0, (m) => new Custom(`custom: ${m}`));
    expect(() => custom.byte()).toThrow(Custom);
    expect(() => reader([]).byte()).toThrow(WasmFormatError);
  });

  it('a sub-reader stops at its own end and moves its parent past it', () => {
    const r = reader([2, 7, 8, 9]);
    const sub = r.sub(r.u32(), 'subsection');
    expect([sub.byte(), sub.byte(), sub.done]).toEqual([7, 8, true]);
    expect(() => sub.byte()).toThrow(/truncated/);
    expect(r.byte()).toBe(9);
  });
});

describe('readModule', () => {
  it('reads the memory import and exports of a hand-made module', () => {
    const imports = [...encodeU32(1), ...encodeName('env'), ...encodeName('memory'), 2, 3, 1, 10];
    const exports = [...encodeU32(1), ...encodeName('m'), 2, 0];
    const bytes = Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...encodeSection(2, imports), ...encodeSection(7, exports)]);
    const facts = readModule(bytes);
    expect(facts.importedMemory).toEqual({ module: 'env', name: 'memory', limits: { initial: 1, maximum: 10, shared: true } });
    expect(facts.exports).toEqual([{ name: 'm', kind: 2, index: 0 }]);
    expect(facts.sections.map((s) => s.id)).toEqual([2, 7]);
    expect(() => readModule(bytes.subarray(0, bytes.length - 1))).toThrow(WasmFormatError);
  });
});
