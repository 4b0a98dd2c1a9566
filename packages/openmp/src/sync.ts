import type { FaasletHost } from '@faasm/abi';
import { Global, Team, TEAM_WORDS, lockWord, tryLockWord, unlockWord } from '@faasm/threads';
import { snapshotReduce, warnSnapshot } from './snapshot.js';
import { ompOf, type OmpThread } from './state.js';

/** Guest lock words are used only when threads really share the memory. */
function sharing(st: OmpThread): boolean {
  return st.runtime.sharedMemory;
}

/** void __kmpc_barrier(ident_t *loc, kmp_int32 gtid). */
export function kmpcBarrier(host: FaasletHost, _loc: number, _gtid: number): void {
  const st = ompOf(host);
  const frame = st.frame;
  // In snapshot mode a barrier is a no-op: it only matters for data exchanged through
  // it (not warned: every worksharing construct ends with one).
  if (frame.mode === 'team') st.runtime.barrier(frame.team, frame.size);
}

/**
 * void __kmpc_critical(ident_t *loc, kmp_int32 gtid, kmp_critical_name *crit): the
 * first word of the (zero-initialised, per-name) kmp_critical_name is the lock.
 */
export function kmpcCritical(host: FaasletHost, _loc: number, _gtid: number, crit: number): void {
  const st = ompOf(host);
  const rt = st.runtime;
  const index = rt.wordIndex(crit);
  if (sharing(st)) lockWord(rt.words(), index);
  else if (st.frame.mode === 'snapshot') warnSnapshot(host, 'critical');
}

/** void __kmpc_critical_with_hint(loc, gtid, crit, uintptr_t hint): the hint is ignored. */
export function kmpcCriticalWithHint(host: FaasletHost, loc: number, gtid: number, crit: number, _hint: number): void {
  kmpcCritical(host, loc, gtid, crit);
}

/** void __kmpc_end_critical(ident_t *loc, kmp_int32 gtid, kmp_critical_name *crit). */
export function kmpcEndCritical(host: FaasletHost, _loc: number, _gtid: number, crit: number): void {
  const st = ompOf(host);
  const rt = st.runtime;
  const index = rt.wordIndex(crit);
  if (sharing(st)) unlockWord(rt.words(), index);
}

/** kmp_int32 __kmpc_master(ident_t *loc, kmp_int32 gtid): 1 on thread 0. */
export function kmpcMaster(host: FaasletHost, _loc: number, _gtid: number): number {
  return ompOf(host).frame.threadNum === 0 ? 1 : 0;
}

/** void __kmpc_end_master(ident_t *loc, kmp_int32 gtid). */
export function kmpcEndMaster(_host: FaasletHost, _loc: number, _gtid: number): void {}

/** kmp_int32 __kmpc_masked(ident_t *loc, kmp_int32 gtid, kmp_int32 filter): 1 on thread `filter`. */
export function kmpcMasked(host: FaasletHost, _loc: number, _gtid: number, filter: number): number {
  return ompOf(host).frame.threadNum === filter ? 1 : 0;
}

/** void __kmpc_end_masked(ident_t *loc, kmp_int32 gtid). */
export function kmpcEndMasked(_host: FaasletHost, _loc: number, _gtid: number): void {}

/**
 * kmp_int32 __kmpc_single(ident_t *loc, kmp_int32 gtid): 1 for the first thread to reach
 * this single construct. Each thread counts the singles it meets; the team word holds
 * the highest one claimed (libomp's t_construct counter).
 */
export function kmpcSingle(host: FaasletHost, _loc: number, _gtid: number): number {
  const st = ompOf(host);
  const frame = st.frame;
  const mine = ++frame.singles;
  if (frame.mode === 'serial') return 1;
  if (frame.mode === 'snapshot') {
    const region = frame.snapshot!;
    if (region.singles >= mine) return 0;
    region.singles = mine;
    return 1;
  }
  const t = st.runtime.shared.teams;
  return Atomics.compareExchange(t, frame.team * TEAM_WORDS + Team.SINGLE, mine - 1, mine) === mine - 1 ? 1 : 0;
}

/** void __kmpc_end_single(ident_t *loc, kmp_int32 gtid). */
export function kmpcEndSingle(_host: FaasletHost, _loc: number, _gtid: number): void {}

/**
 * void __kmpc_copyprivate(loc, gtid, size_t size, void *data, void (*cpy)(void *dst,
 * void *src), kmp_int32 didit): the single thread publishes its data; the others copy
 * it with cpy between two barriers (libomp kmp_csupport.cpp).
 */
export function kmpcCopyprivate(host: FaasletHost, _loc: number, _gtid: number, _size: number, data: number, cpy: number, didit: number): void {
  const st = ompOf(host);
  const frame = st.frame;
  if (frame.mode === 'snapshot') warnSnapshot(host, 'copyprivate');
  if (frame.mode !== 'team') return;
  const rt = st.runtime;
  const index = frame.team * TEAM_WORDS + Team.COPYPRIVATE;
  if (didit) Atomics.store(rt.shared.teams, index, data);
  rt.barrier(frame.team, frame.size);
  if (!didit) host.exports.callIndirect(cpy, data, Atomics.load(rt.shared.teams, index));
  rt.barrier(frame.team, frame.size);
}

/**
 * kmp_int32 __kmpc_reduce(_nowait)(loc, gtid, kmp_int32 nvars, size_t size, void *data,
 * void (*func)(void *lhs, void *rhs), kmp_critical_name *lck): returns 1 holding the
 * lock; the guest combines its private copy into the shared variables itself
 * (libomp's critical method). In snapshot mode see snapshotReduce.
 */
export function kmpcReduce(host: FaasletHost, _loc: number, _gtid: number, nvars: number, _size: number, data: number, func: number, lck: number): number {
  const st = ompOf(host);
  const frame = st.frame;
  if (frame.mode === 'snapshot') return snapshotReduce(host, frame, data, nvars, func);
  const rt = st.runtime;
  const index = rt.wordIndex(lck);
  if (frame.mode === 'team') lockWord(rt.words(), index);
  return 1;
}

/** void __kmpc_end_reduce_nowait(ident_t *loc, kmp_int32 gtid, kmp_critical_name *lck). */
export function kmpcEndReduceNowait(host: FaasletHost, _loc: number, _gtid: number, lck: number): void {
  const st = ompOf(host);
  const rt = st.runtime;
  const index = rt.wordIndex(lck);
  if (st.frame.mode === 'team') unlockWord(rt.words(), index);
}

/** void __kmpc_end_reduce(ident_t *loc, kmp_int32 gtid, kmp_critical_name *lck): unlock, then barrier. */
export function kmpcEndReduce(host: FaasletHost, loc: number, gtid: number, lck: number): void {
  kmpcEndReduceNowait(host, loc, gtid, lck);
  kmpcBarrier(host, loc, gtid);
}

/** void __kmpc_flush(ident_t *loc): a full fence (any Atomics operation is sequentially consistent). */
export function kmpcFlush(host: FaasletHost, _loc: number): void {
  Atomics.add(ompOf(host).runtime.shared.global, Global.FENCE, 0);
}

/** The id a nest lock records as its owner: unique per OS thread. */
function ownerId(st: OmpThread): number {
  return st.runtime.slot + 2;
}

/** void omp_init_lock(omp_lock_t *lock). */
export function ompInitLock(host: FaasletHost, lock: number): void {
  ompOf(host).runtime.wordIndex(lock);
  host.memory.setI32(lock, 0);
}

/** void omp_destroy_lock(omp_lock_t *lock). */
export function ompDestroyLock(host: FaasletHost, lock: number): void {
  ompOf(host).runtime.wordIndex(lock);
}

/** void omp_set_lock(omp_lock_t *lock): blocks until acquired. */
export function ompSetLock(host: FaasletHost, lock: number): void {
  const rt = ompOf(host).runtime;
  const index = rt.wordIndex(lock);
  if (rt.sharedMemory) lockWord(rt.words(), index);
  else {
    if (ompOf(host).frame.mode === 'snapshot') warnSnapshot(host, 'omp_set_lock');
    host.memory.setI32(lock, 1);
  }
}

/** void omp_unset_lock(omp_lock_t *lock). */
export function ompUnsetLock(host: FaasletHost, lock: number): void {
  const rt = ompOf(host).runtime;
  const index = rt.wordIndex(lock);
  if (rt.sharedMemory) unlockWord(rt.words(), index);
  else host.memory.setI32(lock, 0);
}

/** int omp_test_lock(omp_lock_t *lock): 1 if acquired. */
export function ompTestLock(host: FaasletHost, lock: number): number {
  const rt = ompOf(host).runtime;
  const index = rt.wordIndex(lock);
  if (rt.sharedMemory) return tryLockWord(rt.words(), index) ? 1 : 0;
  if (host.memory.i32(lock) !== 0) return 0;
  host.memory.setI32(lock, 1);
  return 1;
}

/** void omp_init_nest_lock(omp_nest_lock_t *lock): words lock, owner, depth. */
export function ompInitNestLock(host: FaasletHost, lock: number): void {
  ompOf(host).runtime.wordIndex(lock);
  host.memory.fill(lock, 12, 0);
}

/** void omp_destroy_nest_lock(omp_nest_lock_t *lock). */
export function ompDestroyNestLock(host: FaasletHost, lock: number): void {
  ompOf(host).runtime.wordIndex(lock);
  host.memory.check(lock, 12);
}

/** int omp_test_nest_lock(omp_nest_lock_t *lock): the new nesting depth, or 0. */
export function ompTestNestLock(host: FaasletHost, lock: number): number {
  const st = ompOf(host);
  host.memory.check(lock, 12);
  if (host.memory.i32(lock + 4) === ownerId(st)) {
    const depth = host.memory.i32(lock + 8) + 1;
    host.memory.setI32(lock + 8, depth);
    return depth;
  }
  if (ompTestLock(host, lock) === 0) return 0;
  host.memory.setI32(lock + 4, ownerId(st));
  host.memory.setI32(lock + 8, 1);
  return 1;
}

/** void omp_set_nest_lock(omp_nest_lock_t *lock). */
export function ompSetNestLock(host: FaasletHost, lock: number): void {
  const st = ompOf(host);
  host.memory.check(lock, 12);
  if (host.memory.i32(lock + 4) === ownerId(st)) {
    host.memory.setI32(lock + 8, host.memory.i32(lock + 8) + 1);
    return;
  }
  ompSetLock(host, lock);
  host.memory.setI32(lock + 4, ownerId(st));
  host.memory.setI32(lock + 8, 1);
}

/** void omp_unset_nest_lock(omp_nest_lock_t *lock). */
export function ompUnsetNestLock(host: FaasletHost, lock: number): void {
  const st = ompOf(host);
  host.memory.check(lock, 12);
  if (host.memory.i32(lock + 4) !== ownerId(st)) return;
  const depth = host.memory.i32(lock + 8) - 1;
  host.memory.setI32(lock + 8, depth);
  if (depth > 0) return;
  host.memory.setI32(lock + 4, 0);
  ompUnsetLock(host, lock);
}

/** void __faasm_sm_critical_local(void): a lock per Faaslet (all its threads). */
export function faasmSmCriticalLocal(host: FaasletHost): void {
  const st = ompOf(host);
  if (st.frame.mode === 'team') lockWord(st.runtime.shared.global, Global.SM_CRITICAL);
}

/** void __faasm_sm_critical_local_end(void). */
export function faasmSmCriticalLocalEnd(host: FaasletHost): void {
  const st = ompOf(host);
  if (st.frame.mode === 'team') unlockWord(st.runtime.shared.global, Global.SM_CRITICAL);
}

/** Generic atomic library calls (sizes without a native atomic): one Faaslet-wide lock. */
function withAtomicLock<T>(host: FaasletHost, body: () => T): T {
  const st = ompOf(host);
  if (st.frame.mode === 'snapshot') warnSnapshot(host, 'atomic');
  const global = st.runtime.shared.global;
  lockWord(global, Global.ATOMIC_LOCK);
  try {
    return body();
  } finally {
    unlockWord(global, Global.ATOMIC_LOCK);
  }
}

/** void __atomic_load(size_t size, void *src, void *dst, int order). */
export function atomicLoad(host: FaasletHost, size: number, src: number, dst: number, _order: number): void {
  withAtomicLock(host, () => host.memory.move(dst, src, size));
}

/** void __atomic_store(size_t size, void *dst, void *src, int order). */
export function atomicStore(host: FaasletHost, size: number, dst: number, src: number, _order: number): void {
  withAtomicLock(host, () => host.memory.move(dst, src, size));
}

/** void __atomic_exchange(size_t size, void *ptr, void *val, void *old, int order). */
export function atomicExchange(host: FaasletHost, size: number, ptr: number, val: number, old: number, _order: number): void {
  withAtomicLock(host, () => {
    const previous = host.memory.copy(ptr, size);
    host.memory.move(ptr, val, size);
    host.memory.write(old, previous);
  });
}

/**
 * bool __atomic_compare_exchange(size_t size, void *ptr, void *expected, void *desired,
 * int success, int failure): 1 and *ptr = *desired if *ptr == *expected, else 0 and
 * *expected = *ptr.
 */
export function atomicCompareExchange(host: FaasletHost, size: number, ptr: number, expected: number, desired: number, _s: number, _f: number): number {
  return withAtomicLock(host, () => {
    const current = host.memory.bytes(ptr, size);
    const wanted = host.memory.bytes(expected, size);
    if (Buffer.compare(Buffer.from(current), Buffer.from(wanted)) === 0) {
      host.memory.move(ptr, desired, size);
      return 1;
    }
    host.memory.move(expected, ptr, size);
    return 0;
  });
}
