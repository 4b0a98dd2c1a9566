import { Errno, GuestTrap, type FaasletHost } from '@faasm/abi';
import { Cond, CondClock, Mutex, Timespec } from './layout.js';
import { acquire, mutexBase, release } from './mutex.js';
import { pthreadOf } from './state.js';

/**
 * Condition variables: a sequence word in the guest's pthread_cond_t. A waiter reads
 * it, releases the mutex and sleeps on the word (Atomics.wait); signal and broadcast
 * bump it and wake one or all. A wake-up between the read and the sleep is never lost
 * (the word changed); spurious wake-ups are allowed by POSIX.
 */
const SEQ = Cond.SEQ / 4;

function condIndex(host: FaasletHost, cond: number): number {
  return pthreadOf(host).runtime.wordIndex(cond, Cond.SIZE);
}

/** int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *attr): the attr's clock. */
export function pthreadCondInit(host: FaasletHost, cond: number, attr: number): number {
  condIndex(host, cond);
  const clock = attr !== 0 ? host.memory.u32(attr) : CondClock.REALTIME;
  if (clock !== CondClock.REALTIME && clock !== CondClock.MONOTONIC) return Errno.INVAL;
  host.memory.fill(cond, Cond.SIZE, 0);
  host.memory.setU32(cond + Cond.CLOCK, clock);
  return 0;
}

/** int pthread_cond_destroy(pthread_cond_t *c). */
export function pthreadCondDestroy(host: FaasletHost, cond: number): number {
  condIndex(host, cond);
  return 0;
}

/** Sleeps on the condition; true if woken (or spurious), false on timeout. */
function sleep(host: FaasletHost, cond: number, mutex: number, timeoutMs: number, where: string): { code: number; timedOut: boolean } {
  const local = pthreadOf(host);
  if (!local.runtime.sharedMemory) throw new GuestTrap(where, 'deadlock: no other thread can signal (memory not shared)');
  const index = condIndex(host, cond);
  const base = mutexBase(local, mutex);
  const count = base + Mutex.COUNT / 4;
  const seq = Atomics.load(local.runtime.words(), index + SEQ);
  const depth = local.runtime.words()[count]!;
  const code = release(local, base);
  if (code !== 0) return { code, timedOut: false };
  const outcome = Atomics.wait(local.runtime.words(), index + SEQ, seq, timeoutMs);
  acquire(local, base, where);
  local.runtime.words()[count] = depth;
  return { code: 0, timedOut: outcome === 'timed-out' };
}

/** int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m): EPERM if m is not held (errorcheck/recursive). */
export function pthreadCondWait(host: FaasletHost, cond: number, mutex: number): number {
  return sleep(host, cond, mutex, Infinity, 'pthread_cond_wait').code;
}

/** Nanoseconds now on the condition's clock (WASI realtime: Unix epoch; monotonic: process.hrtime). */
function now(clock: number): bigint {
  return clock === CondClock.MONOTONIC ? process.hrtime.bigint() : BigInt(Date.now()) * 1_000_000n;
}

/**
 * int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec
 * *abstime): 0, ETIMEDOUT once abstime (on the condition's clock) has passed, EINVAL for
 * tv_nsec outside [0, 1e9).
 */
export function pthreadCondTimedwait(host: FaasletHost, cond: number, mutex: number, abstime: number): number {
  condIndex(host, cond);
  host.memory.check(abstime, Timespec.SIZE);
  const sec = host.memory.i64(abstime + Timespec.SEC);
  const nsec = host.memory.i32(abstime + Timespec.NSEC);
  if (nsec < 0 || nsec >= 1_000_000_000) return Errno.INVAL;
  const clock = host.memory.u32(cond + Cond.CLOCK);
  const left = sec * 1_000_000_000n + BigInt(nsec) - now(clock);
  if (left <= 0n) return Errno.TIMEDOUT;
  const { code, timedOut } = sleep(host, cond, mutex, Number(left) / 1e6, 'pthread_cond_timedwait');
  if (code !== 0) return code;
  return timedOut ? Errno.TIMEDOUT : 0;
}

/** int pthread_cond_signal(pthread_cond_t *c): wakes one waiter. */
export function pthreadCondSignal(host: FaasletHost, cond: number): number {
  const index = condIndex(host, cond);
  const rt = pthreadOf(host).runtime;
  const words = rt.words();
  Atomics.add(words, index + SEQ, 1);
  if (rt.sharedMemory) Atomics.notify(words, index + SEQ, 1);
  return 0;
}

/** int pthread_cond_broadcast(pthread_cond_t *c): wakes every waiter. */
export function pthreadCondBroadcast(host: FaasletHost, cond: number): number {
  const index = condIndex(host, cond);
  const rt = pthreadOf(host).runtime;
  const words = rt.words();
  Atomics.add(words, index + SEQ, 1);
  if (rt.sharedMemory) Atomics.notify(words, index + SEQ);
  return 0;
}

/**
 * int __faasm_futex_wait(int *addr, int expected, int64 timeout_ns): the thread kit's
 * slow path (lib/threads.c). 0 woken, EAGAIN if *addr != expected, ETIMEDOUT (timeout
 * < 0 waits forever), ENOTSUP without shared memory.
 */
export function faasmFutexWait(host: FaasletHost, addr: number, expected: number, timeoutNs: bigint): number {
  const rt = pthreadOf(host).runtime;
  const index = rt.wordIndex(addr);
  if (!rt.sharedMemory) return Errno.NOTSUP;
  const ms = timeoutNs < 0n ? Infinity : Number(timeoutNs) / 1e6;
  const outcome = Atomics.wait(rt.words(), index, expected, ms);
  return outcome === 'not-equal' ? Errno.AGAIN : outcome === 'timed-out' ? Errno.TIMEDOUT : 0;
}

/** int __faasm_futex_wake(int *addr, int count): wakes up to count waiters (count < 0: all); the number woken. */
export function faasmFutexWake(host: FaasletHost, addr: number, count: number): number {
  const rt = pthreadOf(host).runtime;
  const index = rt.wordIndex(addr);
  if (!rt.sharedMemory) return 0;
  return Atomics.notify(rt.words(), index, count < 0 ? undefined : count);
}
