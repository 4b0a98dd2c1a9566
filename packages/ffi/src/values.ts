import type { FaasletHost, GuestMemory } from '@faasm/abi';
import { FFI_ARG_SIZE, FfiTypeCode } from './layout.js';
import type { FfiType } from './types.js';

/** A wasm value as JS sees it: i64 as bigint, the rest as numbers. */
export type WasmValue = number | bigint;

/** Reads the scalar of `type` at `ptr` as the wasm value that carries it. */
export function readScalar(memory: GuestMemory, type: FfiType, ptr: number): WasmValue {
  switch (type.code) {
    case FfiTypeCode.UINT8: return memory.u8(ptr);
    case FfiTypeCode.SINT8: return memory.i8(ptr);
    case FfiTypeCode.UINT16: return memory.u16(ptr);
    case FfiTypeCode.SINT16: return memory.i16(ptr);
    case FfiTypeCode.INT:
    case FfiTypeCode.SINT32: return memory.i32(ptr);
    case FfiTypeCode.UINT32:
    case FfiTypeCode.POINTER: return memory.u32(ptr) | 0;
    case FfiTypeCode.UINT64:
    case FfiTypeCode.SINT64: return memory.i64(ptr);
    case FfiTypeCode.FLOAT: return memory.f32(ptr);
    case FfiTypeCode.DOUBLE: return memory.f64(ptr);
    default: throw new Error(`type code ${type.code} is not a scalar`);
  }
}

/** Writes a wasm value as the scalar of `type` at `ptr` (exactly its size). */
export function writeScalar(memory: GuestMemory, type: FfiType, ptr: number, value: WasmValue): void {
  switch (type.code) {
    case FfiTypeCode.UINT8:
    case FfiTypeCode.SINT8: return memory.setU8(ptr, Number(value) & 0xff);
    case FfiTypeCode.UINT16:
    case FfiTypeCode.SINT16: return memory.setU16(ptr, Number(value) & 0xffff);
    case FfiTypeCode.INT:
    case FfiTypeCode.SINT32:
    case FfiTypeCode.UINT32:
    case FfiTypeCode.POINTER: return memory.setI32(ptr, Number(value));
    case FfiTypeCode.UINT64:
    case FfiTypeCode.SINT64: return memory.setI64(ptr, BigInt(value));
    case FfiTypeCode.FLOAT: return memory.setF32(ptr, Number(value));
    case FfiTypeCode.DOUBLE: return memory.setF64(ptr, Number(value));
    default: throw new Error(`type code ${type.code} is not a scalar`);
  }
}

/** Integer types narrower than ffi_arg: their result fills a whole ffi_arg. */
export function widensToFfiArg(type: FfiType): boolean {
  return type.size < FFI_ARG_SIZE && type.code !== FfiTypeCode.FLOAT;
}

/**
 * Writes a call's result as libffi does: an integer narrower than `ffi_arg` fills the
 * whole ffi_arg, sign- or zero-extended by its type; anything else is written at its size.
 */
export function writeResult(memory: GuestMemory, type: FfiType, ptr: number, value: WasmValue): void {
  const v = Number(value);
  switch (type.code) {
    case FfiTypeCode.UINT8: return memory.setU32(ptr, v & 0xff);
    case FfiTypeCode.SINT8: return memory.setI32(ptr, (v << 24) >> 24);
    case FfiTypeCode.UINT16: return memory.setU32(ptr, v & 0xffff);
    case FfiTypeCode.SINT16: return memory.setI32(ptr, (v << 16) >> 16);
    default: return writeScalar(memory, type, ptr, value);
  }
}

/**
 * A scratch region for one call's marshalled values: carved from the guest's stack
 * (below `__stack_pointer`, which moves down for the call's duration, as libffi's wasm32
 * port does with stackAlloc), or from the guest's malloc when the stack pointer is not
 * exported. Allocation is a downward bump inside the reserved region.
 */
export class Scratch {
  #top: number;
  readonly #base: number;
  readonly #release: () => void;

  private constructor(base: number, size: number, release: () => void) {
    this.#base = base;
    this.#top = base + size;
    this.#release = release;
  }

  /** Reserves `size` bytes (a bound on everything the call will alloc, alignment included). */
  static open(host: FaasletHost, size: number): Scratch {
    const bytes = Math.ceil(size / 16) * 16;
    const sp = host.exports.global('__stack_pointer');
    if (sp) {
      const old = (sp.value as number) >>> 0;
      const base = old - bytes;
      const dataEnd = host.exports.global('__data_end');
      // Without --stack-first the stack sits above the static data; never run into it.
      const floor = dataEnd && ((dataEnd.value as number) >>> 0) < old ? (dataEnd.value as number) >>> 0 : 0;
      if (base < floor) throw new Error(`guest stack overflow: ${bytes} bytes of call scratch below __stack_pointer 0x${old.toString(16)}`);
      host.memory.check(base, bytes);
      sp.value = base;
      return new Scratch(base, bytes, () => { sp.value = old; });
    }
    if (bytes === 0) return new Scratch(0, 0, () => {});
    const base = host.exports.malloc(bytes + 15);
    if (base === 0) throw new Error(`malloc(${bytes + 15}) failed for call scratch`);
    const aligned = Math.ceil(base / 16) * 16;
    host.memory.check(aligned, bytes);
    return new Scratch(aligned, bytes, () => host.exports.free(base));
  }

  alloc(size: number, align: number): number {
    const p = Math.floor((this.#top - size) / align) * align;
    if (p < this.#base) throw new Error('call scratch exhausted');
    this.#top = p;
    return p;
  }

  close(): void {
    this.#release();
  }
}

/** The scratch bound for values of these sizes/alignments. */
export function scratchBound(items: ReadonlyArray<{ size: number; align: number }>): number {
  return items.reduce((n, i) => n + i.size + i.align, 0);
}
