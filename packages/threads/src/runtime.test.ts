import { describe, expect, it } from 'vitest';
import { createHost } from '@faasm/abi';
import { workerExecArgv } from './exec-argv.js';
import { Slot, SLOT_WORDS, ThreadRuntime, lockWord, tryLockWord, unlockWord, waitWhileEqual, WaitAborted } from '@faasm/threads';

describe('thread runtime primitives', () => {
  it('reports a worker that never booted (a Node-level failure cannot reach a blocked thread)', () => {
    const runtime = new ThreadRuntime(createHost());
    const watch = runtime.stalledWorker(3, -1);
    expect(watch()).toMatch(/thread worker 3 did not start/);
    Atomics.store(runtime.shared.slots, 3 * SLOT_WORDS + Slot.READY, 1);
    expect(watch()).toBeUndefined();
  });

  it('refuses to start threads before prepareThreads, naming the call', () => {
    const runtime = new ThreadRuntime(createHost());
    expect(() => runtime.dispatch('pthread_create', 2, () => {})).toThrow(/pthread_create: threads are not prepared/);
  });

  it('lock words: try, contended release, and aborted waits', () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    expect(tryLockWord(words, 0)).toBe(true);
    expect(tryLockWord(words, 0)).toBe(false);
    unlockWord(words, 0);
    lockWord(words, 0);
    expect(words[0]).toBe(1);
    Atomics.store(words, 0, 2); // a waiter announced itself
    unlockWord(words, 0);
    expect(words[0]).toBe(0);
    expect(() => waitWhileEqual(words, 1, 0, () => 'stop', 10)).toThrow(WaitAborted);
    Atomics.store(words, 1, 5);
    expect(waitWhileEqual(words, 1, 0)).toBe(5);
  });

  it('passes workers only the Node flags a worker accepts', () => {
    const saved = [...process.execArgv];
    process.execArgv.splice(0, process.execArgv.length, '--input-type=module', '--no-liftoff', '--conditions', 'dev', '--enable-source-maps');
    try {
      expect(workerExecArgv()).toEqual(['--conditions', 'dev', '--enable-source-maps']);
    } finally {
      process.execArgv.splice(0, process.execArgv.length, ...saved);
    }
  });
});
