import { linkTable, manifestOf, type FaasletHost, type ImportObject } from '@faasm/abi';
import { JobKind, threadsOf } from '@faasm/threads';
import { linkFastLocks } from './fast.js';
import { table } from './imports.js';
import { runTeamThread } from './parallel.js';
import { ompOf } from './state.js';

export { table } from './imports.js';
export { ompOf, OMP, defaultThreads, defaultSchedule, type OmpThread, type Frame, type Loop, type RegionMode } from './state.js';
export { SmType, SmOp, type SmRegion } from './snapshot.js';
export { Sched } from './loops.js';

export const manifest = manifestOf(table);

/**
 * Links the OpenMP imports. On a thread worker it also registers the runner of
 * OpenMP jobs (thread n of a team); on the main thread the OpenMP state and its
 * lifecycle hook (ICVs reset before each call) are created. Over a shared memory
 * attached before linking, critical sections and OpenMP locks take the wasm fast path (fast.ts).
 */
export function link(importObject: ImportObject, host: FaasletHost, _options?: unknown): void {
  linkTable(table, importObject, host);
  linkFastLocks(importObject, host);
  const runtime = threadsOf(host);
  ompOf(host);
  if (runtime.isWorker) runtime.registerRunner(JobKind.OPENMP, (slot) => runTeamThread(host, slot));
}
