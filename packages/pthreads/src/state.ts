import { ServiceKey, type FaasletHost } from '@faasm/abi';
import { threadsOf, type ThreadRuntime } from '@faasm/threads';

/** This thread's pthread identity and thread-specific values. */
export class PThreadLocal {
  /**
   * pthread_self(), kept in a wasm global: the mutex fast path (fast.ts) records it as
   * the owner without calling out.
   */
  readonly selfGlobal: WebAssembly.Global;
  /** The pthread entry this thread runs, or -1. */
  entry = -1;
  /** pthread_key_t → value (keys carry a generation, so deleted keys read as unset). */
  specific = new Map<number, number>();

  constructor(readonly runtime: ThreadRuntime) {
    this.selfGlobal = new WebAssembly.Global({ value: 'i32', mutable: true }, idleSelf(runtime));
  }

  /** pthread_self(): 1 on the main thread, 2 + slot on an idle worker, the pthread_t in a pthread. */
  get self(): number {
    return this.selfGlobal.value as number;
  }

  set self(value: number) {
    this.selfGlobal.value = value;
  }
}

export const PTHREAD = new ServiceKey<PThreadLocal>('@faasm/pthreads thread');

export function idleSelf(runtime: ThreadRuntime): number {
  return runtime.isWorker ? runtime.slot + 2 : 1;
}

export function pthreadOf(host: FaasletHost): PThreadLocal {
  let local = host.services.get(PTHREAD);
  if (!local) {
    local = new PThreadLocal(threadsOf(host));
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
