import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MAX_SLOTS, Slot, SLOT_WORDS, SlotState, shutdownThreads, threadsOf } from '@faasm/threads';
import { runGuest } from '../../threads/src/test-harness.js';

const guest = (name: string): URL => new URL(`../test/guests/${name}.wasm`, import.meta.url);

describe.each([1, 2, 4])('OpenMP guests with %i threads', (threads) => {
  const env = { OMP_NUM_THREADS: String(threads) };

  it('runs parallel loops with every schedule and exact reductions', async () => {
    const run = await runGuest(guest('omp_loops'), { env });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain(`omp_loops threads=${threads} failures=0`);
    expect(run.code).toBe(0);
  });

  it('runs barrier, critical, atomic, single, master, ordered, copyprivate, threadprivate, tasks, locks and queries', async () => {
    const run = await runGuest(guest('omp_sync'), { env });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain(`omp_sync threads=${threads} failures=0`);
    expect(run.code).toBe(0);
  });
});

describe.each([1, 2, 4])('OpenMP guests without shared memory (snapshot-and-merge mode) with %i threads', (threads) => {
  const env = { OMP_NUM_THREADS: String(threads) };

  it('runs the loop guest exactly (disjoint writes, dynamic loops, reduction clauses)', async () => {
    const run = await runGuest(guest('sm_loops'), { env });
    expect(run.host.memory.shared).toBe(false);
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain(`omp_loops threads=${threads} failures=0`);
    expect(run.code).toBe(0);
  });

  it('merges registered __faasm_sm_reduce regions, singles, tasks and nested regions', async () => {
    const run = await runGuest(guest('sm_basic'), { env });
    expect(run.error).toBeUndefined();
    expect(run.stdout).toContain(`sm_basic threads=${threads} failures=0`);
    expect(run.code).toBe(0);
  });
});

describe('OpenMP team size', () => {
  it('defaults to the available cores without OMP_NUM_THREADS', async () => {
    const run = await runGuest(guest('omp_loops'));
    expect(run.stdout).toContain(`omp_loops threads=${availableParallelism()} failures=0`);
  });

  it('takes the first item of an OMP_NUM_THREADS list', async () => {
    const run = await runGuest(guest('omp_loops'), { env: { OMP_NUM_THREADS: '3,2' } });
    expect(run.stdout).toContain('omp_loops threads=3 failures=0');
  });
});

describe('idle teams', () => {
  it('stop spinning after their blocktime: every idle worker ends up asleep on the futex', async () => {
    const run = await runGuest(guest('omp_loops'), { env: { OMP_NUM_THREADS: '2' }, keep: true });
    try {
      expect(run.stdout).toContain('omp_loops threads=2 failures=0');
      const slots = threadsOf(run.host).shared.slots;
      const idle: number[] = [];
      for (let s = 0; s < MAX_SLOTS; s++) {
        if (Atomics.load(slots, s * SLOT_WORDS + Slot.STATE) === SlotState.IDLE) idle.push(s);
      }
      expect(idle.length).toBeGreaterThan(0);
      for (const s of idle) {
        // No wake-up is coming: the worker must give up spinning and sleep by itself.
        while (Atomics.load(slots, s * SLOT_WORDS + Slot.SLEEPING) === 0) await new Promise((r) => setTimeout(r, 5));
      }
      expect(idle.every((s) => Atomics.load(slots, s * SLOT_WORDS + Slot.SLEEPING) === 1)).toBe(true);
    } finally {
      await shutdownThreads(run.host);
    }
  });
});

describe('snapshot mode limits', () => {
  it('does not share a critical section\'s counter between thread copies, and says so once', async () => {
    const warnings: string[] = [];
    const run = await runGuest(guest('sm_limits'), { env: { OMP_NUM_THREADS: '4' }, log: { debug: () => {}, warn: (m) => warnings.push(m) } });
    expect(run.error).toBeUndefined();
    // Each copy saw 0 and wrote 1: last writer wins, by design (as in Faasm).
    expect(run.stdout).toContain('sm_limits threads=4 counter=1');
    expect(warnings).toEqual([expect.stringMatching(/snapshot mode .*critical does not synchronise/)]);
  });
});
