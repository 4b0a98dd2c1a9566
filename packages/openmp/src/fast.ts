/**
 * `__kmpc_critical`, `__kmpc_critical_with_hint` and `__kmpc_end_critical` as wasm
 * functions over the guest's shared memory (@faasm/threads guest-locks.ts): a critical
 * section costs a few atomic instructions, where crossing into JavaScript twice made a
 * contended one about 3× slower than libomp. The lock is the first word of the
 * kmp_critical_name, as in sync.ts; an unaligned or out-of-bounds name goes to the
 * JavaScript import, which traps naming it. `npm run gen:wasm` assembles criticalWat()
 * into fast-wasm.ts.
 */
import type { FaasletHost, ImportObject } from '@faasm/abi';
import { installFastPaths, SHARED_MEMORY_IMPORT_WAT, WORD_CHECK_WAT, WORD_LOCK_WAT } from '@faasm/threads';
import { FAST_WASM } from './fast-wasm.js';

/** The module: exports critical, critical_with_hint and end_critical; imports their JS versions. */
export function criticalWat(): string {
  return `(module
  ${SHARED_MEMORY_IMPORT_WAT}
  (import "js" "critical" (func $js_critical (param i32 i32 i32)))
  (import "js" "critical_with_hint" (func $js_critical_with_hint (param i32 i32 i32 i32)))
  (import "js" "end_critical" (func $js_end_critical (param i32 i32 i32)))
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
      (else (call $js_end_critical (local.get $loc) (local.get $gtid) (local.get $crit))))))`;
}

/** Installs the critical-section fast path when the guest's memory is shared (see installFastPaths). */
export function linkFastCritical(importObject: ImportObject, host: FaasletHost): boolean {
  return installFastPaths(importObject, host, FAST_WASM.critical, {
    critical: '__kmpc_critical',
    critical_with_hint: '__kmpc_critical_with_hint',
    end_critical: '__kmpc_end_critical',
  });
}
