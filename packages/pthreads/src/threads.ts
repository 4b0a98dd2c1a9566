import { Errno, GuestTrap, ProcExit, type FaasletHost } from '@faasm/abi';
import {
  FailureKind, JobKind, MAX_PTHREADS, PThread, PTHREAD_WORDS, PThreadState, Slot, SLOT_WORDS,
  failureError, waitWhileEqual, type FailureRecord,
} from '@faasm/threads';
import { Attr, Once, PTHREAD_DESTRUCTOR_ITERATIONS, PTHREAD_STACK_MIN } from './layout.js';
import { destructorOf } from './keys.js';
import { PThreadExit, idleSelf, pthreadOf, type PThreadLocal } from './state.js';

/** The entry of a pthread_t, or -1 if it names no live thread. */
function entryOf(local: PThreadLocal, thread: number): number {
  const id = thread >>> 0;
  const index = id & 63;
  const p = local.runtime.shared.pthreads;
  if (index === 0 || index >= MAX_PTHREADS) return -1;
  const at = index * PTHREAD_WORDS;
  if (Atomics.load(p, at + PThread.ID) !== id) return -1;
  const state = Atomics.load(p, at + PThread.STATE);
  return state === PThreadState.RUNNING || state === PThreadState.FINISHED ? index : -1;
}

/** Runs destructors of this thread's non-null keys (POSIX: up to 4 rounds). */
function runDestructors(host: FaasletHost, local: PThreadLocal): void {
  for (let round = 0; round < PTHREAD_DESTRUCTOR_ITERATIONS; round++) {
    let ran = false;
    for (const [key, value] of [...local.specific]) {
      if (value === 0) continue;
      const destructor = destructorOf(local, key);
      local.specific.set(key, 0);
      if (destructor) {
        ran = true;
        host.exports.callIndirect(destructor, value);
      }
    }
    if (!ran) return;
  }
}

/** Runs a pthread's entry as this thread; returns its result (pthread_exit's value included). */
function runEntry(host: FaasletHost, local: PThreadLocal, index: number, entry: number, arg: number): number {
  const saved = { self: local.self, entry: local.entry, specific: local.specific };
  local.self = local.runtime.shared.pthreads[index * PTHREAD_WORDS + PThread.ID]!;
  local.entry = index;
  local.specific = new Map();
  try {
    let result: number;
    try {
      result = Number(host.exports.callIndirect(entry, arg)) >>> 0;
    } catch (e) {
      if (!(e instanceof PThreadExit)) throw e;
      result = e.value >>> 0;
    }
    runDestructors(host, local);
    return result;
  } finally {
    local.self = saved.self;
    local.entry = saved.entry;
    local.specific = saved.specific;
  }
}

/** Runs a PTHREAD job on a worker (registered by link). */
export function runPThreadJob(host: FaasletHost, slot: number): void {
  const local = pthreadOf(host);
  const slots = local.runtime.shared.slots;
  const at = slot * SLOT_WORDS;
  const index = slots[at + Slot.TARGET]!;
  const result = runEntry(host, local, index, slots[at + Slot.FN]!, slots[at + Slot.ARG]!);
  local.runtime.shared.pthreads[index * PTHREAD_WORDS + PThread.RESULT] = result;
  local.self = idleSelf(local.runtime);
}

/**
 * int pthread_create(pthread_t *thread, const pthread_attr_t *attr, void *(*start)(void *),
 * void *arg): 0, or EAGAIN when no thread can be started. *thread is written before the
 * thread runs. The thread runs concurrently on a worker over the shared memory; a
 * module without shared memory runs it to completion here, before returning (Faasm
 * ran queued threads at the first join: neither can run threads that wait for each other).
 */
export function pthreadCreate(host: FaasletHost, threadPtr: number, attrPtr: number, start: number, arg: number): number {
  const local = pthreadOf(host);
  const rt = local.runtime;
  host.memory.check(threadPtr, 4);
  let stackSize: number | undefined;
  let detached = false;
  if (attrPtr !== 0) {
    host.memory.check(attrPtr, Attr.SIZE);
    stackSize = host.memory.u32(attrPtr + Attr.STACK_SIZE) || undefined;
    detached = host.memory.i32(attrPtr + Attr.DETACH) === 1;
  }
  const claimed = rt.claimPThread();
  if (!claimed) return Errno.AGAIN;
  const p = rt.shared.pthreads;
  const at = claimed.index * PTHREAD_WORDS;
  p[at + PThread.DETACHED] = detached ? 1 : 0;
  host.memory.setU32(threadPtr, claimed.id);
  Atomics.store(p, at + PThread.STATE, PThreadState.RUNNING);
  if (!rt.sharedMemory) {
    try {
      p[at + PThread.RESULT] = runEntry(host, local, claimed.index, start, arg);
    } finally {
      Atomics.store(p, at + PThread.STATE, detached ? PThreadState.FREE : PThreadState.FINISHED);
    }
    return 0;
  }
  try {
    p[at + PThread.SLOT] = rt.dispatch('pthread_create', JobKind.PTHREAD, (slots, s) => {
      slots[s + Slot.TARGET] = claimed.index;
      slots[s + Slot.FN] = start;
      slots[s + Slot.ARG] = arg;
    }, stackSize);
  } catch (e) {
    Atomics.store(p, at + PThread.STATE, PThreadState.FREE);
    if (e instanceof GuestTrap && /too many threads/.test(e.message)) return Errno.AGAIN;
    throw e;
  }
  return 0;
}

function failureOf(local: PThreadLocal, index: number): FailureRecord | undefined {
  const p = local.runtime.shared.pthreads;
  const at = index * PTHREAD_WORDS;
  const kind = p[at + PThread.ERROR_KIND]!;
  if (kind === FailureKind.NONE) return undefined;
  return { kind: kind as FailureRecord['kind'], code: p[at + PThread.EXIT_CODE]!, message: local.runtime.shared.readMessage({ pthread: index }) };
}

/**
 * int pthread_join(pthread_t thread, void **result): waits for the thread; *result =
 * its return value (or pthread_exit's). ESRCH unknown thread, EINVAL detached,
 * EDEADLK self. A thread that trapped makes the join raise its error.
 */
export function pthreadJoin(host: FaasletHost, thread: number, resultPtr: number): number {
  const local = pthreadOf(host);
  if (resultPtr !== 0) host.memory.check(resultPtr, 4);
  if ((thread >>> 0) === local.self) return Errno.DEADLK;
  const index = entryOf(local, thread);
  if (index < 0) return Errno.SRCH;
  const p = local.runtime.shared.pthreads;
  const at = index * PTHREAD_WORDS;
  if (Atomics.load(p, at + PThread.DETACHED) === 1) return Errno.INVAL;
  const stalled = local.runtime.stalledWorker(p[at + PThread.SLOT]!);
  while (Atomics.load(p, at + PThread.STATE) === PThreadState.RUNNING) waitWhileEqual(p, at + PThread.STATE, PThreadState.RUNNING, stalled);
  const failure = failureOf(local, index);
  const result = p[at + PThread.RESULT]!;
  Atomics.store(p, at + PThread.STATE, PThreadState.FREE);
  if (failure) throw failureError('pthread_join', failure);
  if (resultPtr !== 0) host.memory.setU32(resultPtr, result);
  return 0;
}

/** int pthread_detach(pthread_t thread): 0; ESRCH unknown, EINVAL already detached. */
export function pthreadDetach(host: FaasletHost, thread: number): number {
  const local = pthreadOf(host);
  const index = entryOf(local, thread);
  if (index < 0) return Errno.SRCH;
  const p = local.runtime.shared.pthreads;
  const at = index * PTHREAD_WORDS;
  if (Atomics.exchange(p, at + PThread.DETACHED, 1) === 1) return Errno.INVAL;
  // Already finished: free its entry now (the worker may race us for the same CAS).
  if (Atomics.compareExchange(p, at + PThread.STATE, PThreadState.FINISHED, PThreadState.FREE) === PThreadState.FINISHED) {
    const failure = failureOf(local, index);
    if (failure) local.runtime.recordOrphan(failureError('pthread (detached)', failure));
  }
  return 0;
}

/**
 * void pthread_exit(void *result): ends the calling pthread with `result`. On the main
 * thread: waits for the other threads, then the process exits with 0 (POSIX).
 */
export function pthreadExit(host: FaasletHost, result: number): void {
  const local = pthreadOf(host);
  if (local.entry >= 0) throw new PThreadExit(result);
  if (local.runtime.isWorker) throw new GuestTrap('pthread_exit', 'called from an OpenMP thread, which is not a pthread');
  const p = local.runtime.shared.pthreads;
  for (let i = 1; i < MAX_PTHREADS; i++) {
    const at = i * PTHREAD_WORDS + PThread.STATE;
    while (Atomics.load(p, at) === PThreadState.RUNNING) waitWhileEqual(p, at, PThreadState.RUNNING);
  }
  throw new ProcExit(0);
}

/** pthread_t pthread_self(void). */
export function pthreadSelf(host: FaasletHost): number {
  return pthreadOf(host).self;
}

/** int pthread_equal(pthread_t a, pthread_t b): non-zero if equal. */
export function pthreadEqual(_host: FaasletHost, a: number, b: number): number {
  return (a >>> 0) === (b >>> 0) ? 1 : 0;
}

/**
 * int pthread_once(pthread_once_t *once, void (*init)(void)): runs init exactly once;
 * concurrent callers wait until it has returned. If init traps, the once is reset.
 */
export function pthreadOnce(host: FaasletHost, oncePtr: number, init: number): number {
  const rt = pthreadOf(host).runtime;
  const index = rt.wordIndex(oncePtr);
  for (;;) {
    const words = rt.words();
    const state = Atomics.compareExchange(words, index, Once.NOT_RUN, Once.RUNNING);
    if (state === Once.DONE) return 0;
    if (state === Once.NOT_RUN) {
      try {
        host.exports.callIndirect(init);
      } catch (e) {
        Atomics.store(rt.words(), index, Once.NOT_RUN);
        if (rt.sharedMemory) Atomics.notify(rt.words(), index);
        throw e;
      }
      Atomics.store(rt.words(), index, Once.DONE);
      if (rt.sharedMemory) Atomics.notify(rt.words(), index);
      return 0;
    }
    if (state !== Once.RUNNING) return Errno.INVAL;
    if (!rt.sharedMemory) throw new GuestTrap('pthread_once', 'init called pthread_once on its own once control (deadlock)');
    waitWhileEqual(words, index, Once.RUNNING);
  }
}

/** int pthread_attr_init(pthread_attr_t *attr): default stack size, joinable. */
export function pthreadAttrInit(host: FaasletHost, attr: number): number {
  host.memory.fill(attr, Attr.SIZE, 0);
  return 0;
}

/** int pthread_attr_destroy(pthread_attr_t *attr). */
export function pthreadAttrDestroy(host: FaasletHost, attr: number): number {
  host.memory.check(attr, Attr.SIZE);
  return 0;
}

/** int pthread_attr_setstacksize(pthread_attr_t *attr, size_t size): EINVAL below PTHREAD_STACK_MIN. */
export function pthreadAttrSetstacksize(host: FaasletHost, attr: number, size: number): number {
  host.memory.check(attr, Attr.SIZE);
  if ((size >>> 0) < PTHREAD_STACK_MIN || (size >>> 0) > 0x10000000) return Errno.INVAL;
  host.memory.setU32(attr + Attr.STACK_SIZE, size);
  return 0;
}

