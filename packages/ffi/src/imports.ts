import type { FaasletHost } from '@faasm/abi';
import { fn, importTable } from '@faasm/abi';
import { ffiCall } from './call.js';
import { ffiPrepClosureLoc } from './closure.js';

/** @faasm/ffi: every import this package provides (spec/imports.tsv, package `ffi`). */
export const table = importTable<FaasletHost>('@faasm/ffi', {
  env: {
    ffi_call: fn(['i32', 'i32', 'i32', 'i32'], null, ffiCall),
    ffi_prep_closure_loc: fn(['i32', 'i32', 'i32', 'i32', 'i32'], 'i32', ffiPrepClosureLoc),
  },
});
