/**
 * Adds the exports a JS host needs (the function table, every mutable global) to a
 * wasm binary without touching its code, from the facts @faasm/abi's `readModule`
 * reads. Spec: WebAssembly core 1.0/2.0, binary format (§5).
 */

import { encodeName, encodeU32, ExternKind, readModule, SectionId } from '@faasm/abi';

export { readModule, WasmFormatError, type MemoryLimits, type ModuleFacts, type Section } from '@faasm/abi';

/** Position of a known section in the required order (tag 13 sits before global, datacount 12 before code). */
const SECTION_ORDER = [1, 2, 3, 4, 5, 13, 6, 7, 8, 9, 12, 10, 11];
function sectionRank(id: number): number {
  const rank = SECTION_ORDER.indexOf(id);
  return rank < 0 ? SECTION_ORDER.length : rank;
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
  if (hasTable && !facts.exports.some((e) => e.kind === ExternKind.table)) {
    if (!facts.exports.some((e) => e.name === TABLE_EXPORT)) added.push({ name: TABLE_EXPORT, kind: ExternKind.table, index: 0 });
  }
  const exportedGlobals = new Set(facts.exports.filter((e) => e.kind === ExternKind.global).map((e) => e.index));
  const globals = [...facts.importedGlobals, ...facts.definedGlobals];
  globals.forEach((g, index) => {
    if (g.mutable && !exportedGlobals.has(index)) added.push({ name: `${GLOBAL_EXPORT_PREFIX}${index}`, kind: ExternKind.global, index });
  });
  if (added.length === 0) return { bytes, added: [] };

  const all = [...facts.exports, ...added];
  const exportPayload = [...encodeU32(all.length)];
  for (const e of all) exportPayload.push(...encodeName(e.name), e.kind, ...encodeU32(e.index));

  const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
  const chunks: Uint8Array[] = [Uint8Array.from(out)];
  let wroteExports = false;
  const writeExports = () => {
    chunks.push(Uint8Array.from([SectionId.export, ...encodeU32(exportPayload.length), ...exportPayload]));
    wroteExports = true;
  };
  for (const s of facts.sections) {
    // Known sections appear in a fixed order; the export section goes after global.
    if (!wroteExports && s.id !== SectionId.custom && sectionRank(s.id) > sectionRank(SectionId.export)) writeExports();
    if (s.id === SectionId.export) {
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
