import { describe, expect, it } from 'vitest';
import { KERNELS_WASM } from './kernels-wasm.js';
import { elementBytes, kernelInstructions, kernelsWat, simdInstruction } from './kernels.js';
import { OpId, type Kind } from './layout.js';
import { predefinedCombine } from './reduce.js';
import { SimdKernels } from './simd.js';
// @ts-expect-error: a plain ES module of the package's tools (no types).
import { wasmSource } from '../../../tools/gen-wasm.mjs';

const KINDS: Kind[] = ['i8', 'u8', 'byte', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64', 'f32', 'f64', 'bool', 'char', 'double_int'];
const OPS = Object.entries(OpId).filter(([name]) => name !== 'NULL');

/** Bytes that exercise edges: NaNs, signed zeros, infinities, extremes, for floats; any bits for integers. */
function fill(view: Uint8Array, kind: Kind, seed: number): void {
  let x = seed;
  const next = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0), x);
  for (let i = 0; i < view.length; i++) view[i] = next() >>> 24;
  const specials = [NaN, -0, 0, Infinity, -Infinity, 1, -1, 1e308, -3.5, 2 ** -1074];
  if (kind === 'f64' || kind === 'f32') {
    const size = kind === 'f64' ? 8 : 4;
    const one = new DataView(new ArrayBuffer(8));
    for (let i = 0; i + size <= view.length; i += size) {
      if (next() % 3 !== 0) continue;
      const v = specials[next() % specials.length]!;
      if (size === 8) one.setFloat64(0, v, true);
      else one.setFloat32(0, v, true);
      for (let k = 0; k < size; k++) view[i + k] = one.getUint8(k);
    }
  }
}

describe('SIMD reduction kernels', () => {
  it('the committed module is the one kernelsWat() assembles to', async () => {
    const source = (await import('node:fs')).readFileSync(new URL('./kernels-wasm.ts', import.meta.url), 'utf8');
    expect(source).toBe(await wasmSource('mpi'));
    expect(kernelsWat(true)).toContain('shared');
  });

  it('exports one kernel per instruction, and only for ops the standard defines on the kind', () => {
    const kernels = SimdKernels.over(new WebAssembly.Memory({ initial: 1 }))!;
    expect(kernels).toBeDefined();
    for (const kind of KINDS) for (const [, op] of OPS) {
      const js = predefinedCombine(op, kind);
      const simd = js && kernels.combine(op, kind, js);
      if (simdInstruction(op, kind) !== undefined) expect(js, `${op} on ${kind}`).toBeDefined();
      expect(simd !== undefined, `${op} on ${kind}`).toBe(simdInstruction(op, kind) !== undefined && js !== undefined);
    }
    expect(kernelInstructions().length).toBeGreaterThan(20);
  });

  for (const shared of [false, true]) {
    it(`gives bit-for-bit the JavaScript result for every kernel (${shared ? 'shared' : 'plain'} memory, tails, unaligned views)`, () => {
      const memory = new WebAssembly.Memory({ initial: 4, maximum: 8, shared });
      const kernels = SimdKernels.over(memory)!;
      const host = new Uint8Array(64 * 1024);
      let checked = 0;
      for (const kind of KINDS) for (const [name, op] of OPS) {
        const js = predefinedCombine(op, kind);
        const simd = js && kernels.combine(op, kind, js);
        if (!js || !simd) continue;
        const size = elementBytes(kind)!;
        for (const count of [0, 1, 16 / size - 1, 16 / size, 16 / size + 1, 1000 + (op % 7)]) for (const skew of [0, 1, 3]) {
          const n = count * size;
          const a = new Uint8Array(memory.buffer, 64 + skew, n);
          const b = new Uint8Array(memory.buffer, 100_000 + 2 * skew, n);
          fill(a, kind, op * 977 + count + skew);
          fill(b, kind, op * 131 + count * 7 + skew);
          const wantA = host.subarray(0, n);
          const wantB = host.subarray(n, 2 * n);
          wantA.set(a);
          wantB.set(b);
          js(wantA, wantB, count);
          simd(a, b, count);
          expect([name, kind, count, skew, Buffer.from(b).equals(Buffer.from(wantB))]).toEqual([name, kind, count, skew, true]);
          expect(Buffer.from(a).equals(Buffer.from(wantA))).toBe(true);
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(400);
    });
  }

  it('falls back to JavaScript for host buffers and for views of a memory that has since grown', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 4 });
    const js = predefinedCombine(OpId.SUM, 'f64')!;
    const simd = SimdKernels.over(memory)!.combine(OpId.SUM, 'f64', js)!;
    const a = new Float64Array([1, 2, 3, 4, 5]);
    const b = new Float64Array([10, 20, 30, 40, 50]);
    simd(new Uint8Array(a.buffer), new Uint8Array(b.buffer), 5);
    expect([...b]).toEqual([11, 22, 33, 44, 55]);
    const before = new Float64Array(memory.buffer, 0, 4);
    before.set([1, 2, 3, 4]);
    memory.grow(1);
    const now = new Float64Array(memory.buffer, 0, 4);
    const host = new Float64Array([1, 1, 1, 1]);
    simd(new Uint8Array(now.buffer, 0, 32), new Uint8Array(host.buffer), 4);
    expect([...host]).toEqual([2, 3, 4, 5]);
  });
});
