import { describe, expect, it } from 'vitest';
import { encodeName, encodeSection, encodeU32 } from './wasm-encode.js';

describe('wasm binary encoding', () => {
  it('writes unsigned LEB128 u32s, names and sections', () => {
    expect(encodeU32(0)).toEqual([0]);
    expect(encodeU32(127)).toEqual([0x7f]);
    expect(encodeU32(128)).toEqual([0x80, 0x01]);
    expect(encodeU32(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(encodeU32(0xffffffff)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(encodeName('é')).toEqual([2, 0xc3, 0xa9]);
    expect(encodeSection(7, [1, 2, 3])).toEqual([7, 3, 1, 2, 3]);
    // A module assembled from them validates.
    const type = encodeSection(1, [1, 0x60, 0, 0]);
    const exports = encodeSection(7, [1, ...encodeName('f'), 0, 0]);
    const code = encodeSection(10, [1, 2, 0, 0x0b]);
    const fn = encodeSection(3, [1, 0]);
    expect(WebAssembly.validate(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, ...type, ...fn, ...exports, ...code]))).toBe(true);
  });
});
