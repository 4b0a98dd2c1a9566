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
interface Held {
  readonly local: PThreadLocal;
  readonly base: number;
  readonly words: Int32Array;
  readonly type: number;
}

function open(host: FaasletHost, mutex: number): Held {
  const local = pthreadOf(host);
  const base = local.runtime.wordIndex(mutex);
  host.memory.check(mutex, Mutex.SIZE);
  const words = local.runtime.words();
  return { local, base, words, type: Atomics.load(words, base + Mutex.TYPE / 4) & MutexAttr.TYPE_MASK };
}

const LOCK = Mutex.LOCK / 4;
const OWNER = Mutex.OWNER / 4;
const COUNT = Mutex.COUNT / 4;

/** int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr). */
export function pthreadMutexInit(host: FaasletHost, mutex: number, attr: number): number {
  const type = attr !== 0 ? host.memory.u32(attr) & MutexAttr.TYPE_MASK : MutexType.NORMAL;
  if (type > MutexType.ERRORCHECK) return Errno.INVAL;
  pthreadOf(host).runtime.wordIndex(mutex);
  host.memory.fill(mutex, Mutex.SIZE, 0);
  host.memory.setI32(mutex + Mutex.TYPE, type);
  return 0;
}

/** int pthread_mutex_destroy(pthread_mutex_t *m): EBUSY while locked. */
export function pthreadMutexDestroy(host: FaasletHost, mutex: number): number {
  const m = open(host, mutex);
  return Atomics.load(m.words, m.base + LOCK) !== 0 ? Errno.BUSY : 0;
}

/** Acquires `m` for this thread (blocking). */
export function acquire(m: Held, where: string): number {
  const self = m.local.self;
  if (Atomics.load(m.words, m.base + OWNER) === self && Atomics.load(m.words, m.base + LOCK) !== 0) {
    if (m.type === MutexType.RECURSIVE) {
      m.words[m.base + COUNT]! += 1;
      return 0;
    }
    if (m.type === MutexType.ERRORCHECK) return Errno.DEADLK;
    // POSIX: relocking a NORMAL mutex deadlocks. A trap says so instead of hanging.
    throw new GuestTrap(where, 'deadlock: this thread already holds the (normal) mutex');
  }
  if (!m.local.runtime.sharedMemory && Atomics.load(m.words, m.base + LOCK) !== 0) {
    throw new GuestTrap(where, 'deadlock: the mutex is held and no other thread can release it (memory not shared)');
  }
  lockWord(m.words, m.base + LOCK);
  Atomics.store(m.words, m.base + OWNER, self);
  m.words[m.base + COUNT] = 1;
  return 0;
}

/** Releases `m`; EPERM when this thread does not hold it. */
export function release(m: Held): number {
  const owned = Atomics.load(m.words, m.base + OWNER) === m.local.self;
  if (Atomics.load(m.words, m.base + LOCK) === 0) return Errno.PERM;
  if (m.type !== MutexType.NORMAL && !owned) return Errno.PERM;
  if (m.type === MutexType.RECURSIVE && m.words[m.base + COUNT]! > 1) {
    m.words[m.base + COUNT]! -= 1;
    return 0;
  }
  Atomics.store(m.words, m.base + OWNER, 0);
  m.words[m.base + COUNT] = 0;
  unlockWord(m.words, m.base + LOCK);
  return 0;
}

export { open as openMutex };

/** int pthread_mutex_lock(pthread_mutex_t *m): 0; EDEADLK relocking an errorcheck mutex. */
export function pthreadMutexLock(host: FaasletHost, mutex: number): number {
  return acquire(open(host, mutex), 'pthread_mutex_lock');
}

/** int pthread_mutex_trylock(pthread_mutex_t *m): 0, or EBUSY when held (by anyone but a recursive owner). */
export function pthreadMutexTrylock(host: FaasletHost, mutex: number): number {
  const m = open(host, mutex);
  const self = m.local.self;
  if (m.type === MutexType.RECURSIVE && Atomics.load(m.words, m.base + OWNER) === self && Atomics.load(m.words, m.base + LOCK) !== 0) {
    m.words[m.base + COUNT]! += 1;
    return 0;
  }
  if (!tryLockWord(m.words, m.base + LOCK)) return Errno.BUSY;
  Atomics.store(m.words, m.base + OWNER, self);
  m.words[m.base + COUNT] = 1;
  return 0;
}

/** int pthread_mutex_unlock(pthread_mutex_t *m): 0; EPERM if not held by this thread. */
export function pthreadMutexUnlock(host: FaasletHost, mutex: number): number {
  return release(open(host, mutex));
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
