import { describe, expect, it } from 'vitest';
import { createHost } from '@faasm/abi';
import { availableParallelism } from 'node:os';
import { workerExecArgv } from './exec-argv.js';
import {
  BLOCKTIME_MS, Slot, SLOT_WORDS, spinBudget, spinWhileEqualAwake, ThreadRuntime, lockWord, tryLockWord, unlockWord,
  waitWhileEqual, WaitAborted, WAKE_GRACE_MS,
} from '@faasm/threads';

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

  it('timed spins: see a change, give up on a sleeping partner, and end with their budget', () => {
    const words = new Int32Array(new SharedArrayBuffer(8));
    Atomics.store(words, 0, 3);
    expect(spinWhileEqualAwake(words, 0, 1, words, -1)).toBe(3);
    // An unbounded spin still ends once the thread it waits for stays asleep.
    Atomics.store(words, 1, 1);
    expect(spinWhileEqualAwake(words, 0, 3, words, 1, Number.POSITIVE_INFINITY)).toBe(3);
    // Nobody asleep, nothing changes: the budget ends it.
    expect(spinWhileEqualAwake(words, 0, 3, words, -1, 0.2)).toBe(3);
    // A long spin yields its CPU as it goes (about every 20 µs: 8 clock reads).
    let yields = 0;
    expect(spinWhileEqualAwake(words, 0, 3, words, -1, 2, () => ++yields)).toBe(3);
    expect(yields).toBeGreaterThan(0);
  });

  it('spins a blocktime for teams that fit the cores, only the wake grace for oversubscribed ones', () => {
    expect(WAKE_GRACE_MS).toBeLessThan(BLOCKTIME_MS);
    expect(spinBudget(1)).toBe(BLOCKTIME_MS);
    expect(spinBudget(availableParallelism())).toBe(BLOCKTIME_MS);
    expect(spinBudget(availableParallelism() + 1)).toBe(WAKE_GRACE_MS);
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
