import type { FaasletHost } from '@faasm/abi';
import { ServiceKey } from '@faasm/abi';
import { Signatures } from './signature.js';

/** One prepared closure: where it lives in the table and what it calls. */
export interface ClosureRecord {
  readonly closure: number;
  readonly index: number;
  /** The wasm function placed at `index` (a slot is reused only while it still holds it). */
  readonly fn: unknown;
}

/** Per-Faaslet libffi state: signature caches and the closures placed in the table. */
export class FfiState {
  readonly signatures = new Signatures();
  /** Guest closure address → its table slot (re-preparing a closure reuses its slot). */
  readonly closures = new Map<number, ClosureRecord>();
}

export const FFI_STATE = new ServiceKey<FfiState>('ffi-state');

export function ffiState(host: FaasletHost): FfiState {
  let state = host.services.get(FFI_STATE);
  if (!state) host.services.provide(FFI_STATE, (state = new FfiState()));
  return state;
}
