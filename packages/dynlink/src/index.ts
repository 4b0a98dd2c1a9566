import type { FaasletHost, ImportObject, ImportTable } from '@faasm/abi';
import { linkTable, manifestOf } from '@faasm/abi';
import { table } from './imports.js';
import { provideLinker } from './state.js';

export { table } from './imports.js';
export { dlopen, dlsym, dlclose, dlerror } from './handlers.js';
export { DynamicLinker, DlError, type SideModule } from './linker.js';
export { parseDylink, dylinkOf, DylinkFormatError, SymbolFlag, DYLINK_SECTION, type DylinkInfo } from './dylink.js';
export { RTLD, MAIN_HANDLE } from './layout.js';
export { DYNAMIC_LINKER, linkerOf } from './state.js';

/** The import names this package provides, per wasm module. */
// manifestOf takes ImportTable<unknown>; handler parameters make the host type invariant.
export const manifest = manifestOf(table as unknown as ImportTable<unknown>);

/**
 * Adds dlopen/dlsym/dlclose/dlerror to `importObject`, bound to `host`. Side modules'
 * imports resolve, at dlopen time, against this same import object: the host imports
 * every package linked for the main module.
 */
export function link(importObject: ImportObject, host: FaasletHost): void {
  linkTable(table, importObject, host);
  provideLinker(host, importObject);
}
