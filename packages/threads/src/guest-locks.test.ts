import { Worker } from 'node:worker_threads';
import { parse } from '@bytecodealliance/jco';
import { createHost, fn, importTable, linkTable, type ImportObject } from '@faasm/abi';
import { describe, expect, it } from 'vitest';
import { SHARED_MEMORY_IMPORT_WAT, WORD_CHECK_WAT, WORD_LOCK_WAT, installFastPaths, sharedMemoryOf } from './guest-locks.js';
import { ensureNoLiftoff } from './flags.js';
import { lockWord, tryLockWord, unlockWord } from './sync.js';

/** The snippets as a module: lock(p), unlock(p), ok(p, bytes), and add(counter, lock, n) (n locked increments). */
const locksWat = `(module
  ${SHARED_MEMORY_IMPORT_WAT}
  ${WORD_CHECK_WAT}
  ${WORD_LOCK_WAT}
  (func (export "lock") (param i32) (call $lock_word (local.get 0)))
  (func (export "unlock") (param i32) (call $unlock_word (local.get 0)))
  (func (export "ok") (param i32 i32) (result i32) (call $word_ok (local.get 0) (local.get 1)))
  (func (export "add") (param $counter i32) (param $lock i32) (param $n i32)
    (block $done (loop $next
      (br_if $done (i32.eqz (local.get $n)))
      (call $lock_word (local.get $lock))
      (i32.store (local.get $counter) (i32.add (i32.load (local.get $counter)) (i32.const 1)))
      (call $unlock_word (local.get $lock))
      (local.set $n (i32.sub (local.get $n) (i32.const 1)))
      (br $next)))))`;

type Locks = { lock(p: number): void; unlock(p: number): void; ok(p: number, bytes: number): number; add(c: number, l: number, n: number): void };

async function locks(memory: WebAssembly.Memory): Promise<{ module: WebAssembly.Module; exports: Locks }> {
  ensureNoLiftoff();
  const module = new WebAssembly.Module(await parse(locksWat));
  return { module, exports: new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Locks };
}

describe('guest lock snippets', () => {
  it('take and release the word with the protocol of lockWord/unlockWord', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const words = new Int32Array(memory.buffer);
    const { exports: w } = await locks(memory);
    w.lock(64);
    expect(words[16]).toBe(1);
    expect(tryLockWord(words, 16)).toBe(false);
    w.unlock(64);
    expect(words[16]).toBe(0);
    lockWord(words, 16);
    words[16] = 2; // held with a sleeper: the release must clear it (and notify)
    w.unlock(64);
    expect(words[16]).toBe(0);
  });

  it('check alignment and bounds, with no overflow past 4 GiB', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2, shared: true });
    const { exports: w } = await locks(memory);
    expect(w.ok(0, 24)).toBe(1);
    expect(w.ok(65536 - 24, 24)).toBe(1);
    expect(w.ok(65536 - 20, 24)).toBe(0);
    expect(w.ok(2, 4)).toBe(0);
    expect(w.ok(-4, 8)).toBe(0);
    memory.grow(1);
    expect(w.ok(65536, 24)).toBe(1);
  });

  it('exclude each other and the JavaScript lock across threads', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const words = new Int32Array(memory.buffer);
    const { module, exports: w } = await locks(memory);
    const n = 1_000_000;
    // A worker increments under the wasm lock while this thread does under lockWord (and
    // now and then under the wasm lock too); both start together.
    const worker = new Worker(
      `const { workerData, parentPort } = require('node:worker_threads');
       const i = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } });
       const flags = new Int32Array(workerData.memory.buffer);
       Atomics.store(flags, 48, 1);
       while (Atomics.load(flags, 49) === 0);
       i.exports.add(128, 64, workerData.n);
       parentPort.postMessage('done');`,
      { eval: true, workerData: { module, memory, n } },
    );
    const done = new Promise((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    while (Atomics.load(words, 48) === 0) Atomics.wait(words, 48, 0, 1);
    Atomics.store(words, 49, 1);
    for (let i = 0; i < n; i++) {
      lockWord(words, 16);
      words[32] = words[32]! + 1;
      unlockWord(words, 16);
      if (i % 250_000 === 0) w.add(128, 64, 1_000);
    }
    await done;
    await worker.terminate();
    expect(words[32]).toBe(2 * n + 4 * 1_000);
    expect(words[16]).toBe(0);
  });
});

describe('installFastPaths', () => {
  const table = importTable('test-locks', {
    env: {
      /** int take(int *word): the JavaScript version (traps on a bad pointer via memory checks). */
      take: fn(['i32'], 'i32', (host, p) => {
        host.memory.check(p, 4);
        return -1;
      }),
    },
  });
  const wat = `(module
    ${SHARED_MEMORY_IMPORT_WAT}
    (import "js" "take" (func $js_take (param i32) (result i32)))
    (import "js" "bias" (global $bias i32))
    ${WORD_CHECK_WAT}
    (func (export "take") (param $p i32) (result i32)
      (if (result i32) (call $word_ok (local.get $p) (i32.const 4))
        (then (i32.add (i32.atomic.rmw.add (local.get $p) (i32.const 1)) (global.get $bias)))
        (else (call $js_take (local.get $p))))))`;

  async function linked(memory: WebAssembly.Memory | undefined) {
    const host = createHost();
    if (memory) host.memory.attach(memory);
    const importObject: ImportObject = {};
    linkTable(table, importObject, host);
    const base64 = Buffer.from(await parse(wat)).toString('base64');
    const bias = new WebAssembly.Global({ value: 'i32', mutable: false }, 100);
    const installed = installFastPaths(importObject, host, base64, { take: 'take' }, { bias });
    return { installed, take: importObject['env']!['take'] as ((p: number) => number) & { faasmPackage?: string }, host };
  }

  it('replaces the imports over a shared memory, keeping the owner and the JavaScript fallback', async () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    const { installed, take, host } = await linked(memory);
    expect(installed).toBe(true);
    expect(sharedMemoryOf(host)).toBe(memory);
    expect(take.faasmPackage).toBe('test-locks');
    expect(take(8)).toBe(100);
    expect(take(8)).toBe(101);
    expect(() => take(65535)).toThrow(/take/);
  });

  it('installs nothing without a shared memory attached', async () => {
    for (const memory of [undefined, new WebAssembly.Memory({ initial: 1 })]) {
      const { installed, take, host } = await linked(memory);
      expect(installed).toBe(false);
      expect(sharedMemoryOf(host)).toBeUndefined();
      expect(take.faasmPackage).toBe('test-locks');
      if (memory) expect(take(8)).toBe(-1);
    }
  });
});
