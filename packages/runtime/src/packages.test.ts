// Completeness of the import tables across every interface package, against the spec
// (spec/imports.tsv) and each other.
import { readFileSync } from 'node:fs';
import {
  DEFAULT_PACKAGES,
  SPEC_IMPORTS,
  loadPackages,
  planComposition,
  rowsOf,
  specConformance,
  type ImportTable,
  type LoadedPackage,
} from '@faasm/abi';
import { beforeAll, describe, expect, it } from 'vitest';

const KNOWN_GAPS: Readonly<Record<string, string>> = JSON.parse(
  readFileSync(new URL('../test/known-gaps.json', import.meta.url), 'utf8'),
) as Record<string, string>;

let packages: LoadedPackage[];

beforeAll(async () => {
  packages = await loadPackages(DEFAULT_PACKAGES);
});

function tableOf(entry: LoadedPackage): ImportTable<unknown> {
  const table = (entry.pkg as unknown as { table?: ImportTable<unknown> }).table;
  if (!table) throw new Error(`${entry.name} does not export its import table`);
  return table;
}

describe('import tables', () => {
  it('every manifest name has a row with a handler, and the manifest matches the table', () => {
    for (const entry of packages) {
      const table = tableOf(entry);
      expect(table.package).toBe(entry.name);
      const rows = [...rowsOf(table)];
      for (const { module, name, row } of rows) {
        expect(typeof row.handler, `${entry.name} ${module}.${name}`).toBe('function');
        for (const p of row.params) expect(['i32', 'i64', 'f32', 'f64']).toContain(p);
      }
      const manifest = Object.entries(entry.pkg.manifest.imports).flatMap(([m, names]) => names.map((n) => `${m}.${n}`)).sort();
      expect(manifest).toEqual(rows.map((r) => `${r.module}.${r.name}`).sort());
    }
  });

  it('no import name is provided by two packages', () => {
    const owners = new Map<string, string>();
    for (const entry of packages) {
      for (const { module, name } of rowsOf(tableOf(entry))) {
        const key = `${module}.${name}`;
        expect(owners.get(key), `${key} in ${entry.name}`).toBeUndefined();
        owners.set(key, entry.name);
      }
    }
  });

  it("every spec import is provided by its package, with the spec's wasm signature", () => {
    const names = new Set(packages.map((p) => p.name));
    const problems = packages.flatMap((entry) => specConformance(tableOf(entry)).filter((p) => !KNOWN_GAPS[p.split(':')[0]!]));
    for (const spec of SPEC_IMPORTS) {
      if (!names.has(spec.package) && !KNOWN_GAPS[spec.package]) problems.push(`${spec.module}.${spec.name}: package ${spec.package} is not an interface package`);
    }
    expect(problems).toEqual([]);
  });

  it('every known gap still names a real gap (the list shrinks as work lands)', () => {
    const byName = new Map(packages.map((p) => [p.name, p]));
    for (const key of Object.keys(KNOWN_GAPS)) {
      if (key.startsWith('@faasm/')) {
        expect(byName.has(key), `${key} is now an interface package: remove it from known-gaps.json`).toBe(false);
        continue;
      }
      const spec = SPEC_IMPORTS.find((s) => `${s.module}.${s.name}` === key);
      expect(spec, `${key} is not a spec import`).toBeDefined();
      const entry = byName.get(spec!.package);
      const provided = entry ? tableOf(entry).modules[spec!.module]?.[spec!.name] : undefined;
      expect(provided, `${key} is now provided: remove it from known-gaps.json`).toBeUndefined();
    }
  });
});

describe('composition', () => {
  it('links only the packages a module needs', async () => {
    const hello = await WebAssembly.compile(readFileSync(new URL('../../../examples/hello.wasm', import.meta.url)));
    const plan = planComposition(WebAssembly.Module.imports(hello), packages);
    expect(plan.missing).toEqual([]);
    expect(plan.packages.map((p) => p.name)).toEqual(['@faasm/wasi']);
    const echo = await WebAssembly.compile(readFileSync(new URL('../../../examples/echo.wasm', import.meta.url)));
    expect(planComposition(WebAssembly.Module.imports(echo), packages).packages.map((p) => p.name)).toEqual(['@faasm/wasi', '@faasm/functions']);
  });
});
