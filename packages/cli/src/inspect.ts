import { parseArgs } from 'node:util';
import { DEFAULT_PACKAGES, loadPackages, planComposition, specImport } from '@faasm/abi';
import { ModuleCache, TABLE_EXPORT } from '@faasm/runtime';
import { UsageError } from './usage.js';

export const INSPECT_USAGE = `faasm inspect <module.wasm> [--json] [--wat]

Lists a module's imports grouped by the package that provides them (unresolved ones
flagged, with the package that would provide them), its exports, memory and table.
  --json   machine-readable
  --wat    print the module as WebAssembly text instead`;

interface ImportLine {
  module: string;
  name: string;
  signature: string | undefined;
}

/** `faasm inspect`: returns the process exit code (1 when imports are unresolved). */
export async function inspect(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, wat: { type: 'boolean' } },
  });
  const [path] = positionals;
  if (!path) throw new UsageError('faasm inspect: no module given', INSPECT_USAGE);
  const loaded = await new ModuleCache().load(path);
  if (values.wat) {
    const { readFileSync } = await import('node:fs');
    const { print } = await import('@bytecodealliance/jco');
    process.stdout.write(`${await print(readFileSync(path))}\n`);
    return 0;
  }
  const imports = WebAssembly.Module.imports(loaded.module);
  const plan = planComposition(imports, await loadPackages(DEFAULT_PACKAGES));
  const groups = new Map<string, ImportLine[]>();
  const line = (module: string, name: string): ImportLine => {
    const spec = specImport(module, name);
    return { module, name, signature: spec ? `(${spec.params.join(', ')}) -> ${spec.result ?? 'nil'}` : undefined };
  };
  for (const [pkg, keys] of plan.provides) {
    groups.set(pkg, [...keys].map((key) => {
      const dot = key.indexOf('.');
      return line(key.slice(0, dot), key.slice(dot + 1));
    }));
  }
  const unresolved = plan.missing.map((m) => ({ ...line(m.module, m.name), wouldBeProvidedBy: m.package }));
  const facts = loaded.facts;
  const memory = facts.importedMemory
    ? { imported: `${facts.importedMemory.module}.${facts.importedMemory.name}`, ...facts.importedMemory.limits }
    : facts.definedMemory
      ? { imported: undefined, ...facts.definedMemory }
      : undefined;
  const exports = WebAssembly.Module.exports(loaded.module).filter((e) => !loaded.addedExports.includes(e.name));
  const report = {
    module: path,
    memory,
    table: {
      count: facts.importedTables + facts.definedTables,
      exported: !loaded.addedExports.includes(TABLE_EXPORT) && facts.importedTables + facts.definedTables > 0,
      addedByRuntime: loaded.addedExports.includes(TABLE_EXPORT),
    },
    exports: exports.map((e) => `${e.name} (${e.kind})`),
    imports: Object.fromEntries(groups),
    unresolved,
  };
  if (values.json) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return unresolved.length > 0 ? 1 : 0;
  }
  const out: string[] = [`module  ${path}`];
  if (memory) {
    out.push(
      `memory  ${memory.imported ? `imported as ${memory.imported}` : 'defined'}${memory.shared ? ', shared' : ''}: ` +
        `${memory.initial} pages initial, ${memory.maximum === undefined ? 'no maximum' : `max ${memory.maximum} pages`}`,
    );
  }
  out.push(`table   ${report.table.count === 0 ? 'none' : report.table.exported ? 'exported' : 'not exported (the runtime adds the export when loading)'}`);
  out.push(`exports ${report.exports.join(', ') || 'none'}`);
  out.push('', `imports (${imports.filter((i) => i.kind === 'function').length})`);
  for (const [pkg, lines] of groups) {
    out.push(`  ${pkg}`);
    for (const l of lines) out.push(`    ${l.module}.${l.name}${l.signature ? ` ${l.signature}` : ''}`);
  }
  if (unresolved.length > 0) {
    out.push('  UNRESOLVED (the module cannot run until these are provided)');
    for (const u of unresolved) {
      out.push(`    ${u.module}.${u.name}${u.wouldBeProvidedBy ? ` — part of ${u.wouldBeProvidedBy}, which is not linked` : " — not part of Faasm's interface"}`);
    }
  }
  process.stdout.write(`${out.join('\n')}\n`);
  return unresolved.length > 0 ? 1 : 0;
}
