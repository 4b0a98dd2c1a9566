// OpenMP and pthreads through the runtime: the Faaslet in a pool worker, its thread
// team in workers of its own over the shared memory. C guests from those packages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRuntime, type Runtime } from './runtime.js';
import { packageGuest } from './test-guests.js';

const guest = packageGuest;

describe('threads through the runtime', () => {
  let runtime: Runtime;
  beforeAll(async () => {
    runtime = await createRuntime({ workers: 1, stdout: 'capture' });
  });
  afterAll(() => runtime.close());

  it.each([1, 2, 4])('runs the OpenMP loop and sync guests with OMP_NUM_THREADS=%i, call after call', async (threads) => {
    const env = { OMP_NUM_THREADS: String(threads) };
    for (let call = 0; call < 2; call++) {
      const loops = await runtime.invoke(guest('openmp', 'omp_loops'), { env });
      expect(loops.error).toBeUndefined();
      expect(loops.stdout.toString()).toContain(`omp_loops threads=${threads} failures=0`);
      const sync = await runtime.invoke(guest('openmp', 'omp_sync'), { env });
      expect(sync.error).toBeUndefined();
      expect(sync.stdout.toString()).toContain(`omp_sync threads=${threads} failures=0`);
    }
  });

  it('runs an OpenMP guest without shared memory in snapshot-and-merge mode', async () => {
    const run = await runtime.invoke(guest('openmp', 'sm_loops'), { env: { OMP_NUM_THREADS: '2' } });
    expect(run.error).toBeUndefined();
    expect(run.stdout.toString()).toContain('omp_loops threads=2 failures=0');
  });

  it('runs pthreads: create/join/detach/exit/once/keys, then mutexes, condition variables and a queue', async () => {
    const threads = await runtime.invoke(guest('pthreads', 'pt_threads'));
    expect(threads.error).toBeUndefined();
    expect(threads.stdout.toString()).toContain('pt_threads failures=0');
    const sync = await runtime.invoke(guest('pthreads', 'pt_sync'), { args: ['2'] });
    expect(sync.error).toBeUndefined();
    expect(sync.stdout.toString()).toContain('pt_sync threads=2 failures=0');
  });

  it('captures what every thread of the team writes, in order, and starts each call empty', async () => {
    for (let call = 0; call < 2; call++) {
      const run = await runtime.invoke(guest('runtime', 'thread_output'));
      expect(run.error).toBeUndefined();
      expect(run.returnValue).toBe(0);
      const out = run.stdout.toString().split('\n').filter(Boolean);
      expect(out[0]).toBe('main start');
      expect(out.at(-1)).toBe('main end');
      expect(out.slice(1, -1).sort()).toEqual(['thread 0 out', 'thread 1 out', 'thread 2 out']);
      expect(run.stderr.toString().split('\n').filter(Boolean).sort()).toEqual(['thread 0 err', 'thread 1 err', 'thread 2 err']);
    }
  });
});
