import type { GuestMemory, ValType } from '@faasm/abi';
import { CIF, CIF_VARARGS_FLAG, FfiAbi, FfiTypeCode, MAX_WASM_PARAMS, TYPE } from './layout.js';

/**
 * Decoding a guest `ffi_cif` / `ffi_type` and lowering it to the wasm signature clang
 * gives the C function on wasm32 (clang's WebAssemblyABIInfo, the same rules libffi's
 * wasm32 port applies):
 * - integers up to 32 bits and pointers → i32; 64-bit integers → i64; float → f32; double → f64;
 * - long double (fp128, 16 bytes) → two i64 parameters (low half first);
 * - a struct with a single element (recursively) is passed and returned as that element;
 * - any other struct, and complex numbers, are passed as a pointer to a copy;
 * - a long double, struct or complex result is returned through a hidden first
 *   parameter (sret) pointing at the result storage.
 */

/** A guest type description that libffi would refuse (ffi_prep_cif's FFI_BAD_TYPEDEF). */
export class BadTypedef extends Error {
  override readonly name = 'BadTypedef';
}

/** A cif whose abi is not one of the wasm32 port's (FFI_BAD_ABI). */
export class BadAbi extends Error {
  override readonly name = 'BadAbi';
}

export interface FfiType {
  readonly ptr: number;
  readonly code: FfiTypeCode;
  readonly size: number;
  readonly align: number;
  /** STRUCT: the members; COMPLEX: the one component type. */
  readonly elements: readonly FfiType[];
}

const SCALAR: Readonly<Record<number, { size: number; align: number }>> = {
  [FfiTypeCode.VOID]: { size: 1, align: 1 },
  [FfiTypeCode.INT]: { size: 4, align: 4 },
  [FfiTypeCode.FLOAT]: { size: 4, align: 4 },
  [FfiTypeCode.DOUBLE]: { size: 8, align: 8 },
  [FfiTypeCode.LONGDOUBLE]: { size: 16, align: 16 },
  [FfiTypeCode.UINT8]: { size: 1, align: 1 },
  [FfiTypeCode.SINT8]: { size: 1, align: 1 },
  [FfiTypeCode.UINT16]: { size: 2, align: 2 },
  [FfiTypeCode.SINT16]: { size: 2, align: 2 },
  [FfiTypeCode.UINT32]: { size: 4, align: 4 },
  [FfiTypeCode.SINT32]: { size: 4, align: 4 },
  [FfiTypeCode.UINT64]: { size: 8, align: 8 },
  [FfiTypeCode.SINT64]: { size: 8, align: 8 },
  [FfiTypeCode.POINTER]: { size: 4, align: 4 },
};

const MAX_DEPTH = 32;
const MAX_ELEMENTS = 4096;

const alignUp = (n: number, a: number) => Math.ceil(n / a) * a;
const hex = (p: number) => `0x${(p >>> 0).toString(16)}`;

/**
 * Reads the `ffi_type` at `ptr`. Scalars take their wasm32 size and alignment; a struct's
 * layout is computed from its members as ffi_prep_cif does (a size or alignment the guest
 * already filled in must agree). Bad codes, null or cyclic element lists, empty structs →
 * BadTypedef; pointers outside memory → MemoryFault.
 */
export function readType(memory: GuestMemory, ptr: number, depth = 0): FfiType {
  const p = ptr >>> 0;
  if (p === 0) throw new BadTypedef('null ffi_type pointer');
  if (depth > MAX_DEPTH) throw new BadTypedef(`ffi_type at ${hex(p)} nests deeper than ${MAX_DEPTH} levels (a cycle?)`);
  memory.check(p, TYPE.sizeOf);
  const code = memory.u16(p + TYPE.type);
  const scalar = SCALAR[code];
  if (scalar) return { ptr: p, code: code as FfiTypeCode, size: scalar.size, align: scalar.align, elements: [] };
  if (code !== FfiTypeCode.STRUCT && code !== FfiTypeCode.COMPLEX) throw new BadTypedef(`ffi_type at ${hex(p)} has unknown type code ${code}`);
  const list = memory.u32(p + TYPE.elements);
  if (list === 0) throw new BadTypedef(`${code === FfiTypeCode.STRUCT ? 'struct' : 'complex'} ffi_type at ${hex(p)} has no elements`);
  const elements: FfiType[] = [];
  for (let i = 0; ; i++) {
    if (i >= MAX_ELEMENTS) throw new BadTypedef(`struct ffi_type at ${hex(p)}: element list not NULL-terminated within ${MAX_ELEMENTS}`);
    const e = memory.u32(list + 4 * i);
    if (e === 0) break;
    const element = readType(memory, e, depth + 1);
    if (element.code === FfiTypeCode.VOID) throw new BadTypedef(`struct ffi_type at ${hex(p)}: element ${i} is void`);
    elements.push(element);
  }
  let size: number;
  let align: number;
  if (code === FfiTypeCode.COMPLEX) {
    const part = elements[0];
    const ok = elements.length === 1 && part !== undefined &&
      (part.code === FfiTypeCode.FLOAT || part.code === FfiTypeCode.DOUBLE || part.code === FfiTypeCode.LONGDOUBLE);
    if (!ok) throw new BadTypedef(`complex ffi_type at ${hex(p)} must have exactly one float, double or long double element`);
    size = 2 * part.size;
    align = part.align;
  } else {
    if (elements.length === 0) throw new BadTypedef(`struct ffi_type at ${hex(p)} is empty`);
    let offset = 0;
    align = 1;
    for (const e of elements) {
      offset = alignUp(offset, e.align) + e.size;
      align = Math.max(align, e.align);
    }
    size = alignUp(offset, align);
  }
  const declaredSize = memory.u32(p + TYPE.size);
  const declaredAlign = memory.u16(p + TYPE.alignment);
  if ((declaredSize !== 0 && declaredSize !== size) || (declaredAlign !== 0 && declaredAlign !== align)) {
    throw new BadTypedef(`ffi_type at ${hex(p)} declares size ${declaredSize} align ${declaredAlign}, its elements lay out as size ${size} align ${align}`);
  }
  return { ptr: p, code: code as FfiTypeCode, size, align, elements };
}

/** How one argument or the result crosses the wasm boundary. */
export type Lowering =
  /** Not passed at all (a void result). */
  | { readonly kind: 'none' }
  /** One wasm value holding `type` (the scalar itself or a struct's single member). */
  | { readonly kind: 'scalar'; readonly type: FfiType; readonly wasm: ValType }
  /** long double: two i64 (low, high). */
  | { readonly kind: 'fp128' }
  /** A pointer to a copy (argument) or to the result storage (sret result). */
  | { readonly kind: 'memory'; readonly size: number; readonly align: number };

const WASM: Readonly<Record<number, ValType>> = {
  [FfiTypeCode.INT]: 'i32',
  [FfiTypeCode.UINT8]: 'i32',
  [FfiTypeCode.SINT8]: 'i32',
  [FfiTypeCode.UINT16]: 'i32',
  [FfiTypeCode.SINT16]: 'i32',
  [FfiTypeCode.UINT32]: 'i32',
  [FfiTypeCode.SINT32]: 'i32',
  [FfiTypeCode.POINTER]: 'i32',
  [FfiTypeCode.UINT64]: 'i64',
  [FfiTypeCode.SINT64]: 'i64',
  [FfiTypeCode.FLOAT]: 'f32',
  [FfiTypeCode.DOUBLE]: 'f64',
};

/** Lowers one type (argument or result) per clang's wasm32 rules. */
export function lower(type: FfiType): Lowering {
  let t = type;
  while (t.code === FfiTypeCode.STRUCT && t.elements.length === 1) t = t.elements[0]!;
  if (t.code === FfiTypeCode.VOID) return { kind: 'none' };
  if (t.code === FfiTypeCode.LONGDOUBLE) return { kind: 'fp128' };
  const wasm = WASM[t.code];
  if (wasm) return { kind: 'scalar', type: t, wasm };
  return { kind: 'memory', size: type.size, align: type.align };
}

/** A decoded call interface: the guest's types and the callee's wasm signature. */
export interface CallInterface {
  readonly abi: number;
  readonly args: readonly FfiType[];
  /** Arguments before the `...`; the rest go in the variadic buffer. */
  readonly fixed: number;
  /** The callee is variadic: its last wasm parameter points at the buffer of variadic arguments. */
  readonly variadic: boolean;
  readonly rtype: FfiType;
  readonly argLowering: readonly Lowering[];
  readonly retLowering: Lowering;
  /** The result goes through a hidden first pointer parameter. */
  readonly sret: boolean;
  readonly params: readonly ValType[];
  readonly result: ValType | null;
  /** Signature key, e.g. `i32,i64:f64`. */
  readonly key: string;
}

/** Reads and lowers the `ffi_cif` at `cifPtr` (BadAbi, BadTypedef, MemoryFault). */
export function readCif(memory: GuestMemory, cifPtr: number): CallInterface {
  const p = cifPtr >>> 0;
  if (p === 0) throw new BadTypedef('null ffi_cif pointer');
  memory.check(p, CIF.size);
  const abi = memory.u32(p + CIF.abi);
  if (abi <= FfiAbi.FIRST || abi >= FfiAbi.LAST) throw new BadAbi(`ffi_cif at ${hex(p)} has abi ${abi} (wasm32 knows FFI_WASM32 1 and FFI_WASM32_EMSCRIPTEN 2)`);
  const nargs = memory.u32(p + CIF.nargs);
  if (nargs > MAX_WASM_PARAMS) throw new BadTypedef(`ffi_cif at ${hex(p)} has ${nargs} arguments (wasm allows ${MAX_WASM_PARAMS})`);
  const argTypes = nargs === 0 ? [] : memory.u32s(memory.u32(p + CIF.argTypes), nargs);
  const args = argTypes.map((t) => readType(memory, t));
  args.forEach((t, i) => {
    if (t.code === FfiTypeCode.VOID) throw new BadTypedef(`ffi_cif at ${hex(p)}: argument ${i} is void`);
  });
  const rtype = readType(memory, memory.u32(p + CIF.rtype));
  let fixed = nargs;
  const variadic = (memory.u32(p + CIF.flags) & CIF_VARARGS_FLAG) !== 0;
  if (variadic) {
    fixed = memory.u32(p + CIF.nfixedargs);
    if (fixed > nargs) throw new BadTypedef(`ffi_cif at ${hex(p)} has ${fixed} fixed arguments of ${nargs}`);
  }
  return lowerCif(abi, args, rtype, variadic ? fixed : undefined);
}

/**
 * Lowers a cif; `fixed` (variadic calls) is the number of arguments before the `...`:
 * clang passes the others in a buffer (see varargLayout) whose address is the last
 * wasm parameter.
 */
export function lowerCif(abi: number, args: readonly FfiType[], rtype: FfiType, fixed?: number): CallInterface {
  const variadic = fixed !== undefined;
  const nfixed = fixed ?? args.length;
  const argLowering = args.slice(0, nfixed).map(lower);
  const retLowering = lower(rtype);
  const sret = retLowering.kind === 'memory' || retLowering.kind === 'fp128';
  const params: ValType[] = sret ? ['i32'] : [];
  for (const l of argLowering) {
    if (l.kind === 'scalar') params.push(l.wasm);
    else if (l.kind === 'fp128') params.push('i64', 'i64');
    else if (l.kind === 'memory') params.push('i32');
  }
  if (variadic) params.push('i32');
  if (params.length > MAX_WASM_PARAMS) throw new BadTypedef(`the call lowers to ${params.length} wasm parameters (wasm allows ${MAX_WASM_PARAMS})`);
  const result = retLowering.kind === 'scalar' ? retLowering.wasm : null;
  return { abi, args, fixed: nfixed, variadic, rtype, argLowering, retLowering, sret, params, result, key: `${params.join(',')}:${result ?? ''}` };
}

/** One variadic argument's place in the buffer. */
export interface VarargSlot {
  readonly offset: number;
  /** What is stored: a (promoted) scalar, 16 bytes of long double, or a pointer to a copy. */
  readonly lowering: Lowering;
  /** The scalar type stored (after C's default promotions), for 'scalar'. */
  readonly stored: FfiType | undefined;
}

const PROMOTED_INT: FfiType = { ptr: 0, code: FfiTypeCode.SINT32, size: 4, align: 4, elements: [] };
const PROMOTED_UINT: FfiType = { ptr: 0, code: FfiTypeCode.UINT32, size: 4, align: 4, elements: [] };
const PROMOTED_DOUBLE: FfiType = { ptr: 0, code: FfiTypeCode.DOUBLE, size: 8, align: 8, elements: [] };

/**
 * clang's wasm32 variadic call: each argument after the fixed ones is stored in a stack
 * buffer at the next offset aligned to its alignment (long double 16); integers narrower
 * than int and floats are stored promoted (C's default argument promotions); structs
 * with more than one member and complex values are stored as a pointer to a copy.
 */
export function varargLayout(cif: CallInterface): { slots: VarargSlot[]; size: number } {
  const slots: VarargSlot[] = [];
  let offset = 0;
  for (const type of cif.args.slice(cif.fixed)) {
    const lowering = lower(type);
    let stored: FfiType | undefined;
    let size: number;
    let align: number;
    if (lowering.kind === 'scalar') {
      const t = lowering.type;
      const signedSmall = t.code === FfiTypeCode.SINT8 || t.code === FfiTypeCode.SINT16;
      const unsignedSmall = t.code === FfiTypeCode.UINT8 || t.code === FfiTypeCode.UINT16;
      stored = signedSmall ? PROMOTED_INT : unsignedSmall ? PROMOTED_UINT : t.code === FfiTypeCode.FLOAT ? PROMOTED_DOUBLE : t;
      size = stored.size;
      align = stored.align;
    } else if (lowering.kind === 'fp128') {
      size = 16;
      align = 16;
    } else {
      size = 4;
      align = 4;
    }
    offset = alignUp(offset, align);
    slots.push({ offset, lowering, stored });
    offset += size;
  }
  return { slots, size: alignUp(offset, 16) };
}
