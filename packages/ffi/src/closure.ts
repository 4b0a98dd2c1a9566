import type { FaasletHost } from '@faasm/abi';
import { trapFrom } from '@faasm/abi';
import { calleeFor, hex } from './call.js';
import { CLOSURE, FFI_ARG_SIZE, FfiAbi, FfiStatus, FfiTypeCode } from './layout.js';
import { ffiState } from './state.js';
import { BadAbi, BadTypedef, lowerCif, readCif, readType, type CallInterface } from './types.js';
import { readScalar, Scratch, scratchBound, writeScalar, type WasmValue } from './values.js';

/** `void fun(ffi_cif *cif, void *ret, void **args, void *user_data)` as wasm sees it. */
const HANDLER_CIF = handlerInterface();

function handlerInterface(): CallInterface {
  const ptr = { ptr: 0, code: FfiTypeCode.POINTER, size: 4, align: 4, elements: [] } as const;
  const void_ = { ptr: 0, code: FfiTypeCode.VOID, size: 1, align: 1, elements: [] } as const;
  return lowerCif(FfiAbi.WASM32, [ptr, ptr, ptr, ptr], void_);
}

/**
 * `ffi_status ffi_prep_closure_loc(ffi_closure *closure, ffi_cif *cif,
 *     void (*fun)(ffi_cif *, void *ret, void **args, void *user_data), void *user_data,
 *     void *codeloc)`: makes a function of cif's signature callable through the table.
 * A call to it marshals its arguments into guest memory (an `args` array of pointers to
 * the values, a result buffer of at least sizeof(ffi_arg)) and calls
 * `fun(cif, ret, args, user_data)`. The function's table index (its function pointer)
 * is written to the closure's trampoline word, `closure->ftramp`, with cif, fun and
 * user_data in the following words. It goes to table slot `codeloc` when that names an
 * empty slot, to the slot this closure already had when re-prepared, else to a new slot
 * (the table grows: link with -Wl,--growable-table). Returns FFI_OK, FFI_BAD_ABI (abi
 * not wasm32's, a variadic cif, or a table that cannot grow), or FFI_BAD_TYPEDEF (a type libffi refuses);
 * a pointer outside memory, or a `fun` of the wrong signature, traps.
 */
export function ffiPrepClosureLoc(host: FaasletHost, closurePtr: number, cifPtr: number, fun: number, userData: number, codeloc: number): number {
  const memory = host.memory;
  const closure = memory.check(closurePtr, CLOSURE.size);
  if (closure === 0) throw new Error('closure is NULL');
  let cif: CallInterface;
  try {
    cif = readCif(memory, cifPtr);
  } catch (e) {
    if (e instanceof BadAbi) return FfiStatus.BAD_ABI;
    if (e instanceof BadTypedef) return FfiStatus.BAD_TYPEDEF;
    throw e;
  }
  // A closure cannot know how many variadic arguments a call passed.
  if (cif.variadic) return FfiStatus.BAD_ABI;
  calleeFor(host, HANDLER_CIF, fun, 'fun');
  const table = host.exports.table;
  if (!table) throw new Error('the module does not export its function table (build with --export-table)');
  const state = ffiState(host);
  const cifAt = cifPtr >>> 0;
  const funIdx = fun >>> 0;
  const user = userData >>> 0;
  const trampoline = (...wasmArgs: WasmValue[]): WasmValue | undefined => {
    try {
      return runClosure(host, cif, cifAt, funIdx, user, wasmArgs);
    } catch (e) {
      throw trapFrom(`ffi closure ${hex(closure)} (ffi_prep_closure_loc)`, e);
    }
  };
  const wasmFn = state.signatures.wrap(trampoline, cif.key, cif.params, cif.result);
  const slot = codeloc >>> 0;
  let index: number;
  const previous = state.closures.get(closure);
  if (slot !== 0 && slot < table.length && table.get(slot) === null) index = slot;
  else if (previous && previous.index < table.length && table.get(previous.index) === previous.fn) index = previous.index;
  else {
    try {
      index = table.grow(1);
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      host.log.warn(`ffi_prep_closure_loc: the function table cannot grow (link the module with -Wl,--growable-table)`);
      return FfiStatus.BAD_ABI;
    }
  }
  table.set(index, wasmFn);
  state.closures.set(closure, { closure, index, fn: wasmFn });
  memory.setU32(closure + CLOSURE.ftramp, index);
  memory.setU32(closure + CLOSURE.cif, cifAt);
  memory.setU32(closure + CLOSURE.fun, funIdx);
  memory.setU32(closure + CLOSURE.userData, user);
  return FfiStatus.OK;
}

/** One call of a closure: wasm arguments → guest values → fun → the wasm result. */
function runClosure(host: FaasletHost, cif: CallInterface, cifPtr: number, fun: number, userData: number, wasmArgs: WasmValue[]): WasmValue | undefined {
  const memory = host.memory;
  const handler = calleeFor(host, HANDLER_CIF, fun, 'fun');
  const n = cif.args.length;
  const retSize = Math.max(cif.rtype.size, FFI_ARG_SIZE, 8);
  const items = [{ size: 4 * n, align: 4 }, { size: retSize, align: 16 }, ...cif.args.map((t) => ({ size: t.size, align: t.align }))];
  const scratch = Scratch.open(host, scratchBound(items));
  try {
    const argv = scratch.alloc(4 * n, 4);
    let next = 0;
    let ret: number;
    if (cif.sret) ret = (Number(wasmArgs[next++]) >>> 0);
    else {
      ret = scratch.alloc(retSize, 16);
      memory.fill(ret, retSize, 0);
    }
    cif.argLowering.forEach((l, i) => {
      const type = cif.args[i]!;
      let at: number;
      switch (l.kind) {
        case 'scalar':
          at = scratch.alloc(type.size, type.align);
          memory.fill(at, type.size, 0);
          writeScalar(memory, l.type, at, wasmArgs[next++]!);
          break;
        case 'fp128':
          at = scratch.alloc(16, 16);
          memory.setI64(at, BigInt(wasmArgs[next++]!));
          memory.setI64(at + 8, BigInt(wasmArgs[next++]!));
          break;
        case 'memory':
          // The caller passed a pointer to its copy: libffi hands that pointer to fun.
          at = memory.check(Number(wasmArgs[next++]) >>> 0, type.size);
          break;
        case 'none':
          at = argv;
          break;
      }
      memory.setU32(argv + 4 * i, at);
    });
    handler(cifPtr, ret, argv, userData);
    if (cif.retLowering.kind !== 'scalar') return undefined;
    return readScalar(memory, cif.retLowering.type, ret);
  } finally {
    scratch.close();
  }
}

