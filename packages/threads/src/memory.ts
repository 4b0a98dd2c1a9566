/**
 * The main instance of a threads guest imports a shared memory (`env.memory`,
 * `--shared-memory --import-memory`). `WebAssembly.Module.imports()` does not give
 * limits, so they are read from the binary's import section (@faasm/abi readModule).
 */
import { readModule } from '@faasm/abi';

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

/** The memory a binary imports, or undefined if it defines its own (or none). */
export function memoryImportOf(binary: ArrayBufferView | ArrayBuffer): MemoryImport | undefined {
  const bytes = binary instanceof ArrayBuffer
    ? new Uint8Array(binary)
    : new Uint8Array(binary.buffer, binary.byteOffset, binary.byteLength);
  const imported = readModule(bytes).importedMemory;
  return imported && { module: imported.module, name: imported.name, ...imported.limits };
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
