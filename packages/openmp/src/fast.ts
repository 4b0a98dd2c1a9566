/**
 * `__kmpc_critical`, `__kmpc_critical_with_hint`, `__kmpc_end_critical` and the simple
 * OpenMP locks (`omp_set_lock`, `omp_unset_lock`, `omp_test_lock`) as wasm functions
 * over the guest's shared memory (@faasm/threads guest-locks.ts): a critical section
 * costs a few atomic instructions, where crossing into JavaScript twice made a
 * contended one about 3× slower than libomp. The lock is the first word of the
 * kmp_critical_name or of the omp_lock_t, as in sync.ts; an unaligned or out-of-bounds
 * pointer goes to the JavaScript import, which traps naming it. `npm run gen:wasm`
 * assembles locksWat() into fast-wasm.ts.
 */
import type { FaasletHost, ImportObject } from '@faasm/abi';
import { installFastPaths, SHARED_MEMORY_IMPORT_WAT, WORD_CHECK_WAT, WORD_LOCK_WAT } from '@faasm/threads';
import { FAST_WASM } from './fast-wasm.js';

/** The module: exports critical, critical_with_hint, end_critical, set_lock, unset_lock and test_lock; imports their JS versions. */
export function locksWat(): string {
  return `(module
  ${SHARED_MEMORY_IMPORT_WAT}
  (import "js" "critical" (func $js_critical (param i32 i32 i32)))
  (import "js" "critical_with_hint" (func $js_critical_with_hint (param i32 i32 i32 i32)))
  (import "js" "end_critical" (func $js_end_critical (param i32 i32 i32)))
  (import "js" "set_lock" (func $js_set_lock (param i32)))
  (import "js" "unset_lock" (func $js_unset_lock (param i32)))
  (import "js" "test_lock" (func $js_test_lock (param i32) (result i32)))
  ${WORD_CHECK_WAT}
  ${WORD_LOCK_WAT}
  (func (export "critical") (param $loc i32) (param $gtid i32) (param $crit i32)
    (if (call $word_ok (local.get $crit) (i32.const 4))
      (then (call $lock_word (local.get $crit)))
      (else (call $js_critical (local.get $loc) (local.get $gtid) (local.get $crit)))))
  (func (export "critical_with_hint") (param $loc i32) (param $gtid i32) (param $crit i32) (param $hint i32)
    (if (call $word_ok (local.get $crit) (i32.const 4))
      (then (call $lock_word (local.get $crit)))
      (else (call $js_critical_with_hint (local.get $loc) (local.get $gtid) (local.get $crit) (local.get $hint)))))
  (func (export "end_critical") (param $loc i32) (param $gtid i32) (param $crit i32)
    (if (call $word_ok (local.get $crit) (i32.const 4))
      (then (call $unlock_word (local.get $crit)))
      (else (call $js_end_critical (local.get $loc) (local.get $gtid) (local.get $crit)))))
  (func (export "set_lock") (param $lock i32)
    (if (call $word_ok (local.get $lock) (i32.const 4))
      (then (call $lock_word (local.get $lock)))
      (else (call $js_set_lock (local.get $lock)))))
  (func (export "unset_lock") (param $lock i32)
    (if (call $word_ok (local.get $lock) (i32.const 4))
      (then (call $unlock_word (local.get $lock)))
      (else (call $js_unset_lock (local.get $lock)))))
  (func (export "test_lock") (param $lock i32) (result i32)
    (if (result i32) (call $word_ok (local.get $lock) (i32.const 4))
      (then (i32.eqz (i32.atomic.rmw.cmpxchg (local.get $lock) (i32.const 0) (i32.const 1))))
      (else (call $js_test_lock (local.get $lock))))))`;
}

/** Installs the lock fast paths when the guest's memory is shared (see installFastPaths). */
export function linkFastLocks(importObject: ImportObject, host: FaasletHost): boolean {
  return installFastPaths(importObject, host, FAST_WASM.locks, {
    critical: '__kmpc_critical',
    critical_with_hint: '__kmpc_critical_with_hint',
    end_critical: '__kmpc_end_critical',
    set_lock: 'omp_set_lock',
    unset_lock: 'omp_unset_lock',
    test_lock: 'omp_test_lock',
  });
}
