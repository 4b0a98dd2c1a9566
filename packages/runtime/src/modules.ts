import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addHostExports, readModule, type ModuleFacts } from './wasm-binary.js';

/** A module ready to instantiate: validated, rewritten if needed, compiled once. */
export interface LoadedModule {
  /** sha256 of the original bytes: the cache key. */
  readonly key: string;
  readonly module: WebAssembly.Module;
  readonly facts: ModuleFacts;
  /** Exports the runtime added (the table, mutable globals). */
  readonly addedExports: readonly string[];
  /** Where it came from (a path), for messages. */
  readonly origin: string;
}

export class ModuleLoadError extends Error {
  override readonly name = 'ModuleLoadError';
}

/**
 * Loads modules from bytes or paths. Each distinct binary is validated, rewritten
 * once to export what the host needs, and compiled once; the WebAssembly.Module is
 * cached (workers receive it by structured clone, sharing V8's code). With a
 * `cacheDir`, rewritten binaries are also kept on disk.
 */
export class ModuleCache {
  readonly #byKey = new Map<string, Promise<LoadedModule>>();
  /** Paths already hashed, by path: reused while size and mtime are unchanged. */
  readonly #byPath = new Map<string, { size: number; mtimeMs: number; key: string }>();

  constructor(private readonly options: { cacheDir?: string } = {}) {}

  async load(source: string | Uint8Array): Promise<LoadedModule> {
    const origin = typeof source === 'string' ? source : '<bytes>';
    if (typeof source === 'string') {
      // Hot path of every invoke by path: skip reading and hashing an unchanged file.
      const known = this.#byPath.get(source);
      const loading = known && this.#byKey.get(known.key);
      if (known && loading) {
        let stat;
        try {
          stat = statSync(source);
        } catch (e) {
          throw new ModuleLoadError(`cannot read module ${source}: ${(e as Error).message}`);
        }
        if (stat.size === known.size && stat.mtimeMs === known.mtimeMs) return loading;
      }
    }
    let bytes: Uint8Array;
    if (typeof source === 'string') {
      try {
        bytes = readFileSync(source);
      } catch (e) {
        throw new ModuleLoadError(`cannot read module ${source}: ${(e as Error).message}`);
      }
    } else {
      bytes = source;
    }
    const key = createHash('sha256').update(bytes).digest('hex');
    if (typeof source === 'string') {
      const stat = statSync(source);
      this.#byPath.set(source, { size: stat.size, mtimeMs: stat.mtimeMs, key });
    }
    let loading = this.#byKey.get(key);
    if (!loading) {
      loading = this.#compile(key, bytes, origin);
      this.#byKey.set(key, loading);
      loading.catch(() => this.#byKey.delete(key));
    }
    return loading;
  }

  async #compile(key: string, original: Uint8Array, origin: string): Promise<LoadedModule> {
    if (!WebAssembly.validate(original as Uint8Array<ArrayBuffer>)) {
      // Compile anyway to surface V8's precise reason.
      try {
        await WebAssembly.compile(original as Uint8Array<ArrayBuffer>);
      } catch (e) {
        throw new ModuleLoadError(`${origin} is not a valid wasm module: ${(e as Error).message}`);
      }
      throw new ModuleLoadError(`${origin} is not a valid wasm module`);
    }
    let bytes: Uint8Array;
    let addedExports: string[];
    const cached = this.options.cacheDir ? join(this.options.cacheDir, `${key}.wasm`) : undefined;
    const facts0 = readModule(original);
    if (cached && existsSync(cached)) {
      bytes = readFileSync(cached);
      addedExports = addHostExports(original, facts0).added;
    } else {
      ({ bytes, added: addedExports } = addHostExports(original, facts0));
      if (cached) {
        mkdirSync(this.options.cacheDir!, { recursive: true });
        writeFileSync(cached, bytes);
      }
    }
    const facts = bytes === original ? facts0 : readModule(bytes);
    const module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>);
    return { key, module, facts, addedExports, origin };
  }
}
