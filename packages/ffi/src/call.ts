import type { FaasletHost, GuestMemory } from '@faasm/abi';
import { ffiState } from './state.js';
import { lower, readCif, varargLayout, type CallInterface } from './types.js';
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
 * results through a hidden first pointer to rvalue. A variadic cif (libffi's wasm32
 * port: `ffi_prep_cif_var` sets flags bit 1 and `nfixedargs`) passes the arguments after
 * the fixed ones in a stack buffer, as clang does. A cif that libffi would have
 * refused, a callee whose signature differs, or a pointer outside memory traps.
 */
export function ffiCall(host: FaasletHost, cifPtr: number, fnIdx: number, retPtr: number, argsPtr: number): void {
  const memory = host.memory;
  const cif = readCif(memory, cifPtr);
  const callee = calleeFor(host, cif, fnIdx, 'fn');
  const ret = retPtr >>> 0;
  const values = cif.args.length === 0 ? [] : memory.u32s(argsPtr, cif.args.length);
  const copies = cif.args.map(lower).flatMap((l) => (l.kind === 'memory' ? [l] : []));
  const sretScratch = cif.sret && ret === 0 ? [{ size: cif.rtype.size, align: cif.rtype.align }] : [];
  const varargs = cif.variadic ? varargLayout(cif) : undefined;
  const buffer = varargs ? [{ size: varargs.size, align: 16 }] : [];
  const scratch = Scratch.open(host, scratchBound([...copies, ...sretScratch, ...buffer]));
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
    if (varargs) wasmArgs.push(writeVarargs(memory, scratch, cif, varargs, values));
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

/** Fills the variadic buffer from avalue[fixed…]; returns its address. */
function writeVarargs(memory: GuestMemory, scratch: Scratch, cif: CallInterface, layout: ReturnType<typeof varargLayout>, values: number[]): number {
  const base = scratch.alloc(layout.size, 16);
  memory.fill(base, layout.size, 0);
  layout.slots.forEach((slot, k) => {
    const i = cif.fixed + k;
    const at = values[i]!;
    if (at === 0) throw new Error(`avalue[${i}] is NULL`);
    const l = slot.lowering;
    if (l.kind === 'scalar') writeScalar(memory, slot.stored!, base + slot.offset, readScalar(memory, l.type, at));
    else if (l.kind === 'fp128') memory.move(base + slot.offset, memory.check(at, 16), 16);
    else if (l.kind === 'memory') {
      const copy = scratch.alloc(l.size, l.align);
      memory.move(copy, memory.check(at, l.size), l.size);
      memory.setU32(base + slot.offset, copy);
    }
  });
  return base;
}

export { hex };
