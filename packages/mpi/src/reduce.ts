import { OpId, type Kind } from './layout.js';

/**
 * Predefined reduction operations (MPI 4.x §6.9.2). `combine(a, b, count)` computes
 * b := a op b element-wise, the convention of MPI_User_function (invec, inoutvec).
 * Allowed combinations follow the standard's groups: C integer (MAX MIN SUM PROD LAND
 * LOR BAND BOR), floating point (MAX MIN SUM PROD), logical C_BOOL (LAND LOR), byte
 * (BAND BOR), pair DOUBLE_INT (MAXLOC MINLOC). MPI_CHAR is for text: no reductions.
 */
export type Combine = (a: Uint8Array, b: Uint8Array, count: number) => void;

/**
 * An op applied to a datatype: the combine function (b := a op b on `count` items),
 * whether it commutes, and whether it is predefined (runs on the host only: it never
 * calls into the guest, so views of guest memory stay valid across it). `inGuest` is
 * the same combine, faster when both operands are views of guest memory (SIMD kernels).
 */
export interface Reduction {
  readonly combine: Combine;
  readonly inGuest: Combine;
  readonly commute: boolean;
  readonly predefined: boolean;
}

type NumArray = Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;
type BigArray = BigInt64Array | BigUint64Array;

const NUM: Partial<Record<Kind, { new (b: ArrayBuffer, o: number, l: number): NumArray; BYTES_PER_ELEMENT: number }>> = {
  i8: Int8Array,
  u8: Uint8Array,
  i16: Int16Array,
  u16: Uint16Array,
  i32: Int32Array,
  u32: Uint32Array,
  f32: Float32Array,
  f64: Float64Array,
  bool: Uint8Array,
  byte: Uint8Array,
};
const BIG: Partial<Record<Kind, { new (b: ArrayBuffer, o: number, l: number): BigArray; BYTES_PER_ELEMENT: number }>> = {
  i64: BigInt64Array,
  u64: BigUint64Array,
};

const INTEGER: ReadonlySet<Kind> = new Set(['i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'u64']);
const FLOAT: ReadonlySet<Kind> = new Set(['f32', 'f64']);

/** Whether the standard defines `op` on a type of this kind. */
export function opDefined(op: number, kind: Kind): boolean {
  switch (op) {
    case OpId.MAX:
    case OpId.MIN:
    case OpId.SUM:
    case OpId.PROD:
      return INTEGER.has(kind) || FLOAT.has(kind);
    case OpId.LAND:
    case OpId.LOR:
      return INTEGER.has(kind) || kind === 'bool';
    case OpId.BAND:
    case OpId.BOR:
      return INTEGER.has(kind) || kind === 'byte';
    case OpId.MAXLOC:
    case OpId.MINLOC:
      return kind === 'double_int';
    default:
      return false;
  }
}

type ElementCtor<T> = { new (b: ArrayBuffer, o: number, l: number): T; BYTES_PER_ELEMENT: number };

/**
 * Runs `body(a, b, count)` on element views of `a8` and `b8`; bytes not aligned for
 * the element type are copied (and b's copy written back).
 */
function onElements<T>(ctor: ElementCtor<T>, body: (a: T, b: T, n: number) => void, a8: Uint8Array, b8: Uint8Array, count: number): void {
  const size = ctor.BYTES_PER_ELEMENT;
  const a = a8.byteOffset % size === 0 ? new ctor(a8.buffer as ArrayBuffer, a8.byteOffset, count) : new ctor(a8.slice(0, count * size).buffer, 0, count);
  if (b8.byteOffset % size === 0) {
    body(a, new ctor(b8.buffer as ArrayBuffer, b8.byteOffset, count), count);
    return;
  }
  const copy = b8.slice(0, count * size);
  body(a, new ctor(copy.buffer, 0, count), count);
  b8.set(copy);
}

function numCombine(op: number, kind: Kind): Combine | undefined {
  const ctor = NUM[kind]!;
  const isInt = INTEGER.has(kind);
  const body = ((): ((a: NumArray, b: NumArray, n: number) => void) | undefined => {
    switch (op) {
      case OpId.MAX:
        return (a, b, n) => { for (let i = 0; i < n; i++) if (a[i]! > b[i]!) b[i] = a[i]!; };
      case OpId.MIN:
        return (a, b, n) => { for (let i = 0; i < n; i++) if (a[i]! < b[i]!) b[i] = a[i]!; };
      case OpId.SUM:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! + b[i]!; };
      case OpId.PROD:
        // Math.imul keeps 32-bit integer products exact (a double product would round).
        return isInt ? (a, b, n) => { for (let i = 0; i < n; i++) b[i] = Math.imul(a[i]!, b[i]!); } : (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! * b[i]!; };
      case OpId.LAND:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! !== 0 && b[i]! !== 0 ? 1 : 0; };
      case OpId.LOR:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! !== 0 || b[i]! !== 0 ? 1 : 0; };
      case OpId.BAND:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! & b[i]!; };
      case OpId.BOR:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! | b[i]!; };
      default:
        return undefined;
    }
  })();
  if (!body) return undefined;
  return (a8, b8, count) => onElements(ctor, body, a8, b8, count);
}

function bigCombine(op: number, kind: Kind): Combine | undefined {
  const ctor = BIG[kind]!;
  const body = ((): ((a: BigArray, b: BigArray, n: number) => void) | undefined => {
    switch (op) {
      case OpId.MAX:
        return (a, b, n) => { for (let i = 0; i < n; i++) if (a[i]! > b[i]!) b[i] = a[i]!; };
      case OpId.MIN:
        return (a, b, n) => { for (let i = 0; i < n; i++) if (a[i]! < b[i]!) b[i] = a[i]!; };
      case OpId.SUM:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! + b[i]!; };
      case OpId.PROD:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! * b[i]!; };
      case OpId.LAND:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! !== 0n && b[i]! !== 0n ? 1n : 0n; };
      case OpId.LOR:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! !== 0n || b[i]! !== 0n ? 1n : 0n; };
      case OpId.BAND:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! & b[i]!; };
      case OpId.BOR:
        return (a, b, n) => { for (let i = 0; i < n; i++) b[i] = a[i]! | b[i]!; };
      default:
        return undefined;
    }
  })();
  if (!body) return undefined;
  return (a8, b8, count) => onElements(ctor, body, a8, b8, count);
}

/** MAXLOC/MINLOC on struct { double value; int index; } (16 bytes): ties take the lower index. */
function locCombine(op: number): Combine {
  const max = op === OpId.MAXLOC;
  return (a8, b8, count) => {
    const a = new DataView(a8.buffer, a8.byteOffset, a8.byteLength);
    const b = new DataView(b8.buffer, b8.byteOffset, b8.byteLength);
    for (let i = 0; i < count; i++) {
      const o = i * 16;
      const av = a.getFloat64(o, true);
      const bv = b.getFloat64(o, true);
      const ai = a.getInt32(o + 8, true);
      const bi = b.getInt32(o + 8, true);
      if (max ? av > bv : av < bv) {
        b.setFloat64(o, av, true);
        b.setInt32(o + 8, ai, true);
      } else if (av === bv && ai < bi) {
        b.setInt32(o + 8, ai, true);
      }
    }
  };
}

/** The combine function of a predefined op on a predefined kind, or undefined if the standard does not define it. */
export function predefinedCombine(op: number, kind: Kind): Combine | undefined {
  if (!opDefined(op, kind)) return undefined;
  if (kind === 'double_int') return locCombine(op);
  if (kind === 'i64' || kind === 'u64') return bigCombine(op, kind);
  return numCombine(op, kind);
}
