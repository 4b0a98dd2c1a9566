/**
 * A small reader/writer for the parts of the wasm binary format the runtime needs:
 * the section list, imports (memory limits), tables, globals and exports. Used to add
 * exports a JS host needs (the function table, every mutable global) without
 * touching code. Spec: WebAssembly core 1.0/2.0, binary format (§5).
 */

import { encodeName, encodeU32 } from '@faasm/abi';

const SECTION = { custom: 0, type: 1, import: 2, function: 3, table: 4, memory: 5, global: 6, export: 7 } as const;
const EXTERNAL = { func: 0, table: 1, memory: 2, global: 3 } as const;

export interface Section {
  readonly id: number;
  /** Payload bytes (without id and size). */
  readonly payload: Uint8Array;
}

export interface MemoryLimits {
  readonly initial: number;
  readonly maximum: number | undefined;
  readonly shared: boolean;
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

export class WasmFormatError extends Error {
  override readonly name = 'WasmFormatError';
}

class Reader {
  offset = 0;
  constructor(readonly bytes: Uint8Array, readonly end = bytes.length) {}

  byte(): number {
    if (this.offset >= this.end) throw new WasmFormatError('unexpected end of wasm binary');
    return this.bytes[this.offset++]!;
  }

  u32(): number {
    let result = 0;
    let shift = 0;
    for (;;) {
      const b = this.byte();
      result |= (b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result >>> 0;
      shift += 7;
      if (shift > 35) throw new WasmFormatError('malformed LEB128');
    }
  }

  skipLeb(): void {
    while (this.byte() & 0x80);
  }

  name(): string {
    const len = this.u32();
    const text = new TextDecoder().decode(this.bytes.subarray(this.offset, this.offset + len));
    this.offset += len;
    return text;
  }

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
      else if (op === 0x43) this.offset += 4;
      else if (op === 0x44) this.offset += 8;
      else if (op === 0xd0) this.byte();
      else if (op === 0x6a || op === 0x6b || op === 0x6c || op === 0x7c || op === 0x7d || op === 0x7e) continue;
      else if (op === 0xfd) { this.skipLeb(); this.offset += 16; }
      else throw new WasmFormatError(`unsupported opcode 0x${op.toString(16)} in a constant expression`);
    }
  }
}

/** Position of a known section in the required order (tag 13 sits before global, datacount 12 before code). */
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
function sectionRank(id: number): number {
  const rank = SECTION_ORDER.indexOf(id);
  return rank < 0 ? SECTION_ORDER.length : rank;
}


/** Splits a binary into sections and reads the facts the runtime needs. */
export function readModule(bytes: Uint8Array): ModuleFacts {
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new WasmFormatError('not a wasm binary (bad magic)');
  }
  const top = new Reader(bytes);
  top.offset = 8;
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
  while (top.offset < bytes.length) {
    const id = top.byte();
    const size = top.u32();
    const start = top.offset;
    if (start + size > bytes.length) throw new WasmFormatError('section extends past the end of the binary');
    const payload = bytes.subarray(start, start + size);
    sections.push({ id, payload });
    const r = new Reader(bytes, start + size);
    r.offset = start;
    if (id === SECTION.import) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const module = r.name();
        const name = r.name();
        const kind = r.byte();
        if (kind === EXTERNAL.func) r.u32();
        else if (kind === EXTERNAL.table) { r.byte(); r.limits(); facts.importedTables++; }
        else if (kind === EXTERNAL.memory) facts.importedMemory = { module, name, limits: r.limits() };
        else if (kind === EXTERNAL.global) { r.byte(); facts.importedGlobals.push({ mutable: r.byte() === 1 }); }
        else if (kind === 4) { r.byte(); r.u32(); }
        else throw new WasmFormatError(`unknown import kind ${kind}`);
      }
    } else if (id === SECTION.table) {
      facts.definedTables = r.u32();
    } else if (id === SECTION.memory) {
      if (r.u32() > 0) facts.definedMemory = r.limits();
    } else if (id === SECTION.global) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        r.byte();
        facts.definedGlobals.push({ mutable: r.byte() === 1 });
        r.skipInitExpr();
      }
    } else if (id === SECTION.export) {
      const count = r.u32();
      for (let i = 0; i < count; i++) {
        const name = r.name();
        const kind = r.byte();
        facts.exports.push({ name, kind, index: r.u32() });
      }
    }
    top.offset = start + size;
  }
  return { sections, ...facts };
}

/** Name under which the runtime exports the function table. */
export const TABLE_EXPORT = '__indirect_function_table';
/** Prefix of the exports the runtime adds for mutable globals (by global index). */
export const GLOBAL_EXPORT_PREFIX = '__faasm_global_';

/**
 * Adds the exports a JS host needs: table 0 as `__indirect_function_table` when no
 * table is exported, and every mutable global not yet exported (so snapshots capture
 * all of a module's mutable state). Returns the input unchanged when nothing is missing.
 */
export function addHostExports(bytes: Uint8Array, facts = readModule(bytes)): { bytes: Uint8Array; added: string[] } {
  const added: Array<{ name: string; kind: number; index: number }> = [];
  const hasTable = facts.importedTables + facts.definedTables > 0;
  if (hasTable && !facts.exports.some((e) => e.kind === EXTERNAL.table)) {
    if (!facts.exports.some((e) => e.name === TABLE_EXPORT)) added.push({ name: TABLE_EXPORT, kind: EXTERNAL.table, index: 0 });
  }
  const exportedGlobals = new Set(facts.exports.filter((e) => e.kind === EXTERNAL.global).map((e) => e.index));
  const globals = [...facts.importedGlobals, ...facts.definedGlobals];
  globals.forEach((g, index) => {
    if (g.mutable && !exportedGlobals.has(index)) added.push({ name: `${GLOBAL_EXPORT_PREFIX}${index}`, kind: EXTERNAL.global, index });
  });
  if (added.length === 0) return { bytes, added: [] };

  const all = [...facts.exports, ...added];
  const exportPayload = [...encodeU32(all.length)];
  for (const e of all) exportPayload.push(...encodeName(e.name), e.kind, ...encodeU32(e.index));

  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const chunks: Uint8Array[] = [Uint8Array.from(out)];
  let wroteExports = false;
  const writeExports = () => {
    chunks.push(Uint8Array.from([SECTION.export, ...encodeU32(exportPayload.length), ...exportPayload]));
    wroteExports = true;
  };
  for (const s of facts.sections) {
    // Known sections appear in a fixed order; the export section goes after global.
    if (!wroteExports && s.id !== SECTION.custom && sectionRank(s.id) > sectionRank(SECTION.export)) writeExports();
    if (s.id === SECTION.export) {
      writeExports();
      continue;
    }
    chunks.push(Uint8Array.from([s.id, ...encodeU32(s.payload.length)]), s.payload);
  }
  if (!wroteExports) writeExports();
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const result = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    result.set(c, offset);
    offset += c.length;
  }
  return { bytes: result, added: added.map((a) => a.name) };
}
