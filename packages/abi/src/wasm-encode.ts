/**
 * Pieces of the WebAssembly binary format for the small modules the host writes at run
 * time (signature checks, trampolines, rewritten guests).
 */

/** An unsigned LEB128 of `value` (taken as a u32). */
export function encodeU32(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

/** A name: its UTF-8 length, then the bytes. */
export function encodeName(name: string): number[] {
  const bytes = new TextEncoder().encode(name);
  return [...encodeU32(bytes.length), ...bytes];
}

/** A section (or a custom section's subsection): id, payload length, payload. */
export function encodeSection(id: number, payload: readonly number[]): number[] {
  return [id, ...encodeU32(payload.length), ...payload];
}

/**
 * A module committed as base64 (modules assembled from WAT by `npm run gen:wasm`) →
 * the compiled module. Plain `atob`, so it runs in browsers too.
 */
export function moduleFromBase64(base64: string): WebAssembly.Module {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return new WebAssembly.Module(bytes);
}
