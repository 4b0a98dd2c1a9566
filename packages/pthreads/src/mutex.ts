import { Errno, GuestTrap, type FaasletHost } from '@faasm/abi';
import { lockWord, tryLockWord, unlockWord } from '@faasm/threads';
import { Mutex, MutexAttr, MutexType } from './layout.js';
import { pthreadOf, type PThreadLocal } from './state.js';

/**
 * Mutexes live in the guest's pthread_mutex_t (keyed by address, as in Faasm): the
 * lock word is a futex (0 free, 1 held, 2 held with waiters) every thread operates on
 * with Atomics over the shared memory; the owner and recursion count serve the
 * recursive and errorcheck kinds. A statically initialised (zeroed) mutex is NORMAL.
 */
const TYPE = Mutex.TYPE / 4;
const LOCK = Mutex.LOCK / 4;
const OWNER = Mutex.OWNER / 4;
const COUNT = Mutex.COUNT / 4;

/** Word index of a mutex (bounds and alignment checked). */
export function mutexBase(local: PThreadLocal, mutex: number): number {
  return local.runtime.wordIndex(mutex, Mutex.SIZE);
}

/** int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr). */
export function pthreadMutexInit(host: FaasletHost, mutex: number, attr: number): number {
  const type = attr !== 0 ? host.memory.u32(attr) & MutexAttr.TYPE_MASK : MutexType.NORMAL;
  if (type > MutexType.ERRORCHECK) return Errno.INVAL;
  pthreadOf(host).runtime.wordIndex(mutex, Mutex.SIZE);
  host.memory.fill(mutex, Mutex.SIZE, 0);
  host.memory.setI32(mutex + Mutex.TYPE, type);
  return 0;
}

/** int pthread_mutex_destroy(pthread_mutex_t *m): EBUSY while locked. */
export function pthreadMutexDestroy(host: FaasletHost, mutex: number): number {
  const local = pthreadOf(host);
  const base = mutexBase(local, mutex);
  return Atomics.load(local.runtime.words(), base + LOCK) !== 0 ? Errno.BUSY : 0;
}

/** Acquires the mutex at word `base` for this thread (blocking). */
export function acquire(local: PThreadLocal, base: number, where: string): number {
  const words = local.runtime.words();
  const self = local.self;
  // Fast path: free, so not ours either.
  if (Atomics.compareExchange(words, base + LOCK, 0, 1) === 0) {
    // Plain writes: only the holder compares OWNER with itself, and the lock word's
    // atomic operations order them for the next holder.
    words[base + OWNER] = self;
    words[base + COUNT] = 1;
    return 0;
  }
  if (Atomics.load(words, base + OWNER) === self) {
    const type = words[base + TYPE]! & MutexAttr.TYPE_MASK;
    if (type === MutexType.RECURSIVE) {
      words[base + COUNT]! += 1;
      return 0;
    }
    if (type === MutexType.ERRORCHECK) return Errno.DEADLK;
    // POSIX: relocking a NORMAL mutex deadlocks. A trap says so instead of hanging.
    throw new GuestTrap(where, 'deadlock: this thread already holds the (normal) mutex');
  }
  if (!local.runtime.sharedMemory) {
    throw new GuestTrap(where, 'deadlock: the mutex is held and no other thread can release it (memory not shared)');
  }
  lockWord(words, base + LOCK);
  Atomics.store(words, base + OWNER, self);
  words[base + COUNT] = 1;
  return 0;
}

/** Releases the mutex at word `base`; EPERM when this thread does not hold it. */
export function release(local: PThreadLocal, base: number): number {
  const words = local.runtime.words();
  // A plain read: the holder always sees its own lock word; for any other thread the
  // answer races with the holder either way.
  if (words[base + LOCK] === 0) return Errno.PERM;
  const type = words[base + TYPE]! & MutexAttr.TYPE_MASK;
  if (type !== MutexType.NORMAL) {
    if (Atomics.load(words, base + OWNER) !== local.self) return Errno.PERM;
    if (type === MutexType.RECURSIVE && words[base + COUNT]! > 1) {
      words[base + COUNT]! -= 1;
      return 0;
    }
  }
  words[base + OWNER] = 0;
  words[base + COUNT] = 0;
  unlockWord(words, base + LOCK);
  return 0;
}

/** int pthread_mutex_lock(pthread_mutex_t *m): 0; EDEADLK relocking an errorcheck mutex. */
export function pthreadMutexLock(host: FaasletHost, mutex: number): number {
  const local = pthreadOf(host);
  return acquire(local, mutexBase(local, mutex), 'pthread_mutex_lock');
}

/** int pthread_mutex_trylock(pthread_mutex_t *m): 0, or EBUSY when held (by anyone but a recursive owner). */
export function pthreadMutexTrylock(host: FaasletHost, mutex: number): number {
  const local = pthreadOf(host);
  const base = mutexBase(local, mutex);
  const words = local.runtime.words();
  const self = local.self;
  if (tryLockWord(words, base + LOCK)) {
    Atomics.store(words, base + OWNER, self);
    words[base + COUNT] = 1;
    return 0;
  }
  if ((words[base + TYPE]! & MutexAttr.TYPE_MASK) === MutexType.RECURSIVE && Atomics.load(words, base + OWNER) === self) {
    words[base + COUNT]! += 1;
    return 0;
  }
  return Errno.BUSY;
}

/** int pthread_mutex_unlock(pthread_mutex_t *m): 0; EPERM if not held by this thread. */
export function pthreadMutexUnlock(host: FaasletHost, mutex: number): number {
  const local = pthreadOf(host);
  return release(local, mutexBase(local, mutex));
}

/** int pthread_mutexattr_init(pthread_mutexattr_t *attr): type NORMAL. */
export function pthreadMutexattrInit(host: FaasletHost, attr: number): number {
  host.memory.setU32(attr, MutexType.NORMAL);
  return 0;
}

/** int pthread_mutexattr_destroy(pthread_mutexattr_t *attr). */
export function pthreadMutexattrDestroy(host: FaasletHost, attr: number): number {
  host.memory.check(attr, MutexAttr.SIZE);
  return 0;
}
