/**
 * `pthread_mutex_lock`, `_trylock` and `_unlock` with their common case in wasm, over
 * the guest's shared memory (@faasm/threads guest-locks.ts): taking a free mutex, and
 * releasing a NORMAL one, cost a few instructions instead of a call into JavaScript.
 * Everything else calls the JavaScript import (same signature): a held mutex (recursion,
 * EDEADLK, waiting), other kinds' unlock (owner checks), EPERM, and pointers that are
 * unaligned or out of bounds (it traps naming the import). The layout is mutex.ts's:
 * TYPE, the LOCK word (0 free, 1 held, 2 contended), OWNER (pthread_self of the holder),
 * COUNT. `npm run gen:wasm` assembles mutexWat() into fast-wasm.ts.
 */
import type { FaasletHost, ImportObject } from '@faasm/abi';
import { installFastPaths, SHARED_MEMORY_IMPORT_WAT, WORD_CHECK_WAT, WORD_LOCK_WAT } from '@faasm/threads';
import { FAST_WASM } from './fast-wasm.js';
import { Mutex, MutexAttr, MutexType } from './layout.js';
import { pthreadOf } from './state.js';

/** The module: exports lock, trylock and unlock; imports their JS versions and the caller's pthread_self. */
export function mutexWat(): string {
  const take = `
      (if (i32.eqz (i32.atomic.rmw.cmpxchg offset=${Mutex.LOCK} (local.get $m) (i32.const 0) (i32.const 1)))
        (then
          (i32.store offset=${Mutex.OWNER} (local.get $m) (global.get $self))
          (i32.store offset=${Mutex.COUNT} (local.get $m) (i32.const 1))
          (return (i32.const 0))))`;
  return `(module
  ${SHARED_MEMORY_IMPORT_WAT}
  (import "js" "self" (global $self (mut i32)))
  (import "js" "lock" (func $js_lock (param i32) (result i32)))
  (import "js" "trylock" (func $js_trylock (param i32) (result i32)))
  (import "js" "unlock" (func $js_unlock (param i32) (result i32)))
  ${WORD_CHECK_WAT}
  ${WORD_LOCK_WAT}
  (func (export "lock") (param $m i32) (result i32)
    (if (call $word_ok (local.get $m) (i32.const ${Mutex.SIZE})) (then ${take}))
    (call $js_lock (local.get $m)))
  (func (export "trylock") (param $m i32) (result i32)
    (if (call $word_ok (local.get $m) (i32.const ${Mutex.SIZE})) (then ${take}))
    (call $js_trylock (local.get $m)))
  (func (export "unlock") (param $m i32) (result i32)
    (if (call $word_ok (local.get $m) (i32.const ${Mutex.SIZE}))
      (then
        (if (i32.and
              (i32.ne (i32.atomic.load offset=${Mutex.LOCK} (local.get $m)) (i32.const 0))
              (i32.eq (i32.and (i32.load offset=${Mutex.TYPE} (local.get $m)) (i32.const ${MutexAttr.TYPE_MASK})) (i32.const ${MutexType.NORMAL})))
          (then
            (i32.store offset=${Mutex.OWNER} (local.get $m) (i32.const 0))
            (i32.store offset=${Mutex.COUNT} (local.get $m) (i32.const 0))
            (call $unlock_word (i32.add (local.get $m) (i32.const ${Mutex.LOCK})))
            (return (i32.const 0))))))
    (call $js_unlock (local.get $m))))`;
}

/** Installs the mutex fast path when the guest's memory is shared (see installFastPaths). */
export function linkFastMutex(importObject: ImportObject, host: FaasletHost): boolean {
  return installFastPaths(
    importObject,
    host,
    FAST_WASM.mutex,
    { lock: 'pthread_mutex_lock', trylock: 'pthread_mutex_trylock', unlock: 'pthread_mutex_unlock' },
    { self: pthreadOf(host).selfGlobal },
  );
}
