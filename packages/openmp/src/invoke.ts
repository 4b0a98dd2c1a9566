/**
 * Calls outlined regions (microtasks) through a tiny wasm module that imports the
 * guest's function table and does the `call_indirect` itself: `c<k>(index, gtid, btid,
 * shared × k)`. The host's call site then always calls the same function, where a JS
 * call of each region's own table entry would teach V8 one target per call site, and
 * every new region would deoptimise the fork and job paths (they re-optimise on a
 * background thread, slowly while the team's threads spin on both cores).
 */
import { encodeName, encodeSection, encodeU32, type FaasletHost } from '@faasm/abi';

/** Shared-variable counts with a fixed-arity entry point (more go through JS). */
export const MAX_FIXED_ARGS = 6;

/** The trampoline's entry points: c<k>(index, gtid*, btid*, ...k shared pointers). */
export type Invoker = readonly ((index: number, gtid: number, btid: number, ...shared: number[]) => void)[];

const I32 = 0x7f;

/** The module's bytes: types T_k (2+k i32 → ()) and C_k (3+k i32 → ()), one function per k. */
function trampolineBytes(): Uint8Array<ArrayBuffer> {
  const count = MAX_FIXED_ARGS + 1;
  const types: number[] = [...encodeU32(count * 2)];
  for (let k = 0; k < count; k++) {
    types.push(0x60, ...encodeU32(2 + k), ...Array<number>(2 + k).fill(I32), 0);
    types.push(0x60, ...encodeU32(3 + k), ...Array<number>(3 + k).fill(I32), 0);
  }
  // (import "e" "t" (table 0 funcref))
  const imports = [1, ...encodeName('e'), ...encodeName('t'), 0x01, 0x70, 0x00, 0x00];
  const funcs = [...encodeU32(count)];
  const exports = [...encodeU32(count)];
  const code = [...encodeU32(count)];
  for (let k = 0; k < count; k++) {
    funcs.push(...encodeU32(k * 2 + 1));
    exports.push(...encodeName(`c${k}`), 0x00, ...encodeU32(k));
    const body = [0x00]; // no locals
    for (let j = 1; j <= 2 + k; j++) body.push(0x20, ...encodeU32(j)); // local.get j
    body.push(0x20, 0x00, 0x11, ...encodeU32(k * 2), 0x00, 0x0b); // local.get 0; call_indirect T_k 0; end
    code.push(...encodeU32(body.length), ...body);
  }
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...encodeSection(1, types), ...encodeSection(2, imports), ...encodeSection(3, funcs), ...encodeSection(7, exports), ...encodeSection(10, code),
  ]);
}

/** A trampoline over `host`'s function table (undefined if the module exports none). */
export function makeInvoker(host: FaasletHost): Invoker | undefined {
  const table = host.exports.table;
  if (!table) return undefined;
  const instance = new WebAssembly.Instance(new WebAssembly.Module(trampolineBytes()), { e: { t: table } });
  return Array.from({ length: MAX_FIXED_ARGS + 1 }, (_, k) => instance.exports[`c${k}`] as Invoker[number]);
}
