import { SPEC_IMPORTS } from './spec.js';
import { rowsOf, type ImportTable } from './table.js';

/**
 * How a package's import table departs from the spec (spec/imports.tsv): spec rows of
 * the package it lacks, rows whose wasm signature differs, and spec rows of other
 * packages it provides. Empty when the table conforms; extra names outside the spec
 * (e.g. what clang emits beyond Faasm) are allowed.
 */
export function specConformance<H>(table: ImportTable<H>): string[] {
  const problems: string[] = [];
  for (const spec of SPEC_IMPORTS) {
    if (spec.package !== table.package) continue;
    const row = table.modules[spec.module]?.[spec.name];
    if (!row) {
      problems.push(`${spec.module}.${spec.name}: missing`);
    } else if (JSON.stringify(row.params) !== JSON.stringify(spec.params) || row.result !== spec.result) {
      problems.push(`${spec.module}.${spec.name}: (${row.params.join(', ')}) -> ${row.result} differs from the spec's (${spec.params.join(', ')}) -> ${spec.result}`);
    }
  }
  for (const { module, name } of rowsOf(table)) {
    const spec = SPEC_IMPORTS.find((s) => s.module === module && s.name === name);
    if (spec && spec.package !== table.package) problems.push(`${module}.${name}: belongs to ${spec.package}`);
  }
  return problems;
}
