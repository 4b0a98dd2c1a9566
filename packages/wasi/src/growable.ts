/** A growable SharedArrayBuffer (ES2024; Node 20 has it, our TypeScript lib predates it). */
export interface GrowableSab extends SharedArrayBuffer {
  readonly growable: boolean;
  readonly maxByteLength: number;
  grow(newLength: number): void;
}

const Growable = SharedArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => GrowableSab;

/** A SharedArrayBuffer of `length` bytes that may grow to `maxByteLength`. */
export function growableSab(length: number, maxByteLength: number): GrowableSab {
  return new Growable(length, { maxByteLength });
}

/** `sab` with the growable buffer's members in its type (false/length/throwing on a fixed one). */
export function asGrowable(sab: SharedArrayBuffer): GrowableSab {
  return sab as GrowableSab;
}
