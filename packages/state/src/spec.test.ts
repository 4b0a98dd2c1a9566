import { describe, expect, it } from 'vitest';
import { rowsOf, SPEC_IMPORTS } from '@faasm/abi';
import { manifest, table } from './index.js';

describe('@faasm/state against spec/imports.tsv', () => {
  const spec = SPEC_IMPORTS.filter((s) => s.package === '@faasm/state');
  const rows = [...rowsOf(table)];

  it('provides every import the spec gives this package, with its signature', () => {
    expect(spec.length).toBeGreaterThan(0);
    for (const s of spec) {
      const row = rows.find((r) => r.module === s.module && r.name === s.name);
      expect(row, `${s.module}.${s.name}`).toBeDefined();
      expect([row!.row.params, row!.row.result], s.name).toEqual([s.params, s.result]);
    }
  });

  it('provides nothing another package owns', () => {
    for (const r of rows) {
      const s = SPEC_IMPORTS.find((x) => x.module === r.module && x.name === r.name);
      if (s) expect(s.package, r.name).toBe('@faasm/state');
    }
    expect(manifest.imports['env']).toHaveLength(rows.length);
  });
});
