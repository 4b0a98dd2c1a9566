/**
 * The `dylink.0` custom section of a side module (WebAssembly tool-conventions,
 * DynamicLinking.md): a sequence of subsections `id:u8 size:u32 payload`, LEB128 numbers.
 *   WASM_DYLINK_MEM_INFO 1: memorysize, memoryalignment (log2), tablesize, tablealignment (log2)
 *   WASM_DYLINK_NEEDED 2:   vec(name) of libraries this one needs
 *   WASM_DYLINK_EXPORT_INFO 3: vec(name, flags); WASM_DYLINK_IMPORT_INFO 4: vec(module, field, flags)
 */
import { WasmFormatError, WasmReader } from '@faasm/abi';

export const DYLINK_SECTION = 'dylink.0';
const SUB = { memInfo: 1, needed: 2, exportInfo: 3, importInfo: 4 } as const;

/** Symbol flags (tool-conventions Linking.md). */
export const SymbolFlag = { BINDING_WEAK: 0x1, TLS: 0x100 } as const;

export interface DylinkInfo {
  readonly memorySize: number;
  readonly memoryAlign: number;
  readonly tableSize: number;
  readonly tableAlign: number;
  readonly needed: readonly string[];
  /** Export name → flags (e.g. TLS). */
  readonly exportFlags: ReadonlyMap<string, number>;
  /** `module.field` → flags (e.g. weak). */
  readonly importFlags: ReadonlyMap<string, number>;
}

export class DylinkFormatError extends WasmFormatError {
  override readonly name = 'DylinkFormatError';
}

/** Parses a dylink.0 section's payload. Unknown subsections are skipped. */
export function parseDylink(payload: Uint8Array): DylinkInfo {
  const r = new WasmReader(payload, 0, payload.length, (message) => new DylinkFormatError(`dylink.0: ${message}`));
  let memorySize = 0, memoryAlign = 0, tableSize = 0, tableAlign = 0;
  const needed: string[] = [];
  const exportFlags = new Map<string, number>();
  const importFlags = new Map<string, number>();
  while (!r.done) {
    const id = r.byte();
    const sub = r.sub(r.u32(), `subsection ${id}`);
    switch (id) {
      case SUB.memInfo:
        memorySize = sub.u32();
        memoryAlign = sub.u32();
        tableSize = sub.u32();
        tableAlign = sub.u32();
        break;
      case SUB.needed:
        for (let n = sub.u32(); n > 0; n--) needed.push(sub.name());
        break;
      case SUB.exportInfo:
        for (let n = sub.u32(); n > 0; n--) exportFlags.set(sub.name(), sub.u32());
        break;
      case SUB.importInfo:
        for (let n = sub.u32(); n > 0; n--) {
          const module = sub.name();
          const field = sub.name();
          importFlags.set(`${module}.${field}`, sub.u32());
        }
        break;
      default:
        break;
    }
  }
  if (memoryAlign > 16 || tableAlign > 16) throw new DylinkFormatError(`dylink.0: alignment 2^${Math.max(memoryAlign, tableAlign)} is implausible`);
  return { memorySize, memoryAlign, tableSize, tableAlign, needed, exportFlags, importFlags };
}

/** The module's dylink.0 info, or undefined if it is not a side module. */
export function dylinkOf(module: WebAssembly.Module): DylinkInfo | undefined {
  const sections = WebAssembly.Module.customSections(module, DYLINK_SECTION);
  if (sections.length === 0) return undefined;
  if (sections.length > 1) throw new DylinkFormatError('more than one dylink.0 section');
  return parseDylink(new Uint8Array(sections[0]!));
}
