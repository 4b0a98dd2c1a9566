import { encodeName, encodeSection, encodeU32, type ValType } from '@faasm/abi';

/**
 * A one-function wasm module per signature: it imports `m.f` with that signature and
 * re-exports it. Instantiating it with a table function checks the function's type
 * (a mismatch is a LinkError, before any call); instantiating it with a JS function
 * makes a wasm function of that type, which a table accepts (closures).
 *   (module (type (func params… results…)) (import "m" "f" (func (type 0))) (export "f" (func 0)))
 */
const VALTYPE: Readonly<Record<ValType, number>> = { i32: 0x7f, i64: 0x7e, f32: 0x7d, f64: 0x7c };

export function signatureModuleBytes(params: readonly ValType[], result: ValType | null): Uint8Array<ArrayBuffer> {
  const results = result ? [VALTYPE[result]] : [];
  const type = [1, 0x60, ...encodeU32(params.length), ...params.map((p) => VALTYPE[p]), ...encodeU32(results.length), ...results];
  const imports = [1, ...encodeName('m'), ...encodeName('f'), 0x00, 0];
  const exports = [1, ...encodeName('f'), 0x00, 0];
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...encodeSection(1, type), ...encodeSection(2, imports), ...encodeSection(7, exports)]);
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
