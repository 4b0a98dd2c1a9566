import type { ValType } from '@faasm/abi';

/**
 * A one-function wasm module per signature: it imports `m.f` with that signature and
 * re-exports it. Instantiating it with a table function checks the function's type
 * (a mismatch is a LinkError, before any call); instantiating it with a JS function
 * makes a wasm function of that type, which a table accepts (closures).
 *   (module (type (func params… results…)) (import "m" "f" (func (type 0))) (export "f" (func 0)))
 */
const VALTYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

function leb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

function section(id: number, body: number[]): number[] {
  return [id, ...leb(body.length), ...body];
}

export function signatureModuleBytes(params: readonly ValType[], result: ValType | null): Uint8Array<ArrayBuffer> {
  const results = result ? [VALTYPE[result]] : [];
  const type = [1, 0x60, ...leb(params.length), ...params.map((p) => VALTYPE[p]), ...leb(results.length), ...results];
  const name = (s: string) => [...leb(s.length), ...[...s].map((c) => c.charCodeAt(0))];
  const imports = [1, ...name('m'), ...name('f'), 0x00, 0];
  const exports = [1, ...name('f'), 0x00, 0];
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...section(1, type), ...section(2, imports), ...section(7, exports)]);
}

/** Per-host caches of signature modules and checked (function, signature) pairs. */
export class Signatures {
  readonly #modules = new Map<string, WebAssembly.Module>();
  readonly #checked = new WeakMap<object, Set<string>>();

  module(key: string, params: readonly ValType[], result: ValType | null): WebAssembly.Module {
    let m = this.#modules.get(key);
    if (!m) this.#modules.set(key, (m = new WebAssembly.Module(signatureModuleBytes(params, result))));
    return m;
  }

  /** True if wasm function `f` has exactly this signature. */
  matches(f: (...args: never[]) => unknown, key: string, params: readonly ValType[], result: ValType | null): boolean {
    let keys = this.#checked.get(f);
    if (keys?.has(key)) return true;
    try {
      new WebAssembly.Instance(this.module(key, params, result), { m: { f } });
    } catch (e) {
      if (e instanceof WebAssembly.LinkError) return false;
      throw e;
    }
    if (!keys) this.#checked.set(f, (keys = new Set()));
    keys.add(key);
    return true;
  }

  /** A wasm function of this signature that calls `impl`. */
  wrap(impl: (...args: never[]) => unknown, key: string, params: readonly ValType[], result: ValType | null): WebAssembly.ExportValue {
    const instance = new WebAssembly.Instance(this.module(key, params, result), { m: { f: impl } });
    return instance.exports['f']!;
  }
}
