import { describe, expect, it } from 'vitest';
import { SPEC_IMPORTS, createHost, rowsOf, type ImportObject } from '@faasm/abi';
import { link, manifest, table } from './index.js';

describe('@faasm/openmp import table', () => {
  const spec = SPEC_IMPORTS.filter((row) => row.package === '@faasm/openmp');

  it('covers the 33 spec rows with their signatures', () => {
    expect(spec).toHaveLength(33);
    for (const row of spec) {
      const mine = table.modules[row.module]?.[row.name];
      expect(mine, row.name).toBeDefined();
      expect([row.name, mine!.params, mine!.result]).toEqual([row.name, row.params, row.result]);
    }
  });

  it('adds what clang 19 emits beyond Faasm', () => {
    for (const name of [
      '__kmpc_dispatch_init_4', '__kmpc_dispatch_init_8', '__kmpc_dispatch_next_4', '__kmpc_dispatch_next_8',
      '__kmpc_dispatch_fini_4', '__kmpc_dispatch_fini_8', '__kmpc_dispatch_deinit', '__kmpc_ordered', '__kmpc_end_ordered',
      '__kmpc_copyprivate', '__kmpc_omp_task_alloc', '__kmpc_omp_task', '__kmpc_omp_taskwait',
    ]) expect(manifest.imports['env']).toContain(name);
  });

  it('links every row, bound to the host, and refuses a second provider', () => {
    const importObject: ImportObject = {};
    const host = createHost();
    link(importObject, host);
    for (const { module, name } of rowsOf(table)) expect(importObject[module]?.[name], name).toBeTypeOf('function');
    expect(() => link(importObject, host)).toThrow(/provided by both @faasm\/openmp and @faasm\/openmp/);
  });
});
