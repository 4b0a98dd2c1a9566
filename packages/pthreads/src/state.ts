import { ServiceKey, type FaasletHost } from '@faasm/abi';
import { threadsOf, type ThreadRuntime } from '@faasm/threads';

/** This thread's pthread identity and thread-specific values. */
export interface PThreadLocal {
  readonly runtime: ThreadRuntime;
  /** pthread_self(): 1 on the main thread, 2 + slot on an idle worker, the pthread_t in a pthread. */
  self: number;
  /** The pthread entry this thread runs, or -1. */
  entry: number;
  /** pthread_key_t → value (keys carry a generation, so deleted keys read as unset). */
  specific: Map<number, number>;
}

export const PTHREAD = new ServiceKey<PThreadLocal>('@faasm/pthreads thread');

export function idleSelf(runtime: ThreadRuntime): number {
  return runtime.isWorker ? runtime.slot + 2 : 1;
}

export function pthreadOf(host: FaasletHost): PThreadLocal {
  let local = host.services.get(PTHREAD);
  if (!local) {
    const runtime = threadsOf(host);
    local = { runtime, self: idleSelf(runtime), entry: -1, specific: new Map() };
    host.services.provide(PTHREAD, local);
  }
  return local;
}

/** pthread_exit unwinds the thread's guest stack to the worker (or to pthread_create inline). */
export class PThreadExit extends Error {
  override readonly name = 'PThreadExit';
  readonly controlFlow = true;
  constructor(readonly value: number) {
    super(`pthread_exit(${value})`);
  }
}
