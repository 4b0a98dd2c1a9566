/**
 * The main instance of a threads guest imports a shared memory (`env.memory`,
 * `--shared-memory --import-memory`). `WebAssembly.Module.imports()` does not give
 * limits, so they are read from the binary's import section (wasm core spec §5.5.5:
 * importdesc 0x02 = memory, limits flags bit 0 = has maximum, bit 1 = shared,
 * bit 2 = memory64).
 */

export interface MemoryImport {
  readonly module: string;
  readonly name: string;
  /** Pages of 64 KiB. */
  readonly initial: number;
  readonly maximum: number | undefined;
  readonly shared: boolean;
}

/** 1 GiB: the largest memory a threads guest gets unless the caller asks for more. */
export const DEFAULT_MAX_PAGES = 16384;

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array) {}

  byte(): number {
    const b = this.bytes[this.offset++];
    if (b === undefined) throw new Error('truncated wasm binary');
    return b;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return result;
      shift += 7;
      if (shift > 35) throw new Error('malformed LEB128 in wasm binary');
    }
  }

  name(): string {
    const len = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.offset, this.offset + len));
    this.offset += len;
    return text;
  }

  limits(): { initial: number; maximum: number | undefined; flags: number } {
    const flags = this.byte();
    const initial = this.u32();
    const maximum = flags & 1 ? this.u32() : undefined;
    return { initial, maximum, flags };
  }
}

/** The memory a binary imports, or undefined if it defines its own (or none). */
export function memoryImportOf(binary: ArrayBufferView | ArrayBuffer): MemoryImport | undefined {
  const bytes = binary instanceof ArrayBuffer
    ? new Uint8Array(binary)
    : new Uint8Array(binary.buffer, binary.byteOffset, binary.byteLength);
  const r = new Reader(bytes);
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new Error('not a wasm binary (bad magic)');
  }
  r.offset = 8;
  while (r.offset < bytes.length) {
    const id = r.byte();
    const size = r.u32();
    const end = r.offset + size;
    if (id !== 2) {
      r.offset = end;
      continue;
    }
    const count = r.u32();
    for (let i = 0; i < count; i++) {
      const module = r.name();
      const name = r.name();
      const kind = r.byte();
      switch (kind) {
        case 0: r.u32(); break; // function: type index
        case 1: r.byte(); r.limits(); break; // table: reftype + limits
        case 2: {
          const { initial, maximum, flags } = r.limits();
          return { module, name, initial, maximum, shared: (flags & 2) !== 0 };
        }
        case 3: r.byte(); r.byte(); break; // global: valtype + mutability
        case 4: r.byte(); r.u32(); break; // tag
        default: throw new Error(`unknown import kind ${kind} in wasm binary`);
      }
    }
    return undefined;
  }
  return undefined;
}

/**
 * The memory to give a threads guest's main instance: shared, with the binary's
 * initial size and its maximum capped at `maxPages` (an imported memory may have a
 * smaller maximum than the import declares; V8 reserves the maximum of a shared
 * memory up front). Returns undefined when the binary does not import a memory.
 */
export function createGuestMemory(
  binary: ArrayBufferView | ArrayBuffer,
  maxPages: number = DEFAULT_MAX_PAGES,
): { memory: WebAssembly.Memory; import: MemoryImport } | undefined {
  const imp = memoryImportOf(binary);
  if (!imp) return undefined;
  const declared = imp.maximum ?? maxPages;
  const maximum = Math.max(imp.initial, Math.min(declared, maxPages));
  const memory = new WebAssembly.Memory({ initial: imp.initial, maximum, shared: imp.shared });
  return { memory, import: imp };
}
