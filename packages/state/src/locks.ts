import type { FaasletHost } from '@faasm/abi';
import { GuestTrap } from '@faasm/abi';
import type { KeyRequest, LockHandle, LockMode, LockRequest } from './protocol.js';
import { STATE_SERVICES } from './protocol.js';
import { directLockTtlMs, directOf } from './direct.js';
import { bridgeOf, contextOf, STATE } from './replica.js';

/** A Faaslet's view of a key's host lock, and what it holds. */
export interface HeldLock {
  word: Int32Array;
  global: boolean;
  reads: number;
  write: boolean;
}

const WRITER = -1;

function lockOf(host: FaasletHost, name: string, key: string): HeldLock {
  const ctx = contextOf(host);
  let lock = ctx.locks.get(key);
  if (!lock) {
    const request: KeyRequest = { key };
    const handle = bridgeOf(host, name).call(STATE_SERVICES.lockHandle, request) as LockHandle;
    lock = { word: new Int32Array(handle.word), global: handle.global, reads: 0, write: false };
    ctx.locks.set(key, lock);
  }
  return lock;
}

/**
 * Takes the key's lock: first the host lock (Atomics on a shared word: no round trip,
 * waiters sleep in Atomics.wait), then, if the global tier is shared, the global lock
 * through the bridge. Re-taking a lock one holds for writing would deadlock: it traps.
 */
export function acquire(host: FaasletHost, name: string, key: string, mode: LockMode): void {
  const lock = lockOf(host, name, key);
  if (lock.write) throw new GuestTrap(name, `'${key}' is already write-locked by this Faaslet`);
  if (mode === 'write' && lock.reads > 0) throw new GuestTrap(name, `'${key}' is read-locked by this Faaslet: unlock it before locking for writing`);
  const word = lock.word;
  if (mode === 'write') {
    for (;;) {
      const v = Atomics.compareExchange(word, 0, 0, WRITER);
      if (v === 0) break;
      Atomics.wait(word, 0, v);
    }
  } else {
    for (;;) {
      const v = Atomics.load(word, 0);
      if (v >= 0 && Atomics.compareExchange(word, 0, v, v + 1) === v) break;
      if (v < 0) Atomics.wait(word, 0, v);
    }
    // Unlocks wake one waiter at a time (no herd on a busy key): pass the wake on, so
    // every reader waiting behind a writer gets in.
    Atomics.notify(word, 0, 1);
  }
  if (mode === 'write') lock.write = true;
  else lock.reads++;
  if (!lock.global) return;
  try {
    const owner = contextOf(host).owner;
    const tier = directOf(host, name);
    if (tier) {
      // As StateHost.lock: retry at once at first, then every millisecond.
      let nap: Int32Array | undefined;
      for (let attempt = 0; !tier.tryLock(key, mode, owner, directLockTtlMs(host)); attempt++) {
        if (attempt >= 20) Atomics.wait((nap ??= new Int32Array(new SharedArrayBuffer(4))), 0, 0, 1);
      }
    } else {
      const request: LockRequest = { key, mode, owner };
      bridgeOf(host, name).call(STATE_SERVICES.lock, request);
    }
  } catch (error) {
    releaseLocal(lock, mode);
    throw error;
  }
}

function releaseLocal(lock: HeldLock, mode: LockMode): void {
  if (mode === 'write') {
    lock.write = false;
    Atomics.store(lock.word, 0, 0);
    Atomics.notify(lock.word, 0, 1);
  } else {
    lock.reads--;
    if (Atomics.sub(lock.word, 0, 1) === 1) Atomics.notify(lock.word, 0, 1);
  }
}

/** Releases the key's lock (global first); traps if this Faaslet does not hold it. */
export function release(host: FaasletHost, name: string, key: string, mode: LockMode): void {
  const lock = contextOf(host).locks.get(key);
  if (!lock || (mode === 'write' ? !lock.write : lock.reads === 0)) {
    throw new GuestTrap(name, `'${key}' is not ${mode}-locked by this Faaslet`);
  }
  try {
    if (lock.global) {
      const owner = contextOf(host).owner;
      const tier = directOf(host, name);
      if (!tier) {
        const request: LockRequest = { key, mode, owner };
        bridgeOf(host, name).call(STATE_SERVICES.unlock, request);
      } else if (!tier.unlock(key, mode, owner)) {
        // As StateHost.unlock.
        throw new Error(`the global ${mode} lock on '${key}' is not held by this Faaslet (never taken, or expired after ${directLockTtlMs(host)} ms)`);
      }
    }
  } finally {
    releaseLocal(lock, mode);
  }
}

/**
 * Releases every lock this Faaslet still holds (the runtime's end of call: a trap or a
 * missing unlock must not leave the key locked for the host). Returns the keys.
 */
export function releaseAll(host: FaasletHost): string[] {
  const ctx = host.services.get(STATE);
  if (!ctx) return [];
  const released: string[] = [];
  for (const [key, lock] of ctx.locks) {
    while (lock.write || lock.reads > 0) {
      try {
        release(host, 'end of call', key, lock.write ? 'write' : 'read');
      } catch {
        // The global lock had expired; the host lock was released all the same.
      }
      released.push(key);
    }
  }
  return released;
}
