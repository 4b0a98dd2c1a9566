import {
  GuestTrap,
  ProcExit,
  CAPTURED_STDIO,
  attachInstance,
  compose,
  createHost,
  lifecycleOf,
  type Bridge,
  type FaasletHost,
  type ImportObject,
  type LoadedPackage,
  type Logger,
  type Message,
} from '@faasm/abi';
import { shutdownThreads } from '@faasm/threads';
import type { LoadedModule } from './modules.js';
import { takeSnapshot, restoreSnapshot, type MemorySnapshot } from './snapshot.js';

/** Per-call request: what changes between calls of one Faaslet. */
export interface CallRequest {
  input?: Uint8Array;
  /** argv[1..] (argv[0] is "function.wasm"). */
  args?: string[];
  /** The guest environment, exactly (defaults to Faasm's). */
  env?: Record<string, string>;
  user?: string;
  function?: string;
  id?: number;
  appId?: number;
  /** A chained-by-pointer call: table[tableIndex](arg?) instead of `_start`. */
  entry?: { tableIndex: number; arg?: number };
}

export interface CallResult {
  returnValue: number;
  /** The function's output (`__faasm_write_output`), or "Call failed (return value=N)". */
  output: Uint8Array;
  stdout: Uint8Array;
  stderr: Uint8Array;
  durationMs: number;
  /** The trap or error that ended the call, if any. */
  error?: string;
}

export interface FaasletOptions {
  packages: readonly LoadedPackage[];
  /** Per-package options, by package name (structured-cloneable). */
  packageOptions?: Readonly<Record<string, unknown>>;
  bridge?: Bridge;
  log?: Logger;
  /** Extra imports (tests, embedders), linked after the packages. */
  extraImports?: ImportObject;
  /** Runs once the first instance exists, before constructors (e.g. provide services). */
  prepare?: (host: FaasletHost) => void;
}

/** Faasm's default guest environment (faasm-abi.md). */
export const FAASM_DEFAULT_ENV: Readonly<Record<string, string>> = {
  MKL_NUM_THREADS: '1',
  OPENBLAS_NUM_THREADS: '1',
  PYTHON_PATH: '/',
  PYTHONHOME: '/',
  PYTHONHASHSEED: '0',
  PYTHONNOUSERSITE: 'on',
  PYTHONWASM: '1',
};

export class FaasletInitError extends Error {
  override readonly name = 'FaasletInitError';
}

const EMPTY = new Uint8Array(0);
/** Largest shared memory the runtime creates: 1 GiB (the SDK's thread kit links with it). */
const SHARED_MAX_PAGES = 16384;
const ENCODER = new TextEncoder();

/**
 * One Faaslet: an instance of a module with its host context, initialised once
 * (constructors, zygote), snapshotted, and reset to that snapshot before every call
 * after the first (Faasm's lifecycle, faasm-abi.md).
 */
export class Faaslet {
  readonly host: FaasletHost;
  #instance: WebAssembly.Instance;
  readonly #importObject: ImportObject;
  readonly #importedMemory: { module: string; name: string } | undefined;
  readonly #snapshot: MemorySnapshot;
  #dirty = false;
  #disposed: Promise<void> | undefined;
  calls = 0;

  constructor(readonly loaded: LoadedModule, options: FaasletOptions) {
    this.host = createHost({
      ...(options.bridge ? { bridge: options.bridge } : {}),
      ...(options.log ? { log: options.log } : {}),
    });
    const mem = loaded.facts.importedMemory;
    this.#importedMemory = mem ? { module: mem.module, name: mem.name } : undefined;
    const imports = cloneImports(options.extraImports);
    // A shared memory is created once, before linking: packages build their wasm fast
    // paths over it (compose attaches it to the host). A plain one is created (again,
    // after growth) by #instantiate.
    if (mem?.limits.shared) (imports[mem.module] ??= {})[mem.name] = this.#createMemory();
    const { importObject } = compose(loaded.module, this.host, options.packages, options.packageOptions ?? {}, imports);
    this.#importObject = importObject;
    this.#instance = this.#instantiate();
    options.prepare?.(this.host);

    const exports = this.#instance.exports;
    const ctors = exports['__wasm_call_ctors'];
    if (typeof ctors === 'function') {
      runInit('constructors', () => (ctors as () => void)());
    } else if (typeof exports['_start'] === 'function') {
      this.host.log.debug(`${loaded.origin}: __wasm_call_ctors is not exported; _start runs constructors itself`);
    }
    const zygote = exports['_faasm_zygote'];
    if (typeof zygote === 'function') {
      const code = runInit('zygote', () => (zygote as () => number)());
      if (code !== 0) throw new FaasletInitError(`zygote failed (returned ${code})`);
    }
    this.#snapshot = takeSnapshot(this.#instance, this.host.memory.memory, lifecycleOf(this.host).snapshot());
  }

  get instance(): WebAssembly.Instance {
    return this.#instance;
  }

  /** A fresh memory for the module's memory import. */
  #createMemory(): WebAssembly.Memory {
    const limits = this.loaded.facts.importedMemory!.limits;
    // V8 reserves a shared memory's maximum up front: cap what Faasm's 4 GiB flags declare.
    const maximum = limits.shared ? Math.max(limits.initial, Math.min(limits.maximum ?? SHARED_MAX_PAGES, SHARED_MAX_PAGES)) : limits.maximum;
    return new WebAssembly.Memory({
      initial: limits.initial,
      ...(maximum !== undefined ? { maximum } : {}),
      ...(limits.shared ? { shared: true } : {}),
    } as WebAssembly.MemoryDescriptor);
  }

  #instantiate(): WebAssembly.Instance {
    let memory: WebAssembly.Memory | undefined;
    const imported = this.#importedMemory;
    if (imported) {
      const ns = (this.#importObject[imported.module] ??= {});
      // A shared memory is the one linked against (never replaced); a plain one is new.
      if (this.loaded.facts.importedMemory!.limits.shared) memory = ns[imported.name] as WebAssembly.Memory;
      else ns[imported.name] = memory = this.#createMemory();
    }
    let instance: WebAssembly.Instance;
    try {
      instance = new WebAssembly.Instance(this.loaded.module, this.#importObject);
    } catch (e) {
      throw new FaasletInitError(`instantiation failed: ${(e as Error).message}`);
    }
    attachInstance(this.host, instance, memory);
    lifecycleOf(this.host).instantiated();
    return instance;
  }

  /**
   * Resets to the snapshot: a fresh instance if memory grew, else an in-place restore.
   * A shared memory is always restored in place (thread workers hold instances over it;
   * it keeps its grown size).
   */
  reset(): void {
    if (!this.#dirty) return;
    const memory = this.host.memory.memory;
    const shared = this.loaded.facts.importedMemory?.limits.shared === true;
    if (!shared && memory.buffer.byteLength !== this.#snapshot.byteLength) this.#instance = this.#instantiate();
    restoreSnapshot(this.#snapshot, this.#instance, this.host.memory.memory);
    lifecycleOf(this.host).restore(this.#snapshot.packages);
    this.#dirty = false;
  }

  /** Runs one call: `_start` with argv, or a table entry for a pointer call. */
  call(request: CallRequest = {}): CallResult {
    if (this.#disposed) throw new Error(`${this.loaded.origin}: the Faaslet was disposed`);
    this.reset();
    const message = this.host.message;
    Object.assign(message, {
      id: request.id ?? message.id,
      appId: request.appId ?? message.appId,
      user: request.user ?? message.user,
      function: request.function ?? message.function,
      args: request.args ?? [],
      env: request.env ?? { ...FAASM_DEFAULT_ENV },
      input: request.input ?? EMPTY,
      output: EMPTY,
    } satisfies Partial<Message>);
    lifecycleOf(this.host).beforeCall();
    this.#dirty = true;
    this.calls++;

    const started = performance.now();
    let returnValue = 0;
    let error: string | undefined;
    try {
      if (request.entry) {
        // A pointer call passes one i32 when the entry takes one: the given argument,
        // else the input parsed as an integer (Faasm's chained-by-pointer convention).
        const { tableIndex, arg } = request.entry;
        const arity = this.host.exports.tableFunction(tableIndex).length;
        const args = arity === 0 ? [] : [arg ?? (Number.parseInt(new TextDecoder().decode(message.input), 10) || 0)];
        const result = this.host.exports.callIndirect(tableIndex, ...args);
        returnValue = typeof result === 'number' ? result | 0 : 0;
      } else {
        const start = this.#instance.exports['_start'];
        if (typeof start !== 'function') throw new GuestTrap('_start', 'the module exports no _start (not a command module)');
        (start as () => void)();
      }
    } catch (e) {
      if (e instanceof ProcExit) {
        returnValue = e.code;
      } else {
        returnValue = 1;
        error = describe(e);
      }
    }
    try {
      lifecycleOf(this.host).afterCall();
    } catch (e) {
      if (returnValue === 0) returnValue = 1;
      error ??= `after the call: ${describe(e)}`;
    }
    const durationMs = performance.now() - started;
    const stdio = this.host.services.get(CAPTURED_STDIO);
    const captured = stdio?.takeCaptured() ?? { stdout: EMPTY, stderr: EMPTY };
    const output = returnValue === 0 ? message.output : ENCODER.encode(`Call failed (return value=${returnValue})`);
    return { returnValue, output, stdout: captured.stdout, stderr: captured.stderr, durationMs, ...(error ? { error } : {}) };
  }

  /** Whether {@link dispose} was called (a disposed Faaslet runs no more calls). */
  get disposed(): boolean {
    return this.#disposed !== undefined;
  }

  /**
   * Discards the Faaslet (once; later calls return the same promise): stops its thread
   * workers, if it started any, then runs every package's lifecycle dispose (kept
   * connections and open fds close). Every step runs even if one fails; failures are
   * logged, never thrown (the Faaslet is gone either way).
   */
  dispose(): Promise<void> {
    this.#disposed ??= (async () => {
      try {
        await shutdownThreads(this.host);
      } catch (e) {
        this.host.log.warn(`${this.loaded.origin}: stopping thread workers failed: ${describe(e)}`);
      }
      for (const failure of lifecycleOf(this.host).dispose()) this.host.log.warn(`${this.loaded.origin}: ${failure.message}`);
    })();
    return this.#disposed;
  }
}

function runInit<T>(stage: string, run: () => T): T {
  try {
    return run();
  } catch (e) {
    if (e instanceof ProcExit) throw new FaasletInitError(`${stage} called exit(${e.code})`);
    throw new FaasletInitError(`${stage} failed: ${describe(e)}`);
  }
}

function describe(error: unknown): string {
  if (error instanceof WebAssembly.RuntimeError) return `wasm trap: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

function cloneImports(imports: ImportObject | undefined): ImportObject {
  const out: ImportObject = {};
  for (const [module, names] of Object.entries(imports ?? {})) out[module] = { ...names };
  return out;
}
