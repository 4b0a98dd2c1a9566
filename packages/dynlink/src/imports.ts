import type { FaasletHost } from '@faasm/abi';
import { fn, importTable } from '@faasm/abi';
import { dlclose, dlerror, dlopen, dlsym } from './handlers.js';

/** @faasm/dynlink: every import this package provides (spec/imports.tsv, package `dynlink`). */
export const table = importTable<FaasletHost>('@faasm/dynlink', {
  env: {
    dlopen: fn(['i32', 'i32'], 'i32', dlopen),
    dlsym: fn(['i32', 'i32'], 'i32', dlsym),
    dlclose: fn(['i32'], 'i32', dlclose),
    dlerror: fn([], 'i32', dlerror),
  },
});
