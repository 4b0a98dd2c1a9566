import { linkTable, manifestOf, type FaasletHost, type ImportObject } from '@faasm/abi';
import { JobKind, threadsOf } from '@faasm/threads';
import { table } from './imports.js';
import { pthreadOf } from './state.js';
import { runPThreadJob } from './threads.js';

export { table } from './imports.js';
export { pthreadOf, PTHREAD, PThreadExit, type PThreadLocal } from './state.js';
export { Attr, Mutex, MutexType, Cond, Timespec, Once } from './layout.js';

export const manifest = manifestOf(table);

/** Links the pthread imports; on a thread worker also registers the runner of pthread jobs. */
export function link(importObject: ImportObject, host: FaasletHost, _options?: unknown): void {
  linkTable(table, importObject, host);
  const runtime = threadsOf(host);
  pthreadOf(host);
  if (runtime.isWorker) runtime.registerRunner(JobKind.PTHREAD, (slot) => runPThreadJob(host, slot));
}
