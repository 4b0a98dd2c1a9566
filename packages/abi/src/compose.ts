import { LinkError } from './errors.js';
import type { FaasletHost } from './host.js';
import type { InterfacePackage } from './package.js';
import { specImport } from './spec.js';
import type { ImportObject } from './table.js';

/** Faasm's interface packages in link order (a package's services before their users). */
export const DEFAULT_PACKAGES: readonly string[] = [
  '@faasm/memory',
  '@faasm/wasi',
  '@faasm/posix',
  '@faasm/functions',
  '@faasm/state',
  '@faasm/pthreads',
  '@faasm/openmp',
  '@faasm/mpi',
  '@faasm/ffi',
  '@faasm/dynlink',
];

/** A package as the composer sees it: its npm name and its module. */
export interface LoadedPackage {
  readonly name: string;
  readonly pkg: InterfacePackage;
}

/** Imports packages by npm name (each must export `manifest` and `link`). */
export async function loadPackages(names: readonly string[] = DEFAULT_PACKAGES): Promise<LoadedPackage[]> {
  const loaded: LoadedPackage[] = [];
  for (const name of names) {
    const mod = (await import(name)) as Partial<InterfacePackage>;
    if (!mod.manifest || typeof mod.link !== 'function') throw new LinkError(`${name} is not an interface package (no manifest/link export)`);
    loaded.push({ name, pkg: mod as InterfacePackage });
  }
  return loaded;
}

/** An import no package provides. */
export interface MissingImport {
  readonly module: string;
  readonly name: string;
  /** The package that would provide it, when the import is part of Faasm's interface. */
  readonly package: string | undefined;
}

export interface CompositionPlan {
  /** Packages to link, in link order. */
  readonly packages: LoadedPackage[];
  /** For each needed package, the `module.name` keys it provides to this module. */
  readonly provides: ReadonlyMap<string, ReadonlySet<string>>;
  readonly missing: MissingImport[];
}

/** Which packages a module needs, and which of its function imports nobody provides. */
export function planComposition(
  imports: readonly WebAssembly.ModuleImportDescriptor[],
  available: readonly LoadedPackage[],
): CompositionPlan {
  const owner = new Map<string, LoadedPackage>();
  for (const entry of available) {
    for (const [module, names] of Object.entries(entry.pkg.manifest.imports)) {
      for (const name of names) if (!owner.has(`${module}.${name}`)) owner.set(`${module}.${name}`, entry);
    }
  }
  const provides = new Map<string, Set<string>>();
  const missing: MissingImport[] = [];
  for (const imp of imports) {
    if (imp.kind !== 'function') continue;
    const key = `${imp.module}.${imp.name}`;
    const entry = owner.get(key);
    if (entry) {
      let keys = provides.get(entry.name);
      if (!keys) provides.set(entry.name, (keys = new Set()));
      keys.add(key);
    } else {
      missing.push({ module: imp.module, name: imp.name, package: specImport(imp.module, imp.name)?.package });
    }
  }
  const packages = available.filter((entry) => provides.has(entry.name));
  return { packages, provides, missing };
}

/** One error listing every missing import and the package that would provide it. */
export function missingImportsError(missing: readonly MissingImport[]): LinkError {
  const lines = missing.map((m) =>
    `  ${m.module}.${m.name}${m.package ? ` (provided by ${m.package}, which is not linked)` : ' (not part of Faasm\'s interface)'}`,
  );
  return new LinkError(`module has ${missing.length} unresolved import${missing.length === 1 ? '' : 's'}:\n${lines.join('\n')}`);
}

/**
 * Links the packages a module needs into a fresh import object. Refuses (one LinkError
 * listing them all) if any function import is left unresolved. When `importObject`
 * already holds the memory the module imports, it is attached to `host` first, so
 * packages can build wasm functions over it while they link (a shared memory's lock
 * fast paths: @faasm/threads installFastPaths).
 */
export function compose(
  module: WebAssembly.Module,
  host: FaasletHost,
  available: readonly LoadedPackage[],
  options: Readonly<Record<string, unknown>> = {},
  importObject: ImportObject = {},
): { importObject: ImportObject; plan: CompositionPlan } {
  const imports = WebAssembly.Module.imports(module);
  const plan = planComposition(imports, available);
  if (plan.missing.length > 0) throw missingImportsError(plan.missing);
  const memoryImport = imports.find((imp) => imp.kind === 'memory');
  const memory = memoryImport && importObject[memoryImport.module]?.[memoryImport.name];
  if (memory instanceof WebAssembly.Memory) host.memory.attach(memory);
  for (const entry of plan.packages) entry.pkg.link(importObject, host, options[entry.name]);
  return { importObject, plan };
}
