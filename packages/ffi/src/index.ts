import type { FaasletHost, ImportObject, ImportTable } from '@faasm/abi';
import { linkTable, manifestOf } from '@faasm/abi';
import { table } from './imports.js';

export { table } from './imports.js';
export { ffiCall } from './call.js';
export { ffiPrepClosureLoc } from './closure.js';
export { CIF, CLOSURE, TYPE, FfiAbi, FfiStatus, FfiTypeCode, FFI_ARG_SIZE } from './layout.js';
export { readCif, readType, lower, BadAbi, BadTypedef, type CallInterface, type FfiType, type Lowering } from './types.js';
export { signatureModuleBytes } from './signature.js';
export { FFI_STATE, FfiState } from './state.js';

/** The import names this package provides, per wasm module. */
// manifestOf takes ImportTable<unknown>; handler parameters make the host type invariant.
export const manifest = manifestOf(table as unknown as ImportTable<unknown>);

/** Adds libffi's imports to `importObject`, bound to `host`. */
export function link(importObject: ImportObject, host: FaasletHost): void {
  linkTable(table, importObject, host);
}
