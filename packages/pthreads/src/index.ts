import { linkTable, manifestOf, type FaasletHost, type ImportObject } from '@faasm/abi';
import { JobKind, threadsOf } from '@faasm/threads';
import { linkFastMutex } from './fast.js';
import { table } from './imports.js';
import { pthreadOf } from './state.js';
import { runPThreadJob } from './threads.js';

export { table } from './imports.js';
export { pthreadOf, PTHREAD, PThreadExit, type PThreadLocal } from './state.js';
export { Attr, Mutex, MutexType, Cond, Timespec, Once } from './layout.js';

export const manifest = manifestOf(table);

/**
 * Links the pthread imports; on a thread worker also registers the runner of pthread
 * jobs. Over a shared memory attached before linking, mutexes take the wasm fast path
 * (fast.ts).
 */
export function link(importObject: ImportObject, host: FaasletHost, _options?: unknown): void {
  linkTable(table, importObject, host);
  linkFastMutex(importObject, host);
  const runtime = threadsOf(host);
  pthreadOf(host);
  if (runtime.isWorker) runtime.registerRunner(JobKind.PTHREAD, (slot) => runPThreadJob(host, slot));
}
