import { describe, expect, it } from 'vitest';
import { SPEC_IMPORTS, createHost, rowsOf, type ImportObject } from '@faasm/abi';
import { link, manifest, table } from './index.js';

describe('@faasm/pthreads import table', () => {
  const spec = SPEC_IMPORTS.filter((row) => row.package === '@faasm/pthreads');

  it('covers the 27 spec rows with their signatures', () => {
    expect(spec).toHaveLength(27);
    for (const row of spec) {
      const mine = table.modules[row.module]?.[row.name];
      expect(mine, row.name).toBeDefined();
      expect([row.name, mine!.params, mine!.result]).toEqual([row.name, row.params, row.result]);
    }
  });

  it('adds the thread kit\'s futex', () => {
    expect(manifest.imports['env']).toEqual(expect.arrayContaining(['__faasm_futex_wait', '__faasm_futex_wake']));
  });

  it('links every row, bound to the host, and refuses a second provider', () => {
    const importObject: ImportObject = {};
    const host = createHost();
    link(importObject, host);
    for (const { module, name } of rowsOf(table)) expect(importObject[module]?.[name], name).toBeTypeOf('function');
    expect(() => link(importObject, host)).toThrow(/provided by both @faasm\/pthreads and @faasm\/pthreads/);
  });
});
