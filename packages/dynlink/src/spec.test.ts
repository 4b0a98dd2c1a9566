import { describe, expect, it } from 'vitest';
import { SPEC_IMPORTS, rowsOf, specConformance } from '@faasm/abi';
import { manifest, table } from './index.js';

describe('@faasm/dynlink against spec/imports.tsv', () => {
  it('provides every import the spec gives it, with its signature, and none of another package', () => {
    expect(SPEC_IMPORTS.filter((s) => s.package === '@faasm/dynlink').map((s) => s.name).sort()).toEqual(['dlclose', 'dlerror', 'dlopen', 'dlsym']);
    expect(specConformance(table)).toEqual([]);
    expect(manifest.imports['env']).toHaveLength([...rowsOf(table)].length);
  });
});
