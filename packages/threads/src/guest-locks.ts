/**
 * Lock fast paths in WebAssembly, over the guest's own shared memory. A guest that
 * takes a lock calls a wasm function instead of crossing into JavaScript: a contended
 * OpenMP critical section or an uncontended pthread mutex then costs a few atomic
 * instructions, as natively, not two wasm→JS calls.
 *
 * The packages that use them (@faasm/openmp, @faasm/pthreads) write small modules from
 * the snippets below; each module imports the guest memory and, for everything but the
 * common case, the package's JavaScript import itself (same signature), which checks
 * pointers and traps naming the import, handles the other lock kinds, and so on. The
 * word lock is the protocol of `lockWord`/`unlockWord` (sync.ts): 0 free, 1 held, 2 held
 * with sleepers; both sides interoperate on the same word. `npm run gen:wasm` assembles
 * the modules into committed bytes, which a test in each package compares.
 */
import { moduleFromBase64, type FaasletHost, type ImportObject } from '@faasm/abi';
import { ensureNoLiftoff } from './flags.js';

/** The guest's memory when it is attached to `host` and shared (never replaced then). */
export function sharedMemoryOf(host: FaasletHost): WebAssembly.Memory | undefined {
  if (!host.memory.attached) return undefined;
  const memory = host.memory.memory;
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer ? memory : undefined;
}

/** Test-and-test-and-set rounds before a contended lock sleeps (lockWord spins 2,000 CASes). */
export const LOCK_SPINS = 2000;

/** The import of a shared guest memory of any size. */
export const SHARED_MEMORY_IMPORT_WAT = '(import "env" "memory" (memory 0 65536 shared))';

/**
 * `$word_ok (p, bytes) → 1` when the object of `bytes` bytes at `p` is 4-aligned and
 * inside memory (else the JavaScript fallback runs, which traps naming its import).
 */
export const WORD_CHECK_WAT = `
  (func $word_ok (param $p i32) (param $bytes i32) (result i32)
    (if (i32.and (local.get $p) (i32.const 3)) (then (return (i32.const 0))))
    (i64.le_u
      (i64.add (i64.extend_i32_u (local.get $p)) (i64.extend_i32_u (local.get $bytes)))
      (i64.shl (i64.extend_i32_u (memory.size)) (i64.const 16))))`;

/**
 * `$lock_word (p)`: takes the word lock at `p` (checked by the caller): one CAS, then
 * LOCK_SPINS rounds that read before they CAS (the line stays shared while the holder
 * works), then marks the lock contended and sleeps on the word until it is released.
 * `$unlock_word (p)`: releases it and wakes one sleeper if the lock was contended.
 */
export const WORD_LOCK_WAT = `
  (func $lock_word (param $p i32)
    (local $c i32) (local $spins i32)
    (local.set $c (i32.atomic.rmw.cmpxchg (local.get $p) (i32.const 0) (i32.const 1)))
    (if (i32.eqz (local.get $c)) (then (return)))
    (local.set $spins (i32.const ${LOCK_SPINS}))
    (block $sleep
      (loop $spin
        (br_if $sleep (i32.eqz (local.get $spins)))
        (local.set $spins (i32.sub (local.get $spins) (i32.const 1)))
        (local.set $c (i32.atomic.load (local.get $p)))
        (if (i32.eqz (local.get $c))
          (then
            (local.set $c (i32.atomic.rmw.cmpxchg (local.get $p) (i32.const 0) (i32.const 1)))
            (if (i32.eqz (local.get $c)) (then (return)))))
        (br $spin)))
    (if (i32.ne (local.get $c) (i32.const 2))
      (then (local.set $c (i32.atomic.rmw.xchg (local.get $p) (i32.const 2)))))
    (block $taken
      (loop $wait
        (br_if $taken (i32.eqz (local.get $c)))
        (drop (memory.atomic.wait32 (local.get $p) (i32.const 2) (i64.const -1)))
        (local.set $c (i32.atomic.rmw.xchg (local.get $p) (i32.const 2)))
        (br $wait))))
  (func $unlock_word (param $p i32)
    (if (i32.ne (i32.atomic.rmw.sub (local.get $p) (i32.const 1)) (i32.const 1))
      (then
        (i32.atomic.store (local.get $p) (i32.const 0))
        (drop (memory.atomic.notify (local.get $p) (i32.const 1))))))`;


/**
 * Replaces imports of `importObject.env` with the exports of a fast path module over the
 * guest's shared memory (none without one: each import keeps its JavaScript version).
 * `names` maps each export of the module to the import it replaces; the module imports
 * that import's JavaScript function as `js.<export>`, its fallback (same signature), and
 * `extra` as further `js` imports. Returns whether the module was installed (not when
 * the object lacks one of the imports).
 */
export function installFastPaths(
  importObject: ImportObject,
  host: FaasletHost,
  base64: string,
  names: Readonly<Record<string, string>>,
  extra: Readonly<Record<string, WebAssembly.ImportValue>> = {},
): boolean {
  const memory = sharedMemoryOf(host);
  const env = importObject['env'];
  if (!memory || !env) return false;
  const js: Record<string, WebAssembly.ImportValue> = { ...extra };
  for (const [exported, imported] of Object.entries(names)) {
    const fallback = env[imported];
    if (typeof fallback !== 'function') return false;
    js[exported] = fallback;
  }
  // The lock loop holds values across memory.atomic.wait32, which Node 20's Liftoff loses.
  ensureNoLiftoff();
  const fast = new WebAssembly.Instance(moduleFromBase64(base64), { env: { memory }, js }).exports;
  for (const [exported, imported] of Object.entries(names)) {
    const replacement = fast[exported] as WebAssembly.ImportValue;
    Object.defineProperty(replacement, 'faasmPackage', { value: (env[imported] as { faasmPackage?: string }).faasmPackage });
    env[imported] = replacement;
  }
  return true;
}
