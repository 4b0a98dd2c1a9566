import { describe, expect, it } from 'vitest';
import { SPEC_IMPORTS, rowsOf, specConformance } from '@faasm/abi';
import { manifest, table } from './index.js';

describe('@faasm/ffi against spec/imports.tsv', () => {
  it('provides every import the spec gives it, with its signature, and none of another package', () => {
    expect(SPEC_IMPORTS.filter((s) => s.package === '@faasm/ffi').map((s) => s.name).sort()).toEqual(['ffi_call', 'ffi_prep_closure_loc']);
    expect(specConformance(table)).toEqual([]);
    expect(manifest.imports['env']).toHaveLength([...rowsOf(table)].length);
  });
});
