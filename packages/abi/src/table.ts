import { GuestTrap, LinkError, MemoryFault, isControlFlow } from './errors.js';

/** A wasm value type as it appears in an import signature. */
export type ValType = 'i32' | 'i64' | 'f32' | 'f64';

/** The JS value of a wasm type: i64 crosses the boundary as a bigint. */
export type JsValue<T extends ValType> = T extends 'i64' ? bigint : number;

/** Handler arguments for a parameter list. */
export type JsArgs<P extends readonly ValType[]> = { -readonly [K in keyof P]: P[K] extends ValType ? JsValue<P[K]> : never };

/** Handler return type for a result type (`null` = no result). */
export type JsResult<R extends ValType | null> = R extends ValType ? JsValue<R> : void;

/** One row of an import table: signature and handler (the name is the row's key). */
export interface HostFunction<H> {
  readonly params: readonly ValType[];
  readonly result: ValType | null;
  // Handlers take typed args; the row erases them for storage.
  readonly handler: (host: H, ...args: never[]) => unknown;
}

/**
 * Declares one host function: its wasm signature and its handler. The handler's
 * argument and return types are derived from the signature, so a wrong arity or an
 * i64 taken as a number fails to compile.
 */
export function fn<H, const P extends readonly ValType[], const R extends ValType | null>(
  params: P,
  result: R,
  handler: (host: H, ...args: JsArgs<P>) => JsResult<R>,
): HostFunction<H> {
  return { params, result, handler: handler as HostFunction<H>['handler'] };
}

/** module name → import name → row. */
export type ImportRows<H> = Readonly<Record<string, Readonly<Record<string, HostFunction<H>>>>>;

/** A package's declarative import table. */
export interface ImportTable<H> {
  /** The npm package that provides these imports, e.g. `@faasm/wasi`. */
  readonly package: string;
  readonly modules: ImportRows<H>;
}

/** The names a package provides, per wasm module. */
export interface Manifest {
  readonly package: string;
  readonly imports: Readonly<Record<string, readonly string[]>>;
}

export function importTable<H>(pkg: string, modules: ImportRows<H>): ImportTable<H> {
  return { package: pkg, modules };
}

export function manifestOf<H>(table: ImportTable<H>): Manifest {
  const imports: Record<string, string[]> = {};
  for (const [module, rows] of Object.entries(table.modules)) imports[module] = Object.keys(rows);
  return { package: table.package, imports };
}

/** Every (module, name, row) of a table, for completeness tests and tooling. */
export function* rowsOf<H>(table: ImportTable<H>): Generator<{ module: string; name: string; row: HostFunction<H> }> {
  for (const [module, rows] of Object.entries(table.modules)) {
    for (const [name, row] of Object.entries(rows)) yield { module, name, row };
  }
}

/** The shape of a WebAssembly import object that packages fill in. */
export type ImportObject = Record<string, Record<string, WebAssembly.ImportValue>>;

/** Turns anything a handler threw into the error that leaves the host call. */
export function trapFrom(name: string, error: unknown): Error {
  if (isControlFlow(error)) return error as Error;
  if (error instanceof MemoryFault) return new GuestTrap(name, error.message, { cause: error });
  const detail = error instanceof Error ? error.message : String(error);
  return new GuestTrap(name, `host error: ${detail}`, { cause: error });
}

type Handler = (host: unknown, ...args: unknown[]) => unknown;

/**
 * Binds a handler to its host. Fixed-arity closures keep the common case free of
 * rest-argument allocation; every exception leaves as a trap naming the import.
 */
function bind(name: string, handler: Handler, host: unknown, arity: number): (...args: unknown[]) => unknown {
  switch (arity) {
    case 0:
      return () => {
        try { return handler(host); } catch (e) { throw trapFrom(name, e); }
      };
    case 1:
      return (a) => {
        try { return handler(host, a); } catch (e) { throw trapFrom(name, e); }
      };
    case 2:
      return (a, b) => {
        try { return handler(host, a, b); } catch (e) { throw trapFrom(name, e); }
      };
    case 3:
      return (a, b, c) => {
        try { return handler(host, a, b, c); } catch (e) { throw trapFrom(name, e); }
      };
    case 4:
      return (a, b, c, d) => {
        try { return handler(host, a, b, c, d); } catch (e) { throw trapFrom(name, e); }
      };
    case 5:
      return (a, b, c, d, e) => {
        try { return handler(host, a, b, c, d, e); } catch (x) { throw trapFrom(name, x); }
      };
    case 6:
      return (a, b, c, d, e, f) => {
        try { return handler(host, a, b, c, d, e, f); } catch (x) { throw trapFrom(name, x); }
      };
    case 7:
      return (a, b, c, d, e, f, g) => {
        try { return handler(host, a, b, c, d, e, f, g); } catch (x) { throw trapFrom(name, x); }
      };
    case 8:
      return (a, b, c, d, e, f, g, h) => {
        try { return handler(host, a, b, c, d, e, f, g, h); } catch (x) { throw trapFrom(name, x); }
      };
    default:
      return (...args) => {
        try { return handler(host, ...args); } catch (e) { throw trapFrom(name, e); }
      };
  }
}

/**
 * Adds every row of `table` to `importObject`, bound to `host`. Throws a LinkError
 * naming both packages if an import is already provided.
 */
export function linkTable<H>(table: ImportTable<H>, importObject: ImportObject, host: H, only?: ReadonlySet<string>): void {
  for (const { module, name, row } of rowsOf(table)) {
    if (only && !only.has(`${module}.${name}`)) continue;
    const ns = (importObject[module] ??= {});
    if (Object.prototype.hasOwnProperty.call(ns, name)) {
      const owner = (ns[name] as { faasmPackage?: string }).faasmPackage ?? 'another provider';
      throw new LinkError(`${module}.${name} is provided by both ${owner} and ${table.package}`);
    }
    const bound = bind(name, row.handler as Handler, host, row.params.length);
    Object.defineProperty(bound, 'faasmPackage', { value: table.package });
    ns[name] = bound as WebAssembly.ImportValue;
  }
}
