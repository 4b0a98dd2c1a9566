import type { FaasletHost } from '@faasm/abi';
import { ServiceKey } from '@faasm/abi';
import { bridgeOf, callerOf } from './chaining.js';
import { CHAIN_SERVICES, type MigrateRequest } from './protocol.js';

/**
 * Thrown from inside a host call when the function has migrated (Faasm's
 * FunctionMigratedException): it crosses the import untouched (`controlFlow`) and the
 * runtime ends the call without a result of its own; the migrated run answers it.
 */
export class FunctionMigrated extends Error {
  override readonly name = 'FunctionMigrated';
  readonly controlFlow = true;
  constructor(readonly messageId: number) {
    super(`function migrated (message ${messageId})`);
  }
}

/** Per-Faaslet migration switch: the runtime sets `pending` when the scheduler asks for a migration. */
export interface MigrationControl {
  pending: boolean;
}

export const MIGRATION = new ServiceKey<MigrationControl>('faasm.migration');

/**
 * `void __faasm_migrate_point(void (*entry)(int), int arg)`: a no-op unless a migration
 * is pending; then hands `entry(arg)` and the current memory to the control plane,
 * which re-runs it under the same message id, and unwinds this call.
 */
export function migratePoint(host: FaasletHost, entryFuncPtr: number, entryArg: number): void {
  const control = host.services.get(MIGRATION);
  if (!control?.pending) return;
  control.pending = false;
  const request: MigrateRequest = {
    caller: callerOf(host),
    funcPtr: entryFuncPtr >>> 0,
    arg: entryArg | 0,
    memory: host.memory.copy(0, host.memory.size),
  };
  bridgeOf(host, '__faasm_migrate_point').call(CHAIN_SERVICES.migrate, request);
  throw new FunctionMigrated(host.message.id);
}

/**
 * `void __faasm_host_interface_test(int testNum)`: test 1 throws FunctionMigrated from
 * inside the host call (it must leave the call cleanly); any other number fails.
 */
export function hostInterfaceTest(host: FaasletHost, testNum: number): void {
  if (testNum === 1) throw new FunctionMigrated(host.message.id);
  throw new Error(`Unrecognised host interface test ${testNum}`);
}

const WASM_FRAME = /at (?:(\S+) \()?wasm:\/\/wasm\/[^:]*:wasm-function\[(\d+)\]:(0x[0-9a-f]+)/;

/**
 * `void __faasm_backtrace(int depth)`: prints the guest's call stack (innermost first,
 * at most `depth` frames, all if depth ≤ 0) to the host log. Names come from the
 * module's name section (V8 puts them in the stack) or, failing that, its exports.
 */
export function backtrace(host: FaasletHost, depth: number): void {
  const exportNames = new Map<string, string>();
  for (const [name, value] of Object.entries(host.exports.raw)) {
    if (typeof value === 'function') exportNames.set((value as { name: string }).name, name);
  }
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  const stack = new Error().stack ?? '';
  Error.stackTraceLimit = limit;
  const frames: string[] = [];
  for (const line of stack.split('\n')) {
    const match = WASM_FRAME.exec(line);
    if (!match) continue;
    const [, named, index, offset] = match;
    // V8 names a frame `<module name>.<function name>` when the name section has both.
    const bare = named?.replace(/^[^ ]*?\.wasm\./, '');
    const name = bare && !/^\$?func\d+$/.test(bare) ? bare : exportNames.get(index!) ?? `wasm-function[${index}]`;
    frames.push(`#${frames.length} ${name} (function ${index}, offset ${offset})`);
  }
  const shown = depth > 0 ? frames.slice(0, depth) : frames;
  host.log.warn(`backtrace (${shown.length} of ${frames.length} guest frames):\n${shown.join('\n')}`);
}
