import type { FaasletHost, ImportObject, ImportTable } from '@faasm/abi';
import { linkTable, manifestOf } from '@faasm/abi';
import { table } from './imports.js';

export { table } from './imports.js';
export { CONF_FLAGS } from './io.js';
export {
  CHAIN_SERVICES,
  PYTHON_FUNCTION,
  type AwaitRequest,
  type AwaitResponse,
  type CallerInfo,
  type CallResult,
  type ChainedCall,
  type ChainRequest,
  type ChainResponse,
  type MigrateRequest,
} from './protocol.js';
export { ChainScheduler, failedOutput, type ChainSchedulerOptions, type Invoker, type ServiceHandler } from './scheduler.js';
export { FunctionMigrated, MIGRATION, type MigrationControl } from './control.js';
export { EMULATOR, type EmulatorState } from './emulator.js';
export { syncBridge } from './bridge.js';

/** The import names this package provides, per wasm module. */
// manifestOf takes ImportTable<unknown>; handler parameters make the host type invariant.
export const manifest = manifestOf(table as unknown as ImportTable<unknown>);

/** Adds Faasm's function API to `importObject`, bound to `host`. */
export function link(importObject: ImportObject, host: FaasletHost): void {
  linkTable(table, importObject, host);
}
