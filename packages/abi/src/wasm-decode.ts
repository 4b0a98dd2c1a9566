/**
 * A small reader for the parts of the WebAssembly binary format the host needs (core
 * spec §5: LEB128 numbers, names, limits, constant expressions, sections), shared by the
 * runtime (imports, tables, globals, exports: `readModule`), @faasm/threads (the memory
 * import's limits) and @faasm/dynlink (the `dylink.0` custom section). Every read is
 * bounds-checked; malformed input throws the reader's error, never reads past its end.
 */

export class WasmFormatError extends Error {
  override readonly name: string = 'WasmFormatError';
}

/** Section ids (core spec §5.5.2). */
export const SectionId = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7 } as const;
/** Import and export kinds (externtype). */
export const ExternKind = { func: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

export interface MemoryLimits {
  /** Pages of 64 KiB. */
  readonly initial: number;
  readonly maximum: number | undefined;
  readonly shared: boolean;
}

/** Reads `bytes` from `offset` up to `end`; errors are made by `fail` (WasmFormatError by default). */
export class WasmReader {
  offset: number;

  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
    readonly end = bytes.length,
    readonly fail: (message: string) => Error = (message) => new WasmFormatError(message),
  ) {
    this.offset = offset;
  }

  /** A reader of the next `size` bytes (a section or subsection), with the same errors; skips them here. */
  sub(size: number, what: string): WasmReader {
    const end = this.offset + size;
    if (end > this.end) throw this.fail(`${what} runs past its end (truncated)`);
    const sub = new WasmReader(this.bytes, this.offset, end, this.fail);
    this.offset = end;
    return sub;
  }

  get done(): boolean {
    return this.offset >= this.end;
  }

  byte(): number {
    if (this.offset >= this.end) throw this.fail('truncated wasm binary: unexpected end');
    return this.bytes[this.offset++]!;
  }

  /** An unsigned LEB128 of at most 5 bytes and 32 bits. */
  u32(): number {
    let result = 0;
    for (let shift = 0; ; shift += 7) {
      if (shift > 28) throw this.fail('malformed LEB128');
      const b = this.byte();
      result += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) break;
    }
    if (result > 0xffffffff) throw this.fail('LEB128 number out of range');
    return result;
  }

  skipLeb(): void {
    while (this.byte() & 0x80);
  }

  skip(bytes: number): void {
    if (this.offset + bytes > this.end) throw this.fail('truncated wasm binary: unexpected end');
    this.offset += bytes;
  }

  /** A name: a u32 length, then that many bytes of valid UTF-8. */
  name(): string {
    const length = this.u32();
    if (this.offset + length > this.end) throw this.fail('a name runs past its end');
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(this.bytes.subarray(this.offset, this.offset + length));
    } catch {
      throw this.fail('a name is not valid UTF-8');
    }
    this.offset += length;
    return text;
  }

  /** Memory or table limits: flags (bit 0 has a maximum, bit 1 shared), initial, maximum. */
  limits(): MemoryLimits {
    const flags = this.byte();
    const initial = this.u32();
    const maximum = flags & 1 ? this.u32() : undefined;
    return { initial, maximum, shared: (flags & 2) !== 0 };
  }

  /** Skips a constant expression up to and including `end` (0x0b). */
  skipInitExpr(): void {
    for (;;) {
      const op = this.byte();
      if (op === 0x0b) return;
      if (op === 0x41 || op === 0x42 || op === 0x23 || op === 0xd2) this.skipLeb();
      else if (op === 0x43) this.skip(4);
      else if (op === 0x44) this.skip(8);
      else if (op === 0xd0) this.byte();
      else if (op === 0x6a || op === 0x6b || op === 0x6c || op === 0x7c || op === 0x7d || op === 0x7e) continue;
      else if (op === 0xfd) { this.skipLeb(); this.skip(16); }
      else throw this.fail(`unsupported opcode 0x${op.toString(16)} in a constant expression`);
    }
  }
}

export interface Section {
  readonly id: number;
  /** Payload bytes (without id and size). */
  readonly payload: Uint8Array;
}

export interface ModuleFacts {
  readonly sections: Section[];
  readonly exports: Array<{ name: string; kind: number; index: number }>;
  readonly importedTables: number;
  readonly definedTables: number;
  readonly importedGlobals: Array<{ mutable: boolean }>;
  readonly definedGlobals: Array<{ mutable: boolean }>;
  /** Imported memory (`env.memory` in shared-memory guests), with its limits. */
  readonly importedMemory: { module: string; name: string; limits: MemoryLimits } | undefined;
  readonly definedMemory: MemoryLimits | undefined;
}

/** Splits a binary into sections and reads its imports, tables, memories, globals and exports. */
export function readModule(bytes: Uint8Array): ModuleFacts {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmFormatError('not a wasm binary (bad magic)');
  }
  const top = new WasmReader(bytes, 8);
  const sections: Section[] = [];
  const facts = {
    exports: [] as Array<{ name: string; kind: number; index: number }>,
    importedTables: 0,
    definedTables: 0,
    importedGlobals: [] as Array<{ mutable: boolean }>,
    definedGlobals: [] as Array<{ mutable: boolean }>,
    importedMemory: undefined as ModuleFacts['importedMemory'],
    definedMemory: undefined as MemoryLimits | undefined,
  };
  while (!top.done) {
    const id = top.byte();
    const r = top.sub(top.u32(), `section ${id}`);
    sections.push({ id, payload: bytes.subarray(r.offset, r.end) });
    if (id === SectionId.import) {
      for (let count = r.u32(); count > 0; count--) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === ExternKind.func) r.u32();
        else if (kind === ExternKind.table) { r.byte(); r.limits(); facts.importedTables++; }
        else if (kind === ExternKind.memory) facts.importedMemory = { module, name, limits: r.limits() };
        else if (kind === ExternKind.global) { r.byte(); facts.importedGlobals.push({ mutable: r.byte() === 1 }); }
        else if (kind === ExternKind.tag) { r.byte(); r.u32(); }
        else throw new WasmFormatError(`unknown import kind ${kind}`);
      }
    } else if (id === SectionId.table) {
      facts.definedTables = r.u32();
    } else if (id === SectionId.memory) {
      if (r.u32() > 0) facts.definedMemory = r.limits();
    } else if (id === SectionId.global) {
      for (let count = r.u32(); count > 0; count--) {
        r.byte();
        facts.definedGlobals.push({ mutable: r.byte() === 1 });
        r.skipInitExpr();
      }
    } else if (id === SectionId.export) {
      for (let count = r.u32(); count > 0; count--) {
        const name = r.name();
        const kind = r.byte();
        facts.exports.push({ name, kind, index: r.u32() });
      }
    }
  }
  return { sections, ...facts };
}
