import { posix } from 'node:path';
import type { FaasletHost, ImportObject } from '@faasm/abi';
import { Errno, ErrnoError, errnoFromNode, GUEST_FILES } from '@faasm/abi';
import { HEAP } from '@faasm/memory';
import { dylinkOf, DylinkFormatError, SymbolFlag, type DylinkInfo } from './dylink.js';
import { MAIN_HANDLE, RTLD } from './layout.js';

/** A failure dlopen/dlsym/dlclose report through dlerror (not a trap). */
export class DlError extends Error {
  override readonly name = 'DlError';
}

/** One loaded side module. */
export interface SideModule {
  readonly handle: number;
  readonly path: string;
  readonly info: DylinkInfo;
  readonly instance: WebAssembly.Instance;
  readonly memoryBase: number;
  readonly tableBase: number;
  /** RTLD_GLOBAL: its symbols resolve later modules' imports and dlsym(RTLD_DEFAULT). */
  global: boolean;
  readonly needed: readonly SideModule[];
}

/** A module and everything it needs, transitively, breadth-first. */
function dependencies(root: SideModule): SideModule[] {
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const d of out[i]!.needed) if (!out.includes(d)) out.push(d);
  return out;
}

/** What `snapshot` saves so `restore` can forget modules loaded after it. */
interface Saved {
  readonly modules: number;
  readonly ownedSlots: number;
  readonly error: string | undefined;
  readonly errorBuffer: { ptr: number; size: number } | undefined;
}

type WasmFunction = (...args: unknown[]) => unknown;

/** strerror for the errnos a sandboxed open gives. */
const ERRNO_TEXT: Readonly<Record<number, string>> = {
  [Errno.NOENT]: 'No such file or directory',
  [Errno.ACCES]: 'Permission denied',
  [Errno.NOTCAPABLE]: 'Capabilities insufficient (outside the sandbox)',
  [Errno.ISDIR]: 'Is a directory',
  [Errno.NOTDIR]: 'Not a directory',
  [Errno.LOOP]: 'Symbolic link loop',
  [Errno.NAMETOOLONG]: 'Filename too long',
  [Errno.INVAL]: 'Invalid argument',
};

const hex = (p: number) => `0x${(p >>> 0).toString(16)}`;
/** Exports of a side module that are loader hooks, not symbols. */
const HOOKS = new Set(['__wasm_apply_data_relocs', '__wasm_call_ctors', '__wasm_call_dtors', '__post_instantiate']);

/**
 * The Faaslet's dynamic linker: side modules loaded into the main module's memory and
 * table (tool-conventions DynamicLinking.md), symbol lookup, and the dlerror state.
 * Everything lives here, per host: two Faaslets never share a loaded module.
 */
export class DynamicLinker {
  readonly modules: SideModule[] = [];
  #error: string | undefined;
  #errorBuffer: { ptr: number; size: number } | undefined;
  /** Table slots this linker placed functions in (side modules' ranges, dlsym/GOT.func entries), in order. */
  readonly #ownedSlots: number[] = [];
  readonly #owned = new Set<number>();
  /** wasm function → its table index (first found). */
  readonly #indexOf = new Map<WasmFunction, number>();
  readonly #loading = new Set<string>();

  constructor(readonly host: FaasletHost, readonly importObject: ImportObject) {}

  // ---- dlerror ----

  fail(message: string): void {
    this.#error = message;
  }

  /** The pending error as a NUL-terminated guest string (then cleared), or 0. */
  takeError(): number {
    const message = this.#error;
    if (message === undefined) return 0;
    this.#error = undefined;
    const bytes = new TextEncoder().encode(message);
    const need = bytes.length + 1;
    let buffer = this.#errorBuffer;
    if (!buffer || buffer.size < need) {
      if (buffer && this.host.exports.function('malloc') && this.host.exports.function('free')) this.host.exports.free(buffer.ptr);
      const size = Math.max(256, need);
      buffer = this.#errorBuffer = { ptr: this.#allocate(size, 1), size };
    }
    this.host.memory.write(buffer.ptr, bytes);
    this.host.memory.setU8(buffer.ptr + bytes.length, 0);
    return buffer.ptr;
  }

  // ---- lifecycle ----

  snapshot(): Saved {
    return { modules: this.modules.length, ownedSlots: this.#ownedSlots.length, error: this.#error, errorBuffer: this.#errorBuffer };
  }

  /**
   * Back to a snapshot: guest memory is restored under us, so modules loaded since (their
   * data lived in memory allocated after the snapshot) are forgotten and their table
   * slots emptied for reuse.
   */
  restore(saved: Saved | undefined): void {
    const s = saved ?? { modules: 0, ownedSlots: 0, error: undefined, errorBuffer: undefined };
    this.modules.length = Math.min(this.modules.length, s.modules);
    const table = this.host.exports.table;
    for (const slot of this.#ownedSlots.splice(s.ownedSlots)) {
      this.#owned.delete(slot);
      const f = table && slot < table.length ? (table.get(slot) as WasmFunction | null) : null;
      if (f && this.#indexOf.get(f) === slot) this.#indexOf.delete(f);
      if (table && slot < table.length) table.set(slot, null);
    }
    this.#error = s.error;
    this.#errorBuffer = s.errorBuffer;
  }

  // ---- handles ----

  moduleOf(handle: number): SideModule | undefined {
    return this.modules.find((m) => m.handle === handle);
  }

  isHandle(handle: number): boolean {
    return handle === MAIN_HANDLE || this.moduleOf(handle) !== undefined;
  }

  // ---- loading ----

  /** Loads `path` (and what it needs), or returns the module already loaded from it. */
  open(path: string, flags: number, from = '.'): SideModule | undefined {
    const key = posix.normalize(path.includes('/') || from === '.' ? path : posix.join(posix.dirname(from), path));
    const loaded = this.modules.find((m) => m.path === key);
    if (loaded) {
      if (flags & RTLD.GLOBAL) loaded.global = true;
      return loaded;
    }
    if (flags & RTLD.NOLOAD) return undefined;
    if (this.#loading.has(key)) throw new DlError(`${key}: circular dependency`);
    this.#loading.add(key);
    try {
      return this.#load(key, flags);
    } finally {
      this.#loading.delete(key);
    }
  }

  #load(path: string, flags: number): SideModule {
    const files = this.host.services.get(GUEST_FILES);
    if (!files) throw new DlError(`${path}: no filesystem is linked (@faasm/wasi)`);
    let bytes: Uint8Array;
    try {
      bytes = files.readFile(path);
    } catch (e) {
      // The sandbox raises an ErrnoError, or the filesystem backend's Node error (whose
      // message names host paths: only its errno reaches the guest).
      const nodeCode = typeof (e as { code?: unknown } | null)?.code === 'string';
      if (!(e instanceof ErrnoError) && !nodeCode) throw e;
      const errno = e instanceof ErrnoError ? e.errno : errnoFromNode(e);
      throw new DlError(`${path}: cannot open shared object file: ${ERRNO_TEXT[errno] ?? `errno ${errno}`}`);
    }
    let module: WebAssembly.Module;
    let info: DylinkInfo | undefined;
    try {
      module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
      info = dylinkOf(module);
    } catch (e) {
      if (e instanceof WebAssembly.CompileError || e instanceof DylinkFormatError) throw new DlError(`${path}: invalid side module: ${e.message}`);
      throw e;
    }
    if (!info) throw new DlError(`${path}: not a side module (no dylink.0 section; build it with faasm cc --side-module)`);
    const needed = info.needed.map((name) => {
      const dep = this.open(name, RTLD.GLOBAL, path);
      if (!dep) throw new DlError(`${path}: needed library ${name} could not be loaded`);
      return dep;
    });
    const table = this.host.exports.table;
    if (!table) throw new DlError(`${path}: the main module does not export its function table (--export-table)`);

    const slotsBefore = this.#ownedSlots.length;
    let memoryBase = 0;
    const imports: ImportObject = {};
    const pendingSelf: Array<{ kind: 'mem' | 'func'; name: string; global: WebAssembly.Global }> = [];
    try {
      memoryBase = info.memorySize === 0 ? 0 : this.#allocate(info.memorySize, 2 ** info.memoryAlign);
      if (memoryBase !== 0) this.host.memory.fill(memoryBase, info.memorySize, 0);
      const tableBase = this.#allocateSlots(info.tableSize, 2 ** info.tableAlign, path);
      for (const imp of WebAssembly.Module.imports(module)) {
        const ns = (imports[imp.module] ??= {});
        if (imp.module === 'GOT.mem' || imp.module === 'GOT.func') {
          const kind = imp.module === 'GOT.mem' ? 'mem' : 'func';
          const global = new WebAssembly.Global({ value: 'i32', mutable: true }, 0);
          const address = kind === 'mem' ? this.#dataAddress(imp.name, needed) : this.#functionIndex(imp.name, needed);
          if (address !== undefined) global.value = address;
          else pendingSelf.push({ kind, name: imp.name, global });
          ns[imp.name] = global;
          continue;
        }
        const weak = ((info.importFlags.get(`${imp.module}.${imp.name}`) ?? 0) & SymbolFlag.BINDING_WEAK) !== 0;
        ns[imp.name] = this.#resolveImport(path, imp, memoryBase, tableBase, needed, weak);
      }
      let instance: WebAssembly.Instance;
      try {
        instance = new WebAssembly.Instance(module, imports);
      } catch (e) {
        // LinkError: an import of the wrong type; RuntimeError: a segment that does not
        // fit (a dylink.0 size smaller than the module's data or elements).
        if (e instanceof WebAssembly.LinkError || e instanceof WebAssembly.RuntimeError) throw new DlError(`${path}: ${e.message}`);
        throw e;
      }
      for (const { kind, name, global } of pendingSelf) {
        const value = instance.exports[name];
        const weak = ((info.importFlags.get(`GOT.${kind}.${name}`) ?? 0) & SymbolFlag.BINDING_WEAK) !== 0;
        if (kind === 'mem' && value instanceof WebAssembly.Global) global.value = (memoryBase + (value.value as number)) >>> 0;
        else if (kind === 'func' && typeof value === 'function') global.value = this.#indexFor(value as WasmFunction);
        else if (!weak) throw new DlError(`${path}: undefined symbol: ${name}`);
      }
      const side: SideModule = { handle: this.#nextHandle(), path, info, instance, memoryBase, tableBase, global: (flags & RTLD.GLOBAL) !== 0, needed };
      // Registered before the constructors run: they may dlsym their own module.
      this.modules.push(side);
      (instance.exports['__wasm_apply_data_relocs'] as (() => void) | undefined)?.();
      (instance.exports['__wasm_call_ctors'] as (() => void) | undefined)?.();
      return side;
    } catch (e) {
      if (!(e instanceof DlError)) throw e;
      // Undo what this load claimed: its table slots; its memory goes back to malloc.
      const index = this.modules.findIndex((m) => m.path === path);
      if (index >= 0) this.modules.splice(index, 1);
      for (const slot of this.#ownedSlots.splice(slotsBefore)) {
        this.#owned.delete(slot);
        table.set(slot, null);
      }
      const block = this.#mallocBlocks.get(memoryBase);
      if (block !== undefined) {
        this.#mallocBlocks.delete(memoryBase);
        this.host.exports.free(block);
      }
      throw e;
    }
  }

  #nextHandle(): number {
    let handle = MAIN_HANDLE + 1;
    for (const m of this.modules) handle = Math.max(handle, m.handle + 1);
    return handle;
  }

  #resolveImport(path: string, imp: WebAssembly.ModuleImportDescriptor, memoryBase: number, tableBase: number, needed: readonly SideModule[], weak: boolean): WebAssembly.ImportValue {
    const main = this.host.exports;
    if (imp.kind === 'memory') return this.host.memory.memory;
    if (imp.kind === 'table') return main.table!;
    if (imp.kind === 'global') {
      if (imp.module === 'env' && imp.name === '__memory_base') return new WebAssembly.Global({ value: 'i32', mutable: false }, memoryBase);
      if (imp.module === 'env' && imp.name === '__table_base') return new WebAssembly.Global({ value: 'i32', mutable: false }, tableBase);
      const g = main.global(imp.name) ?? this.#searchExport(imp.name, needed, (v) => v instanceof WebAssembly.Global);
      if (g instanceof WebAssembly.Global) return g;
      throw new DlError(`${path}: undefined symbol: ${imp.name}${imp.name === '__stack_pointer' ? ' (the main module must export __stack_pointer)' : ''}`);
    }
    if (imp.kind === 'function') {
      const host = this.importObject[imp.module]?.[imp.name];
      if (typeof host === 'function') return host;
      const f = main.function(imp.name) ?? this.#searchExport(imp.name, needed, (v) => typeof v === 'function');
      if (typeof f === 'function') return f as WebAssembly.ImportValue;
      if (weak) {
        return () => {
          throw new Error(`${path}: called weak undefined function ${imp.name}`);
        };
      }
      throw new DlError(`${path}: undefined symbol: ${imp.name}`);
    }
    throw new DlError(`${path}: unsupported import kind ${imp.kind} (${imp.module}.${imp.name})`);
  }

  /** A symbol among the side modules in scope: `needed` first, then RTLD_GLOBAL ones, in load order. */
  #searchExport(name: string, needed: readonly SideModule[], accept: (v: WebAssembly.ExportValue) => boolean): WebAssembly.ExportValue | undefined {
    for (const m of this.#scope(needed)) {
      const v = m.instance.exports[name];
      if (v !== undefined && !HOOKS.has(name) && accept(v)) return v;
    }
    return undefined;
  }

  #scope(needed: readonly SideModule[]): SideModule[] {
    const out: SideModule[] = [];
    const add = (m: SideModule) => {
      if (out.includes(m)) return;
      out.push(m);
      m.needed.forEach(add);
    };
    needed.forEach(add);
    for (const m of this.modules) if (m.global) add(m);
    return out;
  }

  /** GOT.mem: the main module's data symbol (an absolute address), else a side module's. */
  #dataAddress(name: string, needed: readonly SideModule[]): number | undefined {
    const g = this.host.exports.global(name);
    if (g) return (g.value as number) >>> 0;
    for (const m of this.#scope(needed)) {
      const v = m.instance.exports[name];
      if (v instanceof WebAssembly.Global) return (m.memoryBase + (v.value as number)) >>> 0;
    }
    return undefined;
  }

  /** GOT.func: the table index of the main module's function, else a side module's. */
  #functionIndex(name: string, needed: readonly SideModule[]): number | undefined {
    const f = this.host.exports.function(name) ?? this.#searchExport(name, needed, (v) => typeof v === 'function');
    return typeof f === 'function' ? this.#indexFor(f as WasmFunction) : undefined;
  }

  // ---- symbols ----

  /**
   * dlsym: a function's table index (added to the table on first use) or a data symbol's
   * address. The main handle and RTLD_DEFAULT search the main module then the global
   * scope; a side module's handle searches it and what it needs.
   */
  symbol(handle: number, name: string): number {
    if (handle === RTLD.NEXT) throw new DlError('dlsym: RTLD_NEXT is not supported');
    const lookIn: Array<{ exports: WebAssembly.Exports; base: number }> = [];
    if (handle === RTLD.DEFAULT || handle === MAIN_HANDLE) {
      lookIn.push({ exports: this.host.exports.raw, base: 0 });
      for (const m of this.#scope([])) lookIn.push({ exports: m.instance.exports, base: m.memoryBase });
    } else {
      const side = this.moduleOf(handle);
      if (!side) throw new DlError(`dlsym: invalid handle ${hex(handle)}`);
      for (const m of dependencies(side)) lookIn.push({ exports: m.instance.exports, base: m.memoryBase });
    }
    for (const { exports, base } of lookIn) {
      if (HOOKS.has(name)) break;
      const v = exports[name];
      if (typeof v === 'function') return this.#indexFor(v as WasmFunction);
      if (v instanceof WebAssembly.Global) {
        if (typeof v.value !== 'number') throw new DlError(`dlsym: ${name} is not a 32-bit data symbol`);
        return (base + v.value) >>> 0;
      }
    }
    throw new DlError(`undefined symbol: ${name}`);
  }

  /** The table index of `f`: where it already is, else a new slot. */
  #indexFor(f: WasmFunction): number {
    const table = this.host.exports.table!;
    const known = this.#indexOf.get(f);
    if (known !== undefined && known < table.length && table.get(known) === f) return known;
    for (let i = 1; i < table.length; i++) {
      const entry = table.get(i) as WasmFunction | null;
      if (entry && !this.#indexOf.has(entry)) this.#indexOf.set(entry, i);
      if (entry === f) {
        this.#indexOf.set(f, i);
        return i;
      }
    }
    const slot = this.#allocateSlots(1, 1, 'dlsym');
    table.set(slot, f);
    this.#indexOf.set(f, slot);
    return slot;
  }

  /** `count` consecutive empty slots (aligned): empty slots left by a restore first, else table growth. */
  #allocateSlots(count: number, align: number, who: string): number {
    const table = this.host.exports.table!;
    if (count === 0) return table.length;
    let start = -1;
    for (const slot of this.#freeSlots()) {
      const s = Math.ceil(slot / align) * align;
      let ok = s + count <= table.length;
      for (let i = s; ok && i < s + count; i++) ok = table.get(i) === null && !this.#owned.has(i);
      if (ok) {
        start = s;
        break;
      }
    }
    if (start < 0) {
      const base = Math.ceil(table.length / align) * align;
      try {
        table.grow(base + count - table.length);
      } catch (e) {
        if (e instanceof RangeError) throw new DlError(`${who}: the function table cannot grow (link the main module with -Wl,--growable-table)`);
        throw e;
      }
      start = base;
    }
    for (let i = start; i < start + count; i++) {
      this.#ownedSlots.push(i);
      this.#owned.add(i);
    }
    return start;
  }

  /** Candidate starts: empty slots past the main module's own entries that nobody owns. */
  *#freeSlots(): Generator<number> {
    const table = this.host.exports.table!;
    for (let i = this.#initialTableLength(); i < table.length; i++) {
      if (table.get(i) === null && !this.#owned.has(i)) yield i;
    }
  }

  #initialLength: number | undefined;
  #initialTableLength(): number {
    return (this.#initialLength ??= this.host.exports.table!.length);
  }

  // ---- guest memory ----

  readonly #mallocBlocks = new Map<number, number>();

  /** `size` bytes aligned to `align`: the guest's malloc, else @faasm/memory's heap, else memory.grow. */
  #allocate(size: number, align: number): number {
    const exports = this.host.exports;
    if (exports.function('malloc')) {
      const block = exports.malloc(size + align);
      if (block === 0) throw new DlError(`out of memory (malloc(${size + align}) failed)`);
      const p = Math.ceil(block / align) * align;
      this.#mallocBlocks.set(p, block);
      return p;
    }
    const heap = this.host.services.get(HEAP);
    if (heap) return Math.ceil(heap.allocate(size + align) / align) * align;
    const memory = this.host.memory.memory;
    const pages = Math.ceil((size + align) / 65536);
    let old: number;
    try {
      old = memory.grow(pages);
    } catch {
      throw new DlError(`out of memory (cannot grow by ${pages} pages)`);
    }
    return Math.ceil((old * 65536) / align) * align;
  }
}
