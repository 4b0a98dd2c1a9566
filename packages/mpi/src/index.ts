import { lifecycleOf, linkTable, manifestOf, type FaasletHost, type ImportObject } from '@faasm/abi';
import { table } from './imports.js';
import { MPI_STATE, MPI_WORLD, MpiState, type MpiOptions } from './state.js';
import { worldHandle } from './world.js';

export { table };
export const manifest = manifestOf(table);

/**
 * Adds the MPI imports to `importObject`, gives the host its MPI state and the
 * MPI_WORLD handle, and resets the state before every call and on restore.
 */
export function link(importObject: ImportObject, host: FaasletHost, options: MpiOptions = {}): void {
  linkTable(table, importObject, host);
  const state = new MpiState(host, options);
  host.services.provide(MPI_STATE, state);
  host.services.provide(MPI_WORLD, worldHandle(state));
  lifecycleOf(host).register({ name: '@faasm/mpi', beforeCall: () => state.reset(), restore: () => state.reset() });
}

export {
  MPI_WORLD_SOURCE,
  MPI_WORLD,
  MPI_STATE,
  MpiState,
  type MpiOptions,
  type MpiWorldSource,
  type MpiWorldHandle,
  type MpiWorldResult,
} from './state.js';
export { MpiErr, MpiError, errName, type MpiErrCode } from './errors.js';
export { DEFAULT_WORLD_SIZE, RANK_WORKER_URL } from './world.js';
export { runMpiWorld, type RootResult } from './run.js';
export type { Transport } from './transport.js';
export { ShmWorld, ShmTransport, defaultRingBytes } from './shm.js';
export { Engine } from './engine.js';
export { predefinedCombine, opDefined, type Combine } from './reduce.js';
