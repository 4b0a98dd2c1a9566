import type { FaasletHost } from '@faasm/abi';
import { ffiState } from './state.js';
import { readCif, type CallInterface } from './types.js';
import { readScalar, Scratch, scratchBound, writeResult, writeScalar, type WasmValue } from './values.js';

const hex = (p: number) => `0x${(p >>> 0).toString(16)}`;

/** The wasm function at table[index], checked against the cif's lowered signature. */
export function calleeFor(host: FaasletHost, cif: CallInterface, index: number, what: string): (...args: WasmValue[]) => unknown {
  const f = host.exports.tableFunction(index) as (...args: WasmValue[]) => unknown;
  if (!ffiState(host).signatures.matches(f, cif.key, cif.params, cif.result)) {
    throw new Error(`${what} (table index ${index >>> 0}) does not have the cif's wasm signature (${cif.params.join(', ')}) -> ${cif.result ?? 'void'}`);
  }
  return f;
}

/**
 * `void ffi_call(ffi_cif *cif, void (*fn)(void), void *rvalue, void **avalue)`: calls
 * table[fn] with the values avalue[i] points at, decoded as cif describes, and writes
 * the result to rvalue (an integer narrower than ffi_arg fills a whole ffi_arg; a NULL
 * rvalue discards a scalar result). Structs and complex values are passed as pointers to
 * copies on the guest stack; long double as two i64; struct, complex and long double
 * results through a hidden first pointer to rvalue. A cif that libffi would have
 * refused, a callee whose signature differs, or a pointer outside memory traps.
 */
export function ffiCall(host: FaasletHost, cifPtr: number, fnIdx: number, retPtr: number, argsPtr: number): void {
  const memory = host.memory;
  const cif = readCif(memory, cifPtr);
  const callee = calleeFor(host, cif, fnIdx, 'fn');
  const ret = retPtr >>> 0;
  const values = cif.args.length === 0 ? [] : memory.u32s(argsPtr, cif.args.length);
  const copies = cif.argLowering.flatMap((l) => (l.kind === 'memory' ? [l] : []));
  const sretScratch = cif.sret && ret === 0 ? [{ size: cif.rtype.size, align: cif.rtype.align }] : [];
  const scratch = Scratch.open(host, scratchBound([...copies, ...sretScratch]));
  try {
    const wasmArgs: WasmValue[] = [];
    if (cif.sret) wasmArgs.push(ret !== 0 ? memory.check(ret, cif.rtype.size) : scratch.alloc(cif.rtype.size, cif.rtype.align));
    cif.argLowering.forEach((l, i) => {
      const at = values[i]!;
      if (at === 0) throw new Error(`avalue[${i}] is NULL`);
      switch (l.kind) {
        case 'scalar':
          wasmArgs.push(readScalar(memory, l.type, at));
          break;
        case 'fp128':
          wasmArgs.push(memory.i64(at), memory.i64(at + 8));
          break;
        case 'memory': {
          const copy = scratch.alloc(l.size, l.align);
          memory.move(copy, memory.check(at, l.size), l.size);
          wasmArgs.push(copy);
          break;
        }
        case 'none':
          break;
      }
    });
    const result = callee(...wasmArgs) as WasmValue | undefined;
    if (cif.retLowering.kind === 'scalar' && ret !== 0) {
      const r = result ?? 0;
      // A struct's single member is written at its own size; a scalar result is widened.
      if (cif.rtype.code === cif.retLowering.type.code) writeResult(memory, cif.rtype, ret, r);
      else writeScalar(memory, cif.retLowering.type, ret, r);
    }
  } finally {
    scratch.close();
  }
}

export { hex };
