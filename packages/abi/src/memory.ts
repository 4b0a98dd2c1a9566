import { MemoryFault } from './errors.js';

/** A guest address: a wasm i32 reinterpreted as unsigned. */
export type Ptr = number;

const UTF8 = new TextDecoder('utf-8', { fatal: false });
const ENCODER = new TextEncoder();

/**
 * Bounds-checked little-endian access to a guest's linear memory.
 *
 * Late-bound: the memory can be attached after construction (the host context exists
 * before the instance). Views are cached and rebuilt only when an access does not fit
 * the cached view: growth (the old buffer is detached, its length reads 0, or for shared
 * memory the new length is larger) is detected without a per-access check of
 * `memory.buffer`. Pointers are normalised with `>>> 0`, so addresses ≥ 2 GiB, which
 * arrive negative from wasm, are handled.
 */
export class GuestMemory {
  #memory: WebAssembly.Memory | undefined;
  #u8 = new Uint8Array(0);
  #view = new DataView(new ArrayBuffer(0));

  constructor(memory?: WebAssembly.Memory) {
    if (memory) this.attach(memory);
  }

  /** Binds the accessor to a memory (called once the instance exists, or on reset). */
  attach(memory: WebAssembly.Memory): void {
    this.#memory = memory;
    this.#refresh();
  }

  get attached(): boolean {
    return this.#memory !== undefined;
  }

  /** The underlying memory; throws if none is attached yet. */
  get memory(): WebAssembly.Memory {
    if (!this.#memory) throw new Error('guest memory accessed before the instance exists');
    return this.#memory;
  }

  /** Current size in bytes. */
  get size(): number {
    this.#refresh();
    return this.#u8.byteLength;
  }

  get shared(): boolean {
    return typeof SharedArrayBuffer !== 'undefined' && this.memory.buffer instanceof SharedArrayBuffer;
  }

  /**
   * The whole memory as one byte view, for callees that check every range themselves
   * (@faasm/native's vectored I/O); everything else goes through the checked accessors.
   * Cheap on purpose (no buffer lookup): a memory grown since the last checked access
   * may still show its old length (a shared memory keeps its old view valid, a grown
   * non-shared one is detached and refreshed here), so a callee that finds a range
   * beyond it must fall back to the checked accessors, which refresh.
   */
  get all(): Uint8Array {
    if (this.#u8.byteLength === 0) this.#refresh();
    return this.#u8;
  }

  #refresh(): void {
    const buffer = this.memory.buffer;
    if (this.#u8.buffer !== buffer || this.#u8.byteLength !== buffer.byteLength) {
      this.#u8 = new Uint8Array(buffer);
      this.#view = new DataView(buffer);
    }
  }

  /**
   * Checks [ptr, ptr+len) lies in memory and returns the normalised pointer. Call it
   * before reading `#u8`/`#view`: it may replace them.
   */
  check(ptr: Ptr, len: number): number {
    const p = ptr >>> 0;
    if (!(len >= 0) || !Number.isInteger(len)) throw new MemoryFault(p, len, this.#u8.byteLength);
    if (p + len > this.#u8.byteLength) {
      this.#refresh();
      if (p + len > this.#u8.byteLength) throw new MemoryFault(p, len, this.#u8.byteLength);
    }
    return p;
  }

  u8(ptr: Ptr): number {
    const p = this.check(ptr, 1);
    return this.#u8[p]!;
  }
  i8(ptr: Ptr): number {
    const p = this.check(ptr, 1);
    return this.#view.getInt8(p);
  }
  u16(ptr: Ptr): number {
    const p = this.check(ptr, 2);
    return this.#view.getUint16(p, true);
  }
  i16(ptr: Ptr): number {
    const p = this.check(ptr, 2);
    return this.#view.getInt16(p, true);
  }
  u32(ptr: Ptr): number {
    const p = this.check(ptr, 4);
    return this.#view.getUint32(p, true);
  }
  i32(ptr: Ptr): number {
    const p = this.check(ptr, 4);
    return this.#view.getInt32(p, true);
  }
  u64(ptr: Ptr): bigint {
    const p = this.check(ptr, 8);
    return this.#view.getBigUint64(p, true);
  }
  i64(ptr: Ptr): bigint {
    const p = this.check(ptr, 8);
    return this.#view.getBigInt64(p, true);
  }
  f32(ptr: Ptr): number {
    const p = this.check(ptr, 4);
    return this.#view.getFloat32(p, true);
  }
  f64(ptr: Ptr): number {
    const p = this.check(ptr, 8);
    return this.#view.getFloat64(p, true);
  }

  setU8(ptr: Ptr, value: number): void {
    const p = this.check(ptr, 1);
    this.#u8[p] = value;
  }
  setU16(ptr: Ptr, value: number): void {
    const p = this.check(ptr, 2);
    this.#view.setUint16(p, value, true);
  }
  setU32(ptr: Ptr, value: number): void {
    const p = this.check(ptr, 4);
    this.#view.setUint32(p, value >>> 0, true);
  }
  setI32(ptr: Ptr, value: number): void {
    const p = this.check(ptr, 4);
    this.#view.setInt32(p, value | 0, true);
  }
  setU64(ptr: Ptr, value: bigint | number): void {
    const p = this.check(ptr, 8);
    this.#view.setBigUint64(p, BigInt.asUintN(64, BigInt(value)), true);
  }
  setI64(ptr: Ptr, value: bigint | number): void {
    const p = this.check(ptr, 8);
    this.#view.setBigInt64(p, BigInt.asIntN(64, BigInt(value)), true);
  }
  setF32(ptr: Ptr, value: number): void {
    const p = this.check(ptr, 4);
    this.#view.setFloat32(p, value, true);
  }
  setF64(ptr: Ptr, value: number): void {
    const p = this.check(ptr, 8);
    this.#view.setFloat64(p, value, true);
  }

  /** A live view of [ptr, ptr+len): valid until the memory grows. Never clamps. */
  bytes(ptr: Ptr, len: number): Uint8Array {
    const p = this.check(ptr, len >>> 0);
    return this.#u8.subarray(p, p + (len >>> 0));
  }

  /** A copy of [ptr, ptr+len). */
  copy(ptr: Ptr, len: number): Uint8Array {
    return this.bytes(ptr, len).slice();
  }

  /** Writes all of `data` at ptr (or traps: never a short write). */
  write(ptr: Ptr, data: ArrayLike<number>): void {
    const p = this.check(ptr, data.length);
    this.#u8.set(data, p);
  }

  /** Fills [ptr, ptr+len) with `value`. */
  fill(ptr: Ptr, len: number, value = 0): void {
    const p = this.check(ptr, len >>> 0);
    this.#u8.fill(value, p, p + (len >>> 0));
  }

  /** Copies within guest memory (memmove semantics). */
  move(dst: Ptr, src: Ptr, len: number): void {
    const d = this.check(dst, len >>> 0);
    const s = this.check(src, len >>> 0);
    this.#u8.copyWithin(d, s, s + (len >>> 0));
  }

  /** UTF-8 string of exactly len bytes at ptr. */
  string(ptr: Ptr, len: number): string {
    return UTF8.decode(this.bytes(ptr, len));
  }

  /**
   * NUL-terminated string at ptr, read up to `max` bytes. Traps if no NUL is found
   * inside memory or within `max` bytes.
   */
  cstring(ptr: Ptr, max = 1 << 20): string {
    return UTF8.decode(this.cstringBytes(ptr, max));
  }

  /** Bytes of the NUL-terminated string at ptr (without the NUL). */
  cstringBytes(ptr: Ptr, max = 1 << 20): Uint8Array {
    const p = this.check(ptr, 1);
    const limit = Math.min(this.#u8.byteLength, p + max);
    const end = this.#u8.indexOf(0, p);
    if (end < 0 || end >= limit) throw new MemoryFault(p, Math.min(max, this.#u8.byteLength - p + 1), this.#u8.byteLength);
    return this.#u8.subarray(p, end);
  }

  /**
   * Writes `text` as UTF-8 plus a NUL; returns the bytes written including the NUL.
   * Traps before writing anything if they do not fit.
   */
  writeCString(ptr: Ptr, text: string): number {
    // At most 3 bytes per UTF-16 unit: when that fits, encode in place (no copy).
    const p = this.check(ptr, 1);
    if (p + text.length * 3 + 1 <= this.#u8.byteLength) {
      const { written } = ENCODER.encodeInto(text, this.#u8.subarray(p));
      this.#u8[p + written] = 0;
      return written + 1;
    }
    const encoded = ENCODER.encode(text);
    this.check(ptr, encoded.length + 1);
    this.#u8.set(encoded, p);
    this.#u8[p + encoded.length] = 0;
    return encoded.length + 1;
  }

  /**
   * Reads a WASI/POSIX iovec array (`struct iovec { u8* buf; u32 len; }`, 8 bytes each)
   * and returns live views of every buffer, each bounds-checked.
   */
  iovecs(ptr: Ptr, count: number): Uint8Array[] {
    const n = count >>> 0;
    const base = this.check(ptr, n * 8);
    const out: Uint8Array[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const buf = this.#view.getUint32(base + i * 8, true);
      const len = this.#view.getUint32(base + i * 8 + 4, true);
      out[i] = this.bytes(buf, len);
    }
    return out;
  }

  /** Total length of an iovec array without building views (checks the array only). */
  iovecsLength(ptr: Ptr, count: number): number {
    const n = count >>> 0;
    const base = this.check(ptr, n * 8);
    let total = 0;
    for (let i = 0; i < n; i++) total += this.#view.getUint32(base + i * 8 + 4, true);
    return total;
  }

  /** Array of `count` u32 values at ptr (e.g. argv-style pointer arrays). */
  u32s(ptr: Ptr, count: number): number[] {
    const n = count >>> 0;
    const base = this.check(ptr, n * 4);
    const out = new Array<number>(n);
    for (let i = 0; i < n; i++) out[i] = this.#view.getUint32(base + i * 4, true);
    return out;
  }
}

/** UTF-8 encode helper shared by packages that write strings to guests. */
export function utf8(text: string): Uint8Array {
  return ENCODER.encode(text);
}
