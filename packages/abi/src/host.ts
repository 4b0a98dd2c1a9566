import { GuestMemory } from './memory.js';

/** A typed key for a service one package provides and others call (see ServiceRegistry). */
export class ServiceKey<T> {
  declare readonly __type?: T;
  constructor(readonly name: string) {}
}

/**
 * Per-Faaslet services packages use to compose without patching each other: e.g.
 * @faasm/memory provides the heap (it owns the break), @faasm/wasi the fd table.
 */
export class ServiceRegistry {
  readonly #services = new Map<ServiceKey<unknown>, unknown>();

  provide<T>(key: ServiceKey<T>, service: T): void {
    this.#services.set(key as ServiceKey<unknown>, service);
  }

  get<T>(key: ServiceKey<T>): T | undefined {
    return this.#services.get(key as ServiceKey<unknown>) as T | undefined;
  }

  require<T>(key: ServiceKey<T>): T {
    const service = this.#services.get(key as ServiceKey<unknown>);
    if (service === undefined) throw new Error(`service '${key.name}' is not provided: link the package that owns it`);
    return service as T;
  }
}

/** The guest's exports the host calls into; late-bound like the memory. */
export class GuestExports {
  #exports: WebAssembly.Exports = {};

  attach(exports: WebAssembly.Exports): void {
    this.#exports = exports;
  }

  get raw(): WebAssembly.Exports {
    return this.#exports;
  }

  function(name: string): ((...args: number[]) => unknown) | undefined {
    const value = this.#exports[name];
    return typeof value === 'function' ? (value as (...args: number[]) => unknown) : undefined;
  }

  global(name: string): WebAssembly.Global | undefined {
    const value = this.#exports[name];
    return value instanceof WebAssembly.Global ? value : undefined;
  }

  /** The function table (exported by `--export-table` or by the runtime's rewrite). */
  get table(): WebAssembly.Table | undefined {
    const value = this.#exports['__indirect_function_table'];
    return value instanceof WebAssembly.Table ? value : undefined;
  }

  /** The function at table[index]; throws clearly on a bad index or a null entry. */
  tableFunction(index: number): (...args: unknown[]) => unknown {
    const table = this.table;
    if (!table) throw new Error('the module does not export its function table (build with --export-table)');
    const i = index >>> 0;
    if (i >= table.length) throw new Error(`function table index ${i} out of range (table size ${table.length})`);
    const f = table.get(i) as ((...a: unknown[]) => unknown) | null;
    if (typeof f !== 'function') throw new Error(`function table entry ${i} is null`);
    return f;
  }

  /** Calls table[index] with args (wasm checks the signature: a mismatch traps). */
  callIndirect(index: number, ...args: unknown[]): unknown {
    return this.tableFunction(index)(...args);
  }

  /** The guest's malloc: allocations the host makes on the guest's behalf. */
  malloc(size: number): number {
    const malloc = this.function('malloc');
    if (!malloc) throw new Error('the module does not export malloc');
    return (malloc(size >>> 0) as number) >>> 0;
  }

  free(ptr: number): void {
    this.function('free')?.(ptr);
  }
}

/** The current call's message: what Faasm's faabric::Message carries for a guest. */
export interface Message {
  id: number;
  appId: number;
  user: string;
  function: string;
  /** argv[1..]; argv[0] is always "function.wasm". */
  args: string[];
  /** The guest environment, exactly. */
  env: Record<string, string>;
  input: Uint8Array;
  output: Uint8Array;
  /** Python chaining fields (`__faasm_get_py_*`). */
  pythonUser?: string;
  pythonFunction?: string;
  pythonEntry?: string;
}

export function emptyMessage(overrides: Partial<Message> = {}): Message {
  return {
    id: 0,
    appId: 0,
    user: 'demo',
    function: 'function',
    args: [],
    env: {},
    input: new Uint8Array(0),
    output: new Uint8Array(0),
    ...overrides,
  };
}

/**
 * A synchronous call to the control plane (the main thread). In a worker it blocks
 * the worker (SharedArrayBuffer + Atomics: spin, then wait) until the answer arrives.
 */
export interface Bridge {
  call(service: string, request: unknown): unknown;
  /** One-way: posts a request nobody waits an answer for (optional; errors are logged). */
  post?(service: string, request: unknown): void;
  /** A fresh message id from the control plane's id space, without a round trip (optional). */
  nextId?(): number;
}

export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
}

export const consoleLogger: Logger = {
  debug: () => {},
  warn: (message) => process.stderr.write(`[faasm] ${message}\n`),
};

/**
 * The per-Faaslet host context every handler receives. Nothing about a Faaslet lives
 * in module-level state: two Faaslets in one process never see each other.
 */
export interface FaasletHost {
  readonly memory: GuestMemory;
  readonly exports: GuestExports;
  message: Message;
  readonly services: ServiceRegistry;
  readonly log: Logger;
  /** Present when the Faaslet runs under a control plane (a runtime worker). */
  bridge: Bridge | undefined;
}

/** A host context for pick-and-mix use without the runtime (tests, embedding). */
export function createHost(options: { message?: Partial<Message>; bridge?: Bridge; log?: Logger } = {}): FaasletHost {
  return {
    memory: new GuestMemory(),
    exports: new GuestExports(),
    message: emptyMessage(options.message),
    services: new ServiceRegistry(),
    log: options.log ?? consoleLogger,
    bridge: options.bridge,
  };
}

/** Attaches an instance to a host: memory (exported or imported) and exports. */
export function attachInstance(host: FaasletHost, instance: WebAssembly.Instance, importedMemory?: WebAssembly.Memory): void {
  const memory = (instance.exports['memory'] as WebAssembly.Memory | undefined) ?? importedMemory;
  if (!memory) throw new Error('the module neither exports nor imports a memory');
  host.memory.attach(memory);
  host.exports.attach(instance.exports);
}
